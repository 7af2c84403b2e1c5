import type { Types } from 'mongoose';
import type { ChannelName } from './messages';
import { findByKey } from '../../storage/find-by-key';
import { isDuplicateKeyError } from '../../storage/unique-insert';
import { ConversationStateModel, type ConversationState } from './conversation-state.model';
import type { FlowState } from './flows/types';

export interface ConversationMemory {
  key: string;
  room: string | null;
  /** The open flow, or null (none, or expired after inactivity). */
  flow: FlowState | null;
  openItem: { id: Types.ObjectId; code: string } | null;
  exists: boolean;
  lastActivityAt: Date | null;
}

export function stateKey(channel: ChannelName, conversationId: string, senderId: string): string {
  return `${channel}:${conversationId}:${senderId}`;
}

export function isFlowState(v: unknown): v is FlowState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return typeof s.flow === 'string' && typeof s.step === 'string' && !!s.data && typeof s.data === 'object';
}

/** Reads the memory of a conversation + sender; a flow idle for longer than `idleMinutes` counts as ended. */
/** What a conversation with nothing stored remembers. */
export const emptyMemory = (key: string): ConversationMemory => ({ key, room: null, flow: null, openItem: null, exists: false, lastActivityAt: null });

export async function loadMemory(key: string, now: Date, idleMinutes: number): Promise<ConversationMemory> {
  // Read through the driver: the document is plain data and this runs for every message.
  const doc = await findByKey<ConversationState>(ConversationStateModel, key);
  if (!doc) return emptyMemory(key);
  const fresh = doc.flowUpdatedAt && now.getTime() - doc.flowUpdatedAt.getTime() <= idleMinutes * 60_000;
  return {
    key,
    room: doc.room ?? null,
    flow: fresh && isFlowState(doc.flow) ? doc.flow : null,
    openItem: doc.openItem ? { id: doc.openItem.id as Types.ObjectId, code: doc.openItem.code } : null,
    exists: true,
    lastActivityAt: doc.lastActivityAt ?? null,
  };
}

export interface MemoryUpdate {
  room?: string | null;
  flow?: FlowState | null;
  openItem?: { id: Types.ObjectId; code: string } | null;
}

/** Writes what changed (an upsert; a concurrent first insert by the same sender is retried once as an update). */
export async function saveMemory(
  ids: { key: string; channel: ChannelName; conversationId: string; senderId: string },
  update: MemoryUpdate,
  now: Date,
): Promise<void> {
  const $set: Record<string, unknown> = { lastActivityAt: now };
  if (update.room !== undefined) $set.room = update.room;
  if (update.flow !== undefined) {
    $set.flow = update.flow;
    $set.flowUpdatedAt = update.flow ? now : null;
  }
  if (update.openItem !== undefined) $set.openItem = update.openItem;
  const $setOnInsert = { key: ids.key, channel: ids.channel, conversationId: ids.conversationId, senderId: ids.senderId };
  try {
    await ConversationStateModel.updateOne({ _id: ids.key }, { $set, $setOnInsert }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await ConversationStateModel.updateOne({ _id: ids.key }, { $set });
  }
}

/** Deletes conversation memory idle for longer than `olderThanDays` (run nightly by the housekeeping job). */
export async function purgeIdleConversationStates(now: Date, olderThanDays = 30): Promise<number> {
  const res = await ConversationStateModel.deleteMany({ lastActivityAt: { $lt: new Date(now.getTime() - olderThanDays * 86_400_000) } });
  return res.deletedCount ?? 0;
}
