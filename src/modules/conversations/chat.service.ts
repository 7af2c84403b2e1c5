import { randomBytes } from 'node:crypto';
import { markSent, type OutboxMessage, webMessagesAfter } from '../outbox';
import { LRUCache } from 'lru-cache';
import { Types } from 'mongoose';
import { notFound } from '../../lib/errors';
import { WebConversationModel, type WebConversation } from './web-conversation.model';
import { insertUnique } from '../../storage/unique-insert';

export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Conversations this instance has seen lately. A web conversation never changes room and is
 * never deleted, so a hit is as good as the database's answer; the cache only saves the
 * look-up that every chat message makes. Another instance learns a conversation on its own
 * first look-up. `touchedAt` is when this instance last wrote lastActivityAt.
 */
const known = new LRUCache<string, { conv: WebConversation; touchedAt: number }>({ max: 20_000, ttl: 30 * 60_000 });

/** lastActivityAt is written at most once a minute per conversation and instance. */
const TOUCH_EVERY_MS = 60_000;

/** The web conversation for this request: the given one (same room), or a new one. */
export async function openWebConversation(room: string, conversationId: string | undefined, now: Date): Promise<WebConversation> {
  if (conversationId) {
    let entry = known.get(conversationId);
    if (!entry) {
      const found = await WebConversationModel.findById(conversationId).lean<WebConversation>();
      if (!found) throw notFound('会话不存在或已过期，请刷新页面重新开始（Conversation not found）', 'conversation_not_found');
      entry = { conv: found, touchedAt: found.lastActivityAt.getTime() };
      known.set(conversationId, entry);
    }
    if (entry.conv.room === room) {
      if (now.getTime() - entry.touchedAt > TOUCH_EVERY_MS) {
        entry.touchedAt = now.getTime();
        await WebConversationModel.updateOne({ _id: conversationId }, { $set: { lastActivityAt: now } });
      }
      return entry.conv;
    }
    // Another room: a conversation belongs to one room, so this starts a new one.
  }
  for (;;) {
    const cid = newConversationId();
    const outcome = await insertUnique<WebConversation>(WebConversationModel, { _id: cid, cid, room, lastActivityAt: now });
    if (outcome.won) {
      known.set(cid, { conv: outcome.doc, touchedAt: now.getTime() });
      return outcome.doc;
    }
  }
}

export async function findWebConversation(cid: string): Promise<WebConversation> {
  const conv = await WebConversationModel.findById(cid).lean<WebConversation>();
  if (!conv) throw notFound('会话不存在（Conversation not found）', 'conversation_not_found');
  return conv;
}

export interface FeedPage {
  messages: OutboxMessage[];
  cursor: string | null;
}

/**
 * Messages for the web chat from officers and jobs (the outbox, channel 'web'), oldest first,
 * after a cursor. Delivering them to the browser is what "sent" means for the web channel.
 */
export async function readFeed(cid: string, after: string | undefined, now: Date, limit = 50): Promise<FeedPage> {
  let position: { at: Date; id: Types.ObjectId } | null = null;
  if (after) {
    const [ms, id] = after.split('_');
    position = { at: new Date(Number(ms)), id: new Types.ObjectId(id) };
  }
  const messages = await webMessagesAfter(cid, position, limit);
  await markSent(
    messages.filter((m) => m.status !== 'sent').map((m) => m._id),
    now,
  );
  const last = messages[messages.length - 1];
  return { messages, cursor: last ? `${last.createdAt.getTime()}_${last._id.toHexString()}` : (after ?? null) };
}

/** How many web conversations were ever opened. */
export async function countWebConversations(): Promise<number> {
  return WebConversationModel.countDocuments({});
}
