import type { ChannelName } from '../../lib/channel-names';
import { DateTime } from 'luxon';
import { type DomainError, badRequest, notFound } from '../../lib/errors';
import { cachedRead } from '../../lib/read-cache';
import { ROOM_READ_PREFIX, findRoom, type Room } from '../rooms';
import { findService, type Service } from '../services';
import type { AppointmentPolicy } from './appointment.policy';
import { loadCalendar, loadScheduleSpec } from './schedule.service';
import { bookingWindow, effectiveRule, locateSlot, windowProblemAt, type EffectiveRule, type ScheduleSpec, type ServiceSlot } from './slots';

/**
 * The booking context: the room, the service, the room's schedule and the rule that applies to
 * the service there, loaded once per request; and a chosen slot checked against them.
 */

export interface Clocked {
  policy: AppointmentPolicy;
  now: Date;
}

export interface ReplyOrigin {
  channel: ChannelName;
  conversationId: string;
  isGroup: false;
  account?: string;
}

export interface Setting {
  room: Room;
  service: Service;
  spec: ScheduleSpec;
  rule: EffectiveRule;
}

export async function loadRoom(code: string): Promise<Room> {
  const upper = code.toUpperCase();
  const room = await cachedRead(`${ROOM_READ_PREFIX}${upper}`, () => findRoom(upper));
  if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
  return room;
}

async function loadService(key: string): Promise<Service> {
  const service = await findService(key);
  if (!service) throw badRequest('未知的办理事项（Unknown service）', undefined, 'service_not_found');
  if (service.bookable === false) throw badRequest(`“${service.name}”暂不支持预约（Service not bookable）`, undefined, 'service_not_bookable');
  return service;
}

export async function loadSetting(roomCode: string, serviceKey: string, policy: AppointmentPolicy): Promise<Setting> {
  const room = await loadRoom(roomCode);
  const service = await loadService(serviceKey);
  const spec = await loadScheduleSpec(room, policy);
  const rule = effectiveRule(spec, service.key);
  if (!rule) throw badRequest(`${room.name}暂不提供“${service.name}”预约（Service not offered at this room）`, undefined, 'service_not_offered');
  return { room, service, spec, rule };
}

function slotProblemError(problem: string, setting: Setting): DomainError {
  switch (problem) {
    case 'closed_day':
      return badRequest('该日警务室不办公（节假日或暂停服务），请选择其他日期（The room is closed that day）', undefined, 'closed_day');
    case 'not_offered':
      return badRequest(`“${setting.service.name}”该日不受理预约，请选择其他日期（Service not offered that day）`, undefined, 'service_not_offered_that_day');
    case 'not_on_grid':
      return badRequest('所选时间不是可预约的时段，请从可选时段中选择（Time is not a bookable slot）', undefined, 'slot_not_on_grid');
    case 'past':
      return badRequest('所选时段已过（Slot is in the past）', undefined, 'slot_in_past');
    case 'too_late':
      return badRequest(`该时段已截止预约（需在开始前 ${setting.rule.bookingClosesMinutes} 分钟预约）（Booking closed for this slot）`, undefined, 'booking_closed');
    case 'too_far_ahead':
      return badRequest(`只能预约 ${setting.rule.bookingOpensDays} 天以内的时段（Too far ahead）`, undefined, 'too_far_ahead');
    default:
      return badRequest('所选时段不可预约（Slot not bookable）', undefined, 'slot_unavailable');
  }
}

function parseStart(start: string | Date, zone: string): DateTime {
  const dt = start instanceof Date ? DateTime.fromJSDate(start, { zone }) : DateTime.fromISO(start, { zone, setZone: false });
  if (!dt.isValid) throw badRequest('时间格式不正确，应为 ISO 8601（如 2026-12-01T09:00:00+08:00）（Invalid time）', undefined, 'validation_failed');
  return dt.setZone(zone);
}

export interface ResolveSlotProps extends Clocked {
  start: string | Date;
  /** Whether the slot must lie in the booking window (false for walk-ins at the counter). Default true. */
  checkWindow?: boolean;
}

/** The service slot starting at `start`, or a 400 saying why it cannot be booked. */
export async function resolveSlot(setting: Setting, props: ResolveSlotProps): Promise<ServiceSlot> {
  const { policy, now, checkWindow = true } = props;
  const zone = policy.zone;
  const dt = parseStart(props.start, zone);
  const nowDt = DateTime.fromJSDate(now, { zone });
  if (checkWindow && dt <= nowDt) throw slotProblemError('past', setting);
  const date = dt.toISODate() as string;
  const calendar = await loadCalendar(setting.room.code, date, date);
  const located = locateSlot(dt, setting.room.code, setting.spec, setting.rule, calendar, zone);
  if ('problem' in located) throw slotProblemError(located.problem, setting);
  if (checkWindow) {
    const problem = windowProblemAt(located.slot.start, bookingWindow(setting.rule, nowDt, zone));
    if (problem) throw slotProblemError(problem, setting);
  }
  return located.slot;
}
