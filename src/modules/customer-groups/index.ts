import { DateTime } from 'luxon';
import { notFound } from '../../lib/errors';
import { roomExists } from '../rooms';
import { claimFirstFree, insertUnique } from '../../storage/unique-insert';
import { CustomerGroupModel, CustomerGroupPostModel, CustomerGroupRemindModel, type CustomerGroup } from './customer-group.model';

export type { CustomerGroup };

/** Customer groups bound to these rooms (announcement targets). */
export async function customerGroupsOfRooms(rooms: readonly string[]): Promise<CustomerGroup[]> {
  if (!rooms.length) return [];
  return CustomerGroupModel.find({ room: { $in: [...rooms] } }).sort({ _id: 1 }).lean<CustomerGroup[]>();
}

export async function listCustomerGroups(): Promise<CustomerGroup[]> {
  return CustomerGroupModel.find({}).sort({ owner: 1, _id: 1 }).lean<CustomerGroup[]>();
}

/** Records groups found in WeCom (their room binding is kept). */
export async function recordCustomerGroups(groups: Array<{ chatId: string; owner: string; name?: string | null }>, now: Date): Promise<number> {
  for (const g of groups) {
    await CustomerGroupModel.updateOne({ _id: g.chatId }, { $set: { owner: g.owner, name: g.name ?? null, syncedAt: now } }, { upsert: true });
  }
  return groups.length;
}

export async function bindCustomerGroup(chatId: string, room: string | null): Promise<CustomerGroup> {
  const group = await CustomerGroupModel.findById(chatId).lean<CustomerGroup>();
  if (!group) throw notFound('未找到该客户群，请先同步（Customer group not found）', 'customer_group_not_found');
  if (room) {
    const exists = await roomExists(room.toUpperCase());
    if (!exists) throw notFound(`没有警务室 ${room}（Room not found）`, 'room_not_found');
  }
  await CustomerGroupModel.updateOne({ _id: chatId }, { $set: { room: room ? room.toUpperCase() : null } });
  return { ...group, room: room ? room.toUpperCase() : null };
}

/** Takes one of this month's posts of the group (as many as the month has days); null when none is left. */
export async function takeMonthlyPost(chatId: string, message: string, at: Date, zone: string): Promise<{ n: number; of: number } | null> {
  const local = DateTime.fromJSDate(at, { zone });
  const of = local.daysInMonth ?? 30;
  const month = local.toFormat('yyyy-MM');
  const slots = Array.from({ length: of }, (_, i) => i + 1);
  const taken = await claimFirstFree(CustomerGroupPostModel, slots, (n) => ({ _id: `${chatId}:${month}:${n}`, message, at }), { spread: false });
  return taken ? { n: taken.candidate, of } : null;
}

/** True the first time it is asked for a task (reminders are sent once). */
export async function firstReminder(taskId: string, at: Date): Promise<boolean> {
  return (await insertUnique(CustomerGroupRemindModel, { _id: taskId, at })).won;
}
