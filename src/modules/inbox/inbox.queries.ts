import { Types } from 'mongoose';
import { notFound } from '../../lib/errors';
import { type Item, itemById, type ItemKind, itemsByActivity, type ItemStatus, openRows, type QueueRow } from '../items';
import { officersByIds, officersOfRoomAndSupervisors } from '../officers';

/** Queries: the queue as an officer sees it, one item, and the officers around it. */

export interface InboxFilter {
  status?: ItemStatus | 'open' | 'all';
  room?: string;
  kind?: ItemKind;
  mine?: boolean;
  breached?: boolean;
  limit: number;
}

/** Queue order: highest priority first, then oldest. */
export function queueOrder(a: Pick<QueueRow, 'priority' | 'createdAt' | '_id'>, b: Pick<QueueRow, 'priority' | 'createdAt' | '_id'>): number {
  return b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime() || String(a._id).localeCompare(String(b._id));
}

export type ListedItem = Item | QueueRow;

/**
 * The queue as one officer may see it. Open statuses (the everyday view, and "breached")
 * are read from the open-queue rows; resolved/closed/all from the items themselves
 * (newest activity first), which on FerretDB means a scan of the items collection.
 */
export async function listInbox(props: { rooms: string[] | 'all'; officerId: string; filter: InboxFilter; now: Date }): Promise<{ items: ListedItem[]; hasMore: boolean }> {
  const { filter, now } = props;
  const status = filter.status ?? 'open';
  const rooms = filter.room ? [filter.room] : props.rooms;
  if (status === 'open' || status === 'new' || status === 'claimed' || status === 'waiting' || filter.breached) {
    const rows = (await openRows(rooms)).filter(
      (r) =>
        (status === 'open' || status === 'all' || r.status === status) &&
        (!filter.kind || r.kind === filter.kind) &&
        (!filter.mine || String(r.assignee) === props.officerId) &&
        (!filter.breached || ((r.status === 'new' || r.status === 'claimed') && !r.firstResponseAt && r.dueAt.getTime() < now.getTime())),
    );
    rows.sort(queueOrder);
    return { items: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
  }
  const items = await itemsByActivity(
    { rooms, status: status === 'all' ? undefined : status, kind: filter.kind, assignee: filter.mine ? new Types.ObjectId(props.officerId) : undefined },
    filter.limit + 1,
  );
  return { items: items.slice(0, filter.limit), hasMore: items.length > filter.limit };
}

export async function loadItem(id: string, options: { withContact?: boolean } = {}): Promise<Item> {
  if (!Types.ObjectId.isValid(id)) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  const item = await itemById(id, { withContact: options.withContact });
  if (!item) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  return item;
}

export { loadThread } from '../items';

/** Officers' display names by id, for presenters. */
export async function officerNames(ids: Array<Types.ObjectId | string | null | undefined>): Promise<Map<string, { name: string; badge: string | null }>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))];
  if (!unique.length) return new Map();
  const officers = await officersByIds(unique);
  return new Map(officers.map((o) => [String(o._id), { name: o.name, badge: o.badge ?? null }]));
}

/** Officers an item may be transferred to: active officers serving its room, and the district's supervisors. */
export async function transferTargets(room: string, district: string | null): Promise<Array<{ id: string; name: string; role: string }>> {
  const officers = await officersOfRoomAndSupervisors(room, district);
  return officers.map((o) => ({ id: String(o._id), name: o.name, role: o.role }));
}
