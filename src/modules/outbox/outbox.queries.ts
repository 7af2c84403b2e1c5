import type { Types } from 'mongoose';
import { OutboxModel, type OutboxMessage } from './outbox.model';

/** What other modules read and settle of queued messages (they never query the outbox model themselves). */

/** A web conversation's messages after a position (creation time, then id), oldest first. */
export async function webMessagesAfter(conversationId: string, after: { at: Date; id: Types.ObjectId } | null, limit: number): Promise<OutboxMessage[]> {
  const filter: Record<string, unknown> = { channel: 'web', conversationId };
  if (after) filter.$or = [{ createdAt: { $gt: after.at } }, { createdAt: after.at, _id: { $gt: after.id } }];
  return OutboxModel.find(filter).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<OutboxMessage[]>();
}

/** Marks messages as delivered (the web chat delivers by handing them to the browser). */
export async function markSent(ids: Types.ObjectId[], at: Date): Promise<void> {
  if (ids.length) await OutboxModel.updateMany({ _id: { $in: ids } }, { $set: { status: 'sent', sentAt: at } });
}

/** The delivery state of the messages with these keys (for the jobs and broadcasts pages). */
export async function deliveryStates(keys: string[]): Promise<Array<Pick<OutboxMessage, 'key' | 'status' | 'sentAt' | 'nextAttemptAt' | 'lastError'>>> {
  if (!keys.length) return [];
  return OutboxModel.find({ key: { $in: keys } }, { key: 1, status: 1, sentAt: 1, nextAttemptAt: 1, lastError: 1 }).lean();
}

/** True when a message with this key was enqueued. */
export async function isEnqueued(key: string): Promise<boolean> {
  return Boolean(await OutboxModel.exists({ key }));
}

/** Messages of a channel waiting for a person's confirmation (status `awaiting`). */
export async function awaitingMessages(channel: OutboxMessage['channel'], limit: number): Promise<OutboxMessage[]> {
  return OutboxModel.find({ channel, status: 'awaiting' }).limit(limit).lean<OutboxMessage[]>();
}

/** Settles or annotates a message still awaiting confirmation (nothing when it moved on meanwhile). */
export async function updateAwaiting(id: Types.ObjectId, set: { status?: 'sent' | 'failed'; sentAt?: Date; lastError: string | null }): Promise<void> {
  await OutboxModel.updateOne({ _id: id, status: 'awaiting' }, { $set: set });
}
