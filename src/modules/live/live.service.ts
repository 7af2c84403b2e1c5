import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';
import { LiveEventModel, type LiveEvent, type LiveEventType } from './live-event.model';

export interface PublishProps {
  type: Exclude<LiveEventType, 'chat.message'>;
  item: { _id: Types.ObjectId | string; room: string; kind?: string | null; status?: string | null; assignee?: Types.ObjectId | string | null };
  action?: string;
  at?: Date;
}

type LocalListener = (event: LiveEvent) => void;
const localListeners = new Set<LocalListener>();

/** Hubs in this process hear their own instance's events at once (others via polling). */
export function onLocalEvent(listener: LocalListener): () => void {
  localListeners.add(listener);
  return () => localListeners.delete(listener);
}

/** Records a change for every instance's live inbox. */
export async function publishLiveEvent(props: PublishProps): Promise<void> {
  const created = await LiveEventModel.create({
    at: props.at ?? new Date(),
    type: props.type,
    item: props.item._id,
    room: props.item.room,
    kind: props.item.kind ?? null,
    status: props.item.status ?? null,
    assignee: props.item.assignee ?? null,
    action: props.action ?? null,
  });
  const event = created.toObject() as LiveEvent;
  for (const listener of localListeners) listener(event);
}

/** Ids of the items whose `item.created` events were recorded after `since` (oldest first, repeats possible). */
export async function createdItemIdsSince(since: Date): Promise<string[]> {
  const created = await LiveEventModel.find({ type: 'item.created', at: { $gt: since } }, { item: 1 }).lean();
  return created.map((e) => String(e.item));
}

/** How live events name a web conversation: a hash, since the id itself is the key to its messages. */
export function conversationKey(conversationId: string): string {
  return createHash('sha256').update(`web-chat:${conversationId}`).digest('base64url').slice(0, 22);
}

/** Wakes every instance's open chat pages of this web conversation (a new message is in its feed). */
export async function publishChatSignal(conversationId: string, at: Date = new Date()): Promise<void> {
  const created = await LiveEventModel.create({ at, type: 'chat.message', conversation: conversationKey(conversationId) });
  const event = created.toObject() as LiveEvent;
  for (const listener of localListeners) listener(event);
}

/**
 * Ends the live inbox streams of one session (sign-out) or of all an officer's sessions
 * (deactivation, password reset) on every instance: this instance at once, others at their next poll.
 */
export async function publishSessionEnded(props: { officer: string; session?: string | null; at?: Date }): Promise<void> {
  const created = await LiveEventModel.create({ at: props.at ?? new Date(), type: 'session.ended', officer: props.officer, session: props.session ?? null });
  const event = created.toObject() as LiveEvent;
  for (const listener of localListeners) listener(event);
}

/** Items created since `since` (by any instance), as their item.created events tell. */
export async function createdItemsSince(since: Date): Promise<Array<{ item: Types.ObjectId; kind: string | null; room: string | null; at: Date }>> {
  const events = await LiveEventModel.find({ type: 'item.created', at: { $gt: since } }, { item: 1, kind: 1, room: 1, at: 1 }).limit(1000).lean<LiveEvent[]>();
  return events.filter((e) => e.item).map((e) => ({ item: e.item as Types.ObjectId, kind: e.kind ?? null, room: e.room ?? null, at: e.at }));
}
