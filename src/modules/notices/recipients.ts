import type { ReplyAddress } from '../../lib/messages';
import { groupBindingsByIds, groupBindingsOfRooms, type GroupBinding } from '../groups';
import { activeOfficersWithRole } from '../officers';
import { customerGroupsOfRooms } from '../customer-groups';

/**
 * Who a job's messages go to: WeChat groups bound to rooms (the groups module's bindings) and
 * officers. Kept in one file so the jobs do not depend on how bindings are stored.
 */
export interface BoundGroup {
  conversationId: string;
  room: string;
  account: string | null;
  topic: string | null;
  /** wechat: a group the wechaty bot sits in; wecom-group: a WeCom customer group (a group-send task its owner confirms). */
  channel?: 'wechat' | 'wecom-group';
}

function toGroup(b: Pick<GroupBinding, 'groupId' | 'room' | 'account' | 'topic'>): BoundGroup {
  return { conversationId: b.groupId, room: b.room, account: b.account ?? null, topic: b.topic || null };
}

/** Active bindings of these rooms, one per WeChat group, and the WeCom customer groups bound to them. */
export async function boundGroupsOfRooms(rooms: readonly string[]): Promise<BoundGroup[]> {
  if (rooms.length === 0) return [];
  // A binding exists while the group is bound (unbinding deletes it).
  const [docs, customer] = await Promise.all([groupBindingsOfRooms(rooms), customerGroupsOfRooms(rooms)]);
  const wecom: BoundGroup[] = customer.map((g) => ({ conversationId: g._id, room: g.room!, account: g.owner, topic: `${g.name ?? `客户群 ${g._id.slice(-6)}`}（企业微信）`, channel: 'wecom-group' }));
  return dedupe([...docs.map(toGroup), ...wecom]);
}

/** Active bindings of these group ids (a group bound to no room is not a target). */
export async function boundGroupsByIds(ids: readonly string[]): Promise<BoundGroup[]> {
  if (ids.length === 0) return [];
  const docs = await groupBindingsByIds(ids);
  return dedupe(docs.map(toGroup));
}

export function dedupe(groups: BoundGroup[]): BoundGroup[] {
  const seen = new Map<string, BoundGroup>();
  for (const g of groups) if (!seen.has(g.conversationId)) seen.set(g.conversationId, g);
  return [...seen.values()].sort((a, b) => a.conversationId.localeCompare(b.conversationId));
}

export function groupAddress(g: BoundGroup): ReplyAddress {
  return { channel: g.channel ?? 'wechat', conversationId: g.conversationId, isGroup: true, account: g.account ?? undefined };
}

export interface OfficerTarget {
  id: string;
  name: string;
  rooms: string[];
  district: string | null;
  wechatId: string | null;
}

type OfficerLean = { _id: unknown; name: string; rooms: string[]; district?: string | null; wechatIds?: string[] };

function toTarget(o: OfficerLean): OfficerTarget {
  return { id: String(o._id), name: o.name, rooms: o.rooms, district: o.district ?? null, wechatId: o.wechatIds?.[0] ?? null };
}

export async function roomOfficers(room: string): Promise<OfficerTarget[]> {
  const docs: OfficerLean[] = await activeOfficersWithRole('officer', { room });
  return docs.map(toTarget);
}

export async function districtSupervisors(district: string): Promise<OfficerTarget[]> {
  const docs: OfficerLean[] = await activeOfficersWithRole('supervisor', { district });
  return docs.map(toTarget);
}

export async function activeOfficers(): Promise<OfficerTarget[]> {
  const docs: OfficerLean[] = await activeOfficersWithRole('officer');
  return docs.map(toTarget);
}

/** A WeChat private chat with the officer, when one is bound. */
export function officerAddress(o: OfficerTarget): ReplyAddress | null {
  return o.wechatId ? { channel: 'wechat', conversationId: o.wechatId, isGroup: false } : null;
}
