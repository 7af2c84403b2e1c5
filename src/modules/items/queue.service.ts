import { isDuplicateKeyError } from '../../storage/unique-insert';
import { createdItemIdsSince } from '../live';
import { ItemModel, OPEN_STATUSES, type Item } from './item.model';
import { QueueRowModel } from './queue.model';

const OPEN = new Set<string>(OPEN_STATUSES);
export const isOpen = (status: string) => OPEN.has(status);

/** A queue row has the item's list fields under the same names, so presenters take either. */
export type QueueRow = Pick<
  Item,
  | '_id'
  | 'code'
  | 'room'
  | 'kind'
  | 'status'
  | 'priority'
  | 'flagged'
  | 'summary'
  | 'service'
  | 'labels'
  | 'dueAt'
  | 'assignee'
  | 'claimEpoch'
  | 'leaseUntil'
  | 'anonymous'
  | 'firstResponseAt'
  | 'resolvedAt'
  | 'reopenCount'
  | 'createdAt'
  | 'lastActivityAt'
> & { origin: { channel: string; isGroup: boolean } | null };

const ROW_FIELDS = [
  'code', 'room', 'kind', 'status', 'priority', 'flagged', 'summary', 'service', 'labels', 'dueAt', 'assignee', 'claimEpoch',
  'leaseUntil', 'anonymous', 'firstResponseAt', 'resolvedAt', 'reopenCount', 'createdAt', 'lastActivityAt',
] as const;
const ITEM_PROJECTION = Object.fromEntries([...ROW_FIELDS, 'origin'].map((f) => [f, 1]));

export function toRow(item: Pick<Item, '_id' | (typeof ROW_FIELDS)[number] | 'origin'>): QueueRow {
  const row: Record<string, unknown> = { _id: item._id };
  for (const f of ROW_FIELDS) row[f] = item[f] ?? null;
  row.labels = item.labels ?? [];
  row.origin = item.origin ? { channel: item.origin.channel, isGroup: Boolean(item.origin.isGroup) } : null;
  return row as QueueRow;
}

/** Mirrors one item's current state: a row while it is open, none otherwise. `_id` writes only. */
export async function applyToQueue(item: Parameters<typeof toRow>[0]): Promise<void> {
  if (!isOpen(item.status)) {
    await QueueRowModel.deleteOne({ _id: item._id });
    return;
  }
  const row = toRow(item);
  try {
    await QueueRowModel.replaceOne({ _id: item._id }, row, { upsert: true });
  } catch (err) {
    // Two upserts of a new row raced (an upsert is not atomic on FerretDB): the row exists now.
    if (!isDuplicateKeyError(err)) throw err;
    await QueueRowModel.replaceOne({ _id: item._id }, row);
  }
}

// ------------------------------------------------------------------ sync

/** Items created on another instance with a clock this far behind ours are still picked up. */
const CLOCK_SKEW_MS = 30_000;
const FULL_SYNC_EVERY_MS = 10 * 60_000;
/**
 * The incremental pass scans the recent events and the rows, so it runs at most this often per
 * process. createItem() adds its row itself; the pass only catches items whose creator could
 * not (a failed write, an older version), which may appear up to this much later.
 */
const INCREMENTAL_EVERY_MS = 1000;

let lastFull = 0;
let lastIncremental = 0;
let lastIncrementalStart = 0;
let inFlight: Promise<void> | null = null;

/** Forgets the sync state (tests that empty the database between cases). */
export function resetQueueSync(): void {
  lastFull = 0;
  lastIncremental = 0;
  lastIncrementalStart = 0;
  inFlight = null;
  fullInFlight = null;
}

/**
 * Brings the queue up to date before it is read. On FerretDB only `_id` equality avoids a
 * scan of the items collection, so new items are discovered from the small events
 * collection: every creator announces an item with an 'item.created' live event
 * (conversation flows, tips). A full pass over the items repairs everything else — it
 * blocks only when the queue has never been built, otherwise it runs in the background
 * every 10 minutes (items created without an event appear within that time).
 */
export async function syncQueue(): Promise<void> {
  const now = Date.now();
  if (lastFull === 0 && (await QueueRowModel.estimatedDocumentCount()) === 0) {
    fullInFlight ??= fullSync().finally(() => (fullInFlight = null));
    await fullInFlight;
    lastFull = now;
  } else if (now - lastFull > FULL_SYNC_EVERY_MS && !fullInFlight) {
    lastFull = now;
    fullInFlight = fullSync()
      .catch(() => undefined) // retried at the next interval; reads keep working from the rows
      .finally(() => (fullInFlight = null));
  }
  if (inFlight) return inFlight;
  if (now - lastIncrementalStart < INCREMENTAL_EVERY_MS) return;
  lastIncrementalStart = now;
  inFlight = incrementalSync().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

let fullInFlight: Promise<void> | null = null;

async function incrementalSync(): Promise<void> {
  const started = Date.now();
  const since = new Date((lastIncremental || started) - CLOCK_SKEW_MS);
  const ids = [...new Set(await createdItemIdsSince(since))];
  if (ids.length) {
    const known = new Set((await QueueRowModel.find({}, { _id: 1 }).lean()).map((r) => String(r._id)));
    for (const id of ids) {
      if (known.has(id)) continue;
      const item = await ItemModel.findById(id, ITEM_PROJECTION).lean<Item>();
      if (item && isOpen(item.status)) await insertRow(item);
    }
  }
  lastIncremental = started;
}

/** The row of a new item, written by its creator (createItem) so the inbox shows it at once. */
export async function addToQueue(item: Item): Promise<void> {
  if (isOpen(item.status)) await insertRow(item);
}

async function insertRow(item: Item): Promise<void> {
  try {
    await QueueRowModel.create(toRow(item));
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err; // a transition wrote it meanwhile: its row is newer
  }
}

/** Adds missing rows, refreshes rows older than their item (by epoch), drops rows of items no longer open. */
async function fullSync(): Promise<void> {
  const [open, rows] = await Promise.all([
    ItemModel.find({ status: { $in: [...OPEN_STATUSES] } }, ITEM_PROJECTION).lean<Item[]>(),
    QueueRowModel.find({}, { _id: 1, claimEpoch: 1 }).lean(),
  ]);
  const rowEpoch = new Map(rows.map((r) => [String(r._id), r.claimEpoch ?? 0]));
  const openIds = new Set(open.map((i) => String(i._id)));
  for (const item of open) {
    const epoch = rowEpoch.get(String(item._id));
    if (epoch === undefined) await insertRow(item);
    else if ((item.claimEpoch ?? 0) > epoch) await applyToQueue(item);
  }
  const gone = rows.filter((r) => !openIds.has(String(r._id))).map((r) => r._id);
  for (const id of gone) {
    const item = await ItemModel.findById(id, { status: 1 }).lean();
    if (!item || !isOpen(item.status)) await QueueRowModel.deleteOne({ _id: id });
  }
}

/** The open rows of some rooms (the small collection: scanned, filtered and sorted here). */
export async function openRows(rooms: string[] | 'all'): Promise<QueueRow[]> {
  await syncQueue();
  const filter = rooms === 'all' ? {} : { room: rooms.length === 1 ? rooms[0] : { $in: rooms } };
  return QueueRowModel.find(filter).lean<QueueRow[]>();
}
