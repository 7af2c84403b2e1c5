import type { Types } from 'mongoose';
import { ItemModel, type Item, type ItemKind, type ItemStatus } from './item.model';

/**
 * Item documents as the other modules read and write them (they never query the Item model
 * themselves). Reads are lean and leave out the contact and the follow-up secret unless a name
 * or an option says otherwise.
 */
type Id = Types.ObjectId | string;

/** One item by `_id` (a hot path: FerretDB answers `_id` lookups without a scan); `fields` limits what is read. */
export async function itemById(id: Id, options: { fields?: ReadonlyArray<keyof Item>; withContact?: boolean } = {}): Promise<Item | null> {
  const query = ItemModel.findById(id, options.fields ? Object.fromEntries(options.fields.map((f) => [f, 1])) : undefined);
  if (options.withContact) query.select('+contact');
  return query.lean<Item>();
}

/** The whole item, contact and follow-up secret included: for the one writer of a transition. */
export async function itemWithSecrets(id: Id): Promise<Item | null> {
  return ItemModel.findById(id).select('+contact +secretHash').lean<Item>();
}

/**
 * Writes a whole item back by `_id` (the winner of an epoch insert is the item's only writer; on
 * FerretDB 1.24 a replace by `_id` takes ~1 ms where an update with $set scans the collection).
 */
export async function replaceItem(item: Item & Record<string, unknown>): Promise<void> {
  await ItemModel.collection.replaceOne({ _id: item._id }, item);
}

/** Items matching `filter`, most recently active first (the inbox list beyond the open queue). */
export async function itemsByActivity(filter: { rooms: string[] | 'all'; status?: string; kind?: string; assignee?: Types.ObjectId }, limit: number): Promise<Item[]> {
  const query: Record<string, unknown> = {};
  if (filter.rooms !== 'all') query.room = filter.rooms.length === 1 ? filter.rooms[0] : { $in: filter.rooms };
  if (filter.status) query.status = filter.status;
  if (filter.kind) query.kind = filter.kind;
  if (filter.assignee) query.assignee = filter.assignee;
  return ItemModel.find(query).sort({ lastActivityAt: -1, _id: -1 }).limit(limit).lean<Item[]>();
}

/** What waits for an officer in their rooms: new items, and those they hold; most urgent first. */
export async function itemsWaitingFor(officer: { id: string; rooms: string[] }, limit: number): Promise<Item[]> {
  return ItemModel.find({
    room: { $in: officer.rooms },
    $or: [{ status: 'new' }, { status: { $in: ['claimed', 'waiting'] }, assignee: officer.id }],
  })
    .sort({ priority: -1, dueAt: 1 })
    .limit(limit)
    .lean<Item[]>();
}

/** Items in one of `statuses` due at or before `at`, earliest due first. */
export async function itemsDueBy(statuses: readonly ItemStatus[], at: Date, limit: number): Promise<Item[]> {
  return ItemModel.find({ status: { $in: [...statuses] }, dueAt: { $lte: at } }).sort({ dueAt: 1 }).limit(limit).lean<Item[]>();
}

/** The fields the report rollups count, of the items matching a rollup's filter (rooms, time ranges, ids). */
export async function itemsForRollup(filter: Record<string, unknown>) {
  return ItemModel.find(filter, { room: 1, kind: 1, assignee: 1, createdAt: 1, dueAt: 1, firstResponseAt: 1, resolvedAt: 1, closedAt: 1, claimEpoch: 1 }).lean();
}

/** Ascending indexes on item time fields (for the report scans on MongoDB), named `<prefix><field>`. */
export async function createItemTimeIndexes(fields: ReadonlyArray<keyof Item>, prefix: string): Promise<void> {
  for (const field of fields) await ItemModel.collection.createIndex({ [field]: 1 }, { name: `${prefix}${String(field)}` });
}

/** Items of these kinds created in (from, to], oldest first (the alert catch-up after a gap; a scan, run once per start). */
export async function itemsCreatedBetween(from: Date, to: Date, kinds: readonly ItemKind[], limit: number): Promise<Array<Pick<Item, '_id' | 'code' | 'kind' | 'room' | 'status' | 'createdAt'>>> {
  return ItemModel.find({ createdAt: { $gt: from, $lte: to }, kind: { $in: kinds as ItemKind[] } }, { code: 1, kind: 1, room: 1, status: 1, createdAt: 1 })
    .sort({ createdAt: 1 })
    .limit(limit)
    .lean<Array<Pick<Item, '_id' | 'code' | 'kind' | 'room' | 'status' | 'createdAt'>>>();
}
