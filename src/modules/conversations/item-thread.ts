import type { Types } from 'mongoose';
import { addResidentMessage } from '../inbox';
import { type Item, itemById } from '../items';

/**
 * A resident's further message on a conversation whose item is still open (or was resolved
 * recently) joins that item's thread through the inbox's addResidentMessage: an insert-only
 * ItemMessage, then an exclusive transition that bumps lastActivityAt, hands a `waiting`
 * item back (to its officer, or to `new`) and reopens a `resolved` one.
 */
export async function findJoinableItem(itemId: Types.ObjectId, now: Date, reopenHours: number): Promise<Item | null> {
  const item = await itemById(itemId);
  if (!item) return null;
  if (item.status === 'new' || item.status === 'claimed' || item.status === 'waiting') return item;
  if (item.status === 'resolved' && item.resolvedAt && now.getTime() - item.resolvedAt.getTime() <= reopenHours * 3_600_000) return item;
  return null;
}

export async function loadItem(itemId: Types.ObjectId): Promise<Item | null> {
  return itemById(itemId);
}

export async function appendResidentMessage(item: Item, text: string, now: Date, leaseMinutes?: number): Promise<{ reopened: boolean }> {
  const before = item.status;
  const { item: after } = await addResidentMessage({ itemId: item._id, text, now, leaseMinutes, actorKind: item.kind === 'tip' ? 'tipster' : 'resident' });
  return { reopened: before === 'resolved' && after.status === 'new' };
}
