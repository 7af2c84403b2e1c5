import type { Types } from 'mongoose';
import { conflict } from '../../lib/errors';
import { claimFirstFree } from '../../storage/unique-insert';
import { ItemMessageModel, type ItemMessage } from './item.model';

/**
 * An item's thread, stored so that reading and appending never search the whole message
 * collection: message n of item X has `_id` "X:n" (n = 1, 2, 3 …). On FerretDB 1.24 a lookup
 * by `_id` is the only query that uses an index; any filter on `item` reads every message of
 * every item (seconds at a few hundred thousand messages). The numbers also give the thread
 * its true order, whatever the clocks of the instances that wrote it.
 *
 * Appending takes the first free number after the thread's end by unique insert, so two
 * writers at the same moment get n and n+1: numbers stay contiguous, and reading stops at the
 * first missing one.
 */
export type NewItemMessage = Omit<ItemMessage, '_id' | 'seq' | 'attachments' | 'officer'> & {
  officer?: Types.ObjectId | string | null;
  attachments?: string[];
};

export const threadMessageId = (item: Types.ObjectId | string, seq: number): string => `${String(item)}:${seq}`;

/** Threads longer than this are cut when read (the inbox shows at most this many). */
const MAX_THREAD = 2000;

/** Reads messages from..from+count-1 in parallel; stops the list at the first missing one. */
async function probe(item: Types.ObjectId | string, from: number, count: number): Promise<{ found: ItemMessage[]; complete: boolean }> {
  const batch = await Promise.all(Array.from({ length: count }, (_, k) => ItemMessageModel.findById(threadMessageId(item, from + k)).lean<ItemMessage>()));
  const missing = batch.findIndex((m) => !m);
  return missing === -1 ? { found: batch as ItemMessage[], complete: false } : { found: batch.slice(0, missing) as ItemMessage[], complete: true };
}

/** Messages written before threads were numbered have ObjectId keys: read those by their item. */
async function legacyThread(item: Types.ObjectId | string, limit: number): Promise<ItemMessage[]> {
  return ItemMessageModel.find({ item }).sort({ at: 1, _id: 1 }).limit(limit).lean<ItemMessage[]>();
}

/** The whole thread in order (batches of 4, 8, 16 … lookups, so a short thread costs one round). */
export async function loadThread(item: Types.ObjectId | string, limit = MAX_THREAD): Promise<ItemMessage[]> {
  const messages: ItemMessage[] = [];
  for (let size = 4; messages.length < limit; size = Math.min(size * 2, 64)) {
    const { found, complete } = await probe(item, messages.length + 1, Math.min(size, limit - messages.length));
    messages.push(...found);
    if (complete) break;
  }
  if (messages.length === 0) return legacyThread(item, limit);
  return messages;
}

const exists = async (item: Types.ObjectId | string, seq: number): Promise<boolean> =>
  (await ItemMessageModel.exists({ _id: threadMessageId(item, seq) })) !== null;

/**
 * How many messages the thread has. Since numbers are contiguous, presence is monotone: one
 * parallel round over 1, 2, 4 … 4096 brackets the end between a power of two and its double,
 * and a second round (or a binary search, for long threads) finds it.
 */
async function threadLength(item: Types.ObjectId | string): Promise<number> {
  const powers = Array.from({ length: 13 }, (_, k) => 2 ** k);
  const present = await Promise.all(powers.map((seq) => exists(item, seq)));
  const firstMissing = present.indexOf(false);
  if (firstMissing === 0) return 0;
  let low = powers[firstMissing === -1 ? powers.length - 1 : firstMissing - 1]; // present
  let high = firstMissing === -1 ? Infinity : powers[firstMissing]; // missing
  if (high === Infinity) {
    while (await exists(item, low * 2)) low *= 2;
    high = low * 2;
  }
  if (high - low <= 64) {
    const between = await Promise.all(Array.from({ length: high - low - 1 }, (_, k) => exists(item, low + 1 + k)));
    const gap = between.indexOf(false);
    return gap === -1 ? high - 1 : low + gap;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await exists(item, mid)) low = mid;
    else high = mid;
  }
  return low;
}

/** Appends a message at the end of the item's thread and returns it as stored. */
export async function appendMessage(message: NewItemMessage, options: { first?: boolean } = {}): Promise<ItemMessage> {
  // A new item's first message needs no search: nothing can be in its thread yet.
  let seq = options.first ? 1 : (await threadLength(message.item)) + 1;
  if (seq === 1 && !options.first) {
    // An item from before numbered threads: continue after its old messages, which stay
    // readable through the legacy path because "X:1" never exists for it.
    const legacy = await ItemMessageModel.countDocuments({ item: message.item });
    if (legacy > 0) seq = legacy + 1;
  }
  // Writers that lose a number to another one move on to the next, in order (no spreading).
  const numbers = Array.from({ length: 100 }, (_, k) => seq + k);
  const claimed = await claimFirstFree<ItemMessage, number>(
    ItemMessageModel,
    numbers,
    (n) => ({ attachments: [], officer: null, ...message, _id: threadMessageId(message.item, n), seq: n }),
    { spread: false },
  );
  if (!claimed) throw conflict('消息写入冲突，请重试（The thread is busy; try again）', 'thread_busy');
  return claimed.doc;
}
