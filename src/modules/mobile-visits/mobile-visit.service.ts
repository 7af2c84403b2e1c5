import { roomByCode, roomCodesOfDistrict, roomsByCodes } from '../rooms';
import { broadcastRecipients } from '../broadcasts';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { badRequest, notFound } from '../../lib/errors';
import { boundGroupsByIds, type BoundGroup } from '../notices';
import { formatDate, renderFor, roomValues } from '../templates';
import { WEEKDAY_LABELS } from '../talk-day';
import { MobileVisitModel, type MobileVisit } from './mobile-visit.model';

export interface CreateVisitProps {
  room: string;
  place: string;
  start: Date;
  end: Date;
  note?: string;
  targetRooms: string[];
  targetGroups: string[];
  /** Rooms whose groups the creating officer may message ('all' for admins): the broadcasts' rule. */
  allowedRooms: string[] | 'all';
  createdBy: string;
  now: Date;
}

/**
 * Enters a stop. Targets must be in the visiting room's district (a mobile station serves the
 * communities around it) and, as for a broadcast, rooms and groups the officer may message
 * (src/modules/broadcasts: broadcastRecipients); the scope is stored and applied again when the
 * notice goes out.
 */
export async function createVisit(props: CreateVisitProps): Promise<MobileVisit> {
  if (props.end <= props.start) throw badRequest('结束时间须晚于开始时间（End must be after start）', undefined, 'invalid_time_range');
  if (props.start <= props.now) throw badRequest('停靠时间须在将来（The visit must be in the future）', undefined, 'visit_in_past');
  if (props.targetRooms.length + props.targetGroups.length === 0) {
    throw badRequest('请至少选择一个通知的警务室或群（Choose at least one room or group to notify）', undefined, 'no_targets');
  }
  const room = await roomByCode(props.room, { activeOnly: true });
  if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
  const targets = await roomsByCodes(props.targetRooms, { activeOnly: true, fields: ['code', 'district'] });
  const bad = props.targetRooms.filter((c) => !targets.some((t) => t.code === c && t.district === room.district));
  if (bad.length) throw badRequest(`以下警务室不存在或不在本辖区：${bad.join('、')}（Unknown room or another district）`, { rooms: bad }, 'invalid_target_room');
  const groups = await boundGroupsByIds(props.targetGroups);
  const groupRooms = await roomsByCodes(groups.map((g) => g.room), { fields: ['code', 'district'] });
  const badGroups = props.targetGroups.filter((id) => {
    const g = groups.find((x) => x.conversationId === id);
    return !g || !groupRooms.some((r) => r.code === g.room && r.district === room.district);
  });
  if (badGroups.length) throw badRequest('有的群未绑定到本辖区的警务室（Group not bound in this district）', { groups: badGroups }, 'invalid_target_group');
  const scope = await broadcastRecipients({ rooms: props.targetRooms, groups: props.targetGroups, allowedRooms: props.allowedRooms });
  if (scope.refusedRooms.length) {
    throw badRequest(`以下警务室不在您负责的范围内：${scope.refusedRooms.join('、')}（Not your room）`, { rooms: scope.refusedRooms }, 'invalid_target_room');
  }
  if (scope.refusedGroups.length) {
    throw badRequest('有的群不属于您负责的警务室（Group of a room you do not serve）', { groups: scope.refusedGroups }, 'invalid_target_group');
  }
  const doc = await MobileVisitModel.create({
    room: props.room,
    place: props.place,
    start: props.start,
    end: props.end,
    note: props.note ?? '',
    targetRooms: [...new Set(props.targetRooms)],
    targetGroups: [...new Set(props.targetGroups)],
    scopeAll: props.allowedRooms === 'all',
    scopeRooms: props.allowedRooms === 'all' ? [] : props.allowedRooms,
    createdBy: props.createdBy,
    createdAt: props.now,
    updatedAt: props.now,
  });
  return doc.toObject() as MobileVisit;
}

export async function findVisit(id: string): Promise<MobileVisit | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return MobileVisitModel.findById(id).lean<MobileVisit>();
}

export async function listVisits(filter: Record<string, unknown>, since: Date): Promise<MobileVisit[]> {
  return MobileVisitModel.find({ ...filter, end: { $gte: since } }).sort({ start: 1 }).limit(200).lean<MobileVisit[]>();
}

/** Visits not cancelled that start after `from` and no later than `to`, earliest first. */
export async function visitsStartingBetween(from: Date, to: Date): Promise<MobileVisit[]> {
  return MobileVisitModel.find({ cancelledAt: null, start: { $gt: from, $lte: to } }).sort({ start: 1 }).lean<MobileVisit[]>();
}

export async function cancelVisit(id: Types.ObjectId, by: string, now: Date): Promise<void> {
  await MobileVisitModel.updateOne({ _id: id, cancelledAt: null }, { $set: { cancelledAt: now, cancelledBy: by } });
}

/** Exactly the groups a broadcast by the visit's creator to the same rooms and groups reaches now. */
export async function visitRecipients(visit: Pick<MobileVisit, 'room' | 'targetRooms' | 'targetGroups' | 'scopeAll' | 'scopeRooms'>): Promise<BoundGroup[]> {
  let allowedRooms: string[] | 'all';
  if (visit.scopeAll) allowedRooms = 'all';
  else if (visit.scopeRooms) allowedRooms = visit.scopeRooms;
  else {
    // Entered before the scope was stored: the rule of that time, the visiting room's district.
    const room = await roomByCode(visit.room, { fields: ['code', 'district'] });
    allowedRooms = room?.district ? await roomCodesOfDistrict(room.district) : [visit.room];
  }
  const { recipients } = await broadcastRecipients({ rooms: visit.targetRooms, groups: visit.targetGroups, allowedRooms });
  return recipients;
}

export async function visitNoticeText(visit: Pick<MobileVisit, 'room' | 'place' | 'start' | 'end' | 'note'>, zone: string): Promise<string> {
  const room = await roomByCode(visit.room);
  const start = DateTime.fromJSDate(visit.start, { zone });
  const end = DateTime.fromJSDate(visit.end, { zone });
  return renderFor('mobile_visit.notice', visit.room, {
    ...roomValues(room),
    date: formatDate(visit.start, zone),
    weekday: WEEKDAY_LABELS[start.weekday],
    time: `${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`,
    place: visit.place,
    topic: visit.note ?? '',
  });
}
