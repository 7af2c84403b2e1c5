import { DateTime } from 'luxon';
import { type DomainError, badRequest, conflict, forbidden, notFound } from '../../lib/errors';
import { generateCode, normalizeCode } from '../../lib/codes';
import type { Logger } from '../../logging/logger';
import { claimFirstFree, insertUnique } from '../../storage/unique-insert';
import { ROOM_READ_PREFIX, RoomModel, type Room } from '../rooms/room.model';
import { findService } from '../services/service.service';
import type { Service } from '../services/service.model';
import { emitAppointmentCompleted } from './appointment.events';
import {
  ACTIVE_STATUSES,
  AppointmentEventModel,
  AppointmentModel,
  AppointmentNoteModel,
  BookingTokenModel,
  NoShowModel,
  SeatModel,
  eventId,
  seatId,
  tokenId,
  type Appointment,
} from './appointment.model';
import type { AppointmentPolicy } from './appointment.policy';
import { normalizeMobile } from './phone';
import { cachedRead, forgetReads } from '../../lib/read-cache';
import { loadCalendar, loadScheduleSpec } from './schedule.service';
import {
  baseSlots,
  bookableSeatNumbers,
  bookingWindow,
  dateRange,
  effectiveRule,
  isoLocal,
  isoWeekday,
  lastBookableDate,
  locateSlot,
  planDay,
  remainingForSlot,
  serviceSlots,
  walkInSeatNumbers,
  windowProblemAt,
  type EffectiveRule,
  type ScheduleSpec,
  type ServiceSlot,
} from './slots';

/**
 * Booking, cancelling, rescheduling and running the day.
 *
 * Capacity never overbooks because a booking *is* the insert of seat documents under the
 * unique index {room, slotStart, seat} (see appointment.model.ts): reads of held seats only
 * order the candidates and fail fast; the unique index decides. Order of a booking:
 *   1. per-mobile token {phone, n} (cap N active bookings) — cheap, taken first;
 *   2. one seat in each base slot the service slot covers (all or nothing);
 *   3. the Appointment document (insert; if it fails the seats and token are freed).
 * Cancel deletes the seat documents (the appointment keeps its history); reschedule claims the
 * new seats first and frees the old ones only after.
 */

export interface Clocked {
  policy: AppointmentPolicy;
  now: Date;
}

export interface ReplyOrigin {
  channel: 'wechat' | 'web';
  conversationId: string;
  isGroup: false;
  account?: string;
}

export interface SlotView {
  start: string;
  end: string;
  capacity: number;
  remaining: number;
}

export interface DaySlotsView {
  date: string;
  weekday: number;
  open: boolean;
  label: string | null;
  slots: SlotView[];
}

// ------------------------------------------------------------------ loading

async function loadRoom(code: string): Promise<Room> {
  const upper = code.toUpperCase();
  const room = await cachedRead(`${ROOM_READ_PREFIX}${upper}`, () => RoomModel.findOne({ code: upper, active: true }).lean<Room>());
  if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
  return room;
}

async function loadService(key: string): Promise<Service> {
  const service = await findService(key);
  if (!service) throw badRequest('未知的办理事项（Unknown service）', undefined, 'service_not_found');
  if (service.bookable === false) throw badRequest(`“${service.name}”暂不支持预约（Service not bookable）`, undefined, 'service_not_bookable');
  return service;
}

interface Setting {
  room: Room;
  service: Service;
  spec: ScheduleSpec;
  rule: EffectiveRule;
}

async function loadSetting(roomCode: string, serviceKey: string, policy: AppointmentPolicy): Promise<Setting> {
  const room = await loadRoom(roomCode);
  const service = await loadService(serviceKey);
  const spec = await loadScheduleSpec(room, policy);
  const rule = effectiveRule(spec, service.key);
  if (!rule) throw badRequest(`${room.name}暂不提供“${service.name}”预约（Service not offered at this room）`, undefined, 'service_not_offered');
  return { room, service, spec, rule };
}

let lastPurge = 0;

/**
 * Seats of slots that are over can no longer be booked, and the appointments keep their own
 * copy (`seats`), so they are deleted: on FerretDB every non-_id query scans its collection,
 * and this keeps the Seat collection to the bookable future. At most every 10 minutes per process.
 */
async function purgePastSeats(now: Date): Promise<void> {
  if (now.getTime() - lastPurge < 600_000) return;
  lastPurge = now.getTime();
  await SeatModel.deleteMany({ slotStart: { $lt: new Date(now.getTime() - 86_400_000) } });
}

/**
 * How long a list of held seats is reused. Slot lists show "N left" from it; booking itself
 * never reads it (a seat is a unique insert), and seats taken or given back through this
 * process forget the room's lists at once, so only other instances' bookings show late.
 */
const HELD_SEATS_TTL_MS = 2000;

const heldSeatsKey = (room: string) => `seats|${room}|`;

/** Seats of `room` changed (or proved fuller than a list said): forget its cached lists. */
function seatsChanged(room: string): void {
  forgetReads(heldSeatsKey(room));
}

/** Held seat numbers per base-slot start (ms), for base slots in [from, to). */
function heldSeats(room: string, from: DateTime, to: DateTime): Promise<Map<number, Set<number>>> {
  const key = `${heldSeatsKey(room)}${from.toMillis()}|${to.toMillis()}`;
  return cachedRead(key, () => readHeldSeats(room, from, to), HELD_SEATS_TTL_MS);
}

async function readHeldSeats(room: string, from: DateTime, to: DateTime): Promise<Map<number, Set<number>>> {
  const seats = await SeatModel.find({ room, slotStart: { $gte: from.toJSDate(), $lt: to.toJSDate() } }, { slotStart: 1, seat: 1 }).lean();
  const map = new Map<number, Set<number>>();
  for (const s of seats) {
    const key = s.slotStart.getTime();
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(s.seat);
  }
  return map;
}

// ------------------------------------------------------------------ slots

async function slotsForDays(setting: Setting, dates: string[], policy: AppointmentPolicy, now: Date): Promise<DaySlotsView[]> {
  const { room, spec, rule } = setting;
  const zone = policy.zone;
  if (dates.length === 0) return [];
  const calendar = await loadCalendar(room.code, dates[0], dates[dates.length - 1]);
  const from = DateTime.fromISO(dates[0], { zone }).startOf('day');
  const to = DateTime.fromISO(dates[dates.length - 1], { zone }).endOf('day');
  await purgePastSeats(now);
  const held = await heldSeats(room.code, from, to);
  const bookable = bookableSeatNumbers(spec.capacity, rule.walkInShare);
  const window = bookingWindow(rule, DateTime.fromJSDate(now, { zone }), zone);
  return dates.map((date) => {
    const plan = planDay(date, room.code, spec, calendar);
    const slots = serviceSlots(plan, spec, rule, zone)
      .filter((s) => windowProblemAt(s.start, window) === null)
      .map((s) => ({ start: isoLocal(s.start, zone), end: isoLocal(s.end, zone), capacity: bookable.length, remaining: remainingForSlot(s, held, bookable) }));
    return { date, weekday: isoWeekday(date), open: plan.open, label: plan.label, slots };
  });
}

/** Days from `from` (default today) for `days` days, each with its bookable slots and what remains. */
export async function listSlots(props: Clocked & { room: string; service: string; from?: string; days?: number }) {
  const setting = await loadSetting(props.room, props.service, props.policy);
  const zone = props.policy.zone;
  const today = DateTime.fromJSDate(props.now, { zone }).toISODate() as string;
  const from = props.from ?? today;
  if (from < today) throw badRequest('不能查询今天以前的日期（Date is in the past）', undefined, 'date_in_past');
  const last = lastBookableDate(setting.rule, DateTime.fromJSDate(props.now, { zone }), zone);
  if (from > last) throw badRequest(`只能预约 ${setting.rule.bookingOpensDays} 天以内的时段（Too far ahead）`, undefined, 'too_far_ahead');
  const maxDays = DateTime.fromISO(last, { zone }).diff(DateTime.fromISO(from, { zone }), 'days').days + 1;
  const days = Math.max(1, Math.min(props.days ?? maxDays, maxDays, 62));
  const result = await slotsForDays(setting, dateRange(from, days), props.policy, props.now);
  return { room: setting.room, service: setting.service, rule: setting.rule, days: result };
}

/** The next slots with room for one more online booking, after `after`: scans a week at a time and stops early. */
export async function nextFreeSlots(props: Clocked & { room: string; service: string; after?: Date; count?: number }): Promise<SlotView[]> {
  return nextFreeIn(await loadSetting(props.room, props.service, props.policy), props);
}

async function nextFreeIn(setting: Setting, props: Clocked & { after?: Date; count?: number }): Promise<SlotView[]> {
  const zone = props.policy.zone;
  const nowDt = DateTime.fromJSDate(props.now, { zone });
  const count = props.count ?? 3;
  const after = props.after?.getTime() ?? 0;
  const last = lastBookableDate(setting.rule, nowDt, zone);
  const afterDay = props.after ? (DateTime.fromJSDate(props.after, { zone }).toISODate() as string) : '';
  let day = DateTime.fromISO(afterDay > (nowDt.toISODate() as string) ? afterDay : (nowDt.toISODate() as string), { zone });
  const found: SlotView[] = [];
  while (found.length < count && (day.toISODate() as string) <= last) {
    const chunkEnd = DateTime.min(day.plus({ days: 6 }), DateTime.fromISO(last, { zone }));
    const days = Math.round(chunkEnd.diff(day, 'days').days) + 1;
    const views = await slotsForDays(setting, dateRange(day.toISODate() as string, days), props.policy, props.now);
    for (const s of views.flatMap((d) => d.slots)) {
      if (s.remaining > 0 && Date.parse(s.start) > after) found.push(s);
      if (found.length >= count) break;
    }
    day = chunkEnd.plus({ days: 1 });
  }
  return found;
}

/** Days that still have at least one free slot (for the bot's "pick a day" step). */
export async function daysWithFreeSlots(props: Clocked & { room: string; service: string; limit?: number }): Promise<DaySlotsView[]> {
  const { days } = await listSlots(props);
  return days.filter((d) => d.slots.some((s) => s.remaining > 0)).slice(0, props.limit ?? 7);
}

// ------------------------------------------------------------------ validation of a chosen slot

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

async function resolveSlot(setting: Setting, start: string | Date, policy: AppointmentPolicy, now: Date, checkWindow = true): Promise<ServiceSlot> {
  const zone = policy.zone;
  const dt = parseStart(start, zone);
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

// ------------------------------------------------------------------ seats and tokens

interface HeldSeat {
  slotStart: Date;
  seat: number;
}

/**
 * Takes one seat in each base slot of `slot` for `code`, all or nothing. Returns null when a
 * base slot has no free seat among `seatNumbers` (anything already taken is given back).
 */
/** Which of the seats in question are held: primary-key reads only (one per seat). */
/** What every appointment record holds about its slot: code (also `_id`), room, service, times and seats. */
function heldSlotFields(setting: Setting, slot: ServiceSlot, code: string, seats: HeldSeat[]) {
  return {
    _id: code,
    code,
    room: setting.room.code,
    service: setting.service.key,
    serviceName: setting.service.name,
    start: new Date(slot.start),
    end: new Date(slot.end),
    seats,
  };
}

async function takenSeats(room: string, slot: ServiceSlot, seatNumbers: number[]): Promise<Array<{ slotStart: Date; seat: number }>> {
  const probes = slot.baseStarts.flatMap((b) => seatNumbers.map((seat) => ({ b, seat })));
  const found = await Promise.all(probes.map((p) => SeatModel.findById(seatId(room, p.b, p.seat), { _id: 1 }).lean()));
  return probes.filter((_, i) => found[i]).map((p) => ({ slotStart: new Date(p.b), seat: p.seat }));
}

/** From a read of held seats (a hint: it may be stale by the time we insert), whether any base slot has no candidate left. */
function looksFull(slot: ServiceSlot, taken: Array<{ slotStart: Date; seat: number }>, seatNumbers: number[]): boolean {
  return slot.baseStarts.some((b) => {
    const here = new Set(taken.filter((t) => t.slotStart.getTime() === b).map((t) => t.seat));
    return seatNumbers.every((n) => here.has(n));
  });
}

async function claimSeats(
  room: string,
  slot: ServiceSlot,
  seatNumbers: number[],
  code: string,
  walkIn: boolean,
  spread: boolean,
  hint?: Array<{ slotStart: Date; seat: number }>,
): Promise<HeldSeat[] | null> {
  const bases = slot.baseStarts.map((b) => new Date(b));
  // A hint only (the unique index decides): skip seats already held, and fail fast when none is left.
  const taken = hint ?? (await takenSeats(room, slot, seatNumbers));
  const held: HeldSeat[] = [];
  for (const base of bases) {
    const takenHere = new Set(taken.filter((t) => t.slotStart.getTime() === base.getTime()).map((t) => t.seat));
    const candidates = seatNumbers.filter((s) => !takenHere.has(s));
    const won = await claimFirstFree(SeatModel, candidates, (seat) => ({ _id: seatId(room, base.getTime(), seat), room, slotStart: base, seat, code, walkIn }), { spread });
    if (!won) {
      await releaseSeats(room, held, code); // also forgets the lists: the slot proved fuller than they said
      return null;
    }
    held.push({ slotStart: base, seat: won.candidate });
  }
  seatsChanged(room);
  return held;
}

async function releaseSeats(room: string, seats: HeldSeat[], code: string): Promise<void> {
  await Promise.all(seats.map((s) => SeatModel.deleteOne({ _id: seatId(room, new Date(s.slotStart).getTime(), s.seat), code })));
  seatsChanged(room);
}

/** A booking token younger than this may belong to a booking still being written. */
const IN_FLIGHT_MS = 2 * 60_000;

/**
 * Per-mobile cap. Active bookings hold a token {phone, n}, n in 1..N (unique), so even N+1
 * concurrent bookings from one number cannot all pass: at most N inserts succeed. Tokens of
 * bookings that ended (cancelled, completed, no-show, slot long past) are cleaned up here
 * first, since a past "booked" appointment an officer never closed must not block the resident.
 */
async function claimBookingToken(phone: string, code: string, policy: AppointmentPolicy, now: Date): Promise<number> {
  const numbers = Array.from({ length: policy.maxActivePerPhone }, (_, i) => i + 1);
  const claim = () => claimFirstFree(BookingTokenModel, numbers, (n) => ({ _id: tokenId(phone, n), phone, n, code }), { spread: false });
  let won = await claim();
  if (!won && (await releaseStaleTokens(phone, numbers, now)) > 0) won = await claim();
  if (!won) {
    throw conflict(
      `该手机号已有 ${policy.maxActivePerPhone} 个未完成的预约，请先办理或取消后再预约（Too many active bookings）`,
      'too_many_active_bookings',
    );
  }
  return won.candidate;
}

/** Deletes the phone's tokens whose booking is over; returns how many. Primary-key reads only. */
async function releaseStaleTokens(phone: string, numbers: number[], now: Date): Promise<number> {
  const tokens = (await Promise.all(numbers.map((n) => BookingTokenModel.findById(tokenId(phone, n)).lean()))).filter((t) => t !== null);
  let released = 0;
  for (const t of tokens) {
    const a = await AppointmentModel.findById(t.code, { status: 1, end: 1 }).lean();
    const stale = a
      ? !ACTIVE_STATUSES.includes(a.status as never) || a.end.getTime() < now.getTime()
      : now.getTime() - new Date(t.createdAt).getTime() > IN_FLIGHT_MS;
    if (stale) {
      const res = await BookingTokenModel.deleteOne({ _id: t._id, code: t.code });
      released += res.deletedCount;
    }
  }
  return released;
}

async function releaseBookingToken(appt: { phone?: string | null; bookingToken?: number | null; code: string }): Promise<void> {
  if (!appt.phone || !appt.bookingToken) return;
  await BookingTokenModel.deleteOne({ _id: tokenId(appt.phone, appt.bookingToken), code: appt.code });
}

/** Three no-shows (configurable) within six months block online booking for a while. */
async function assertNotBlocked(phone: string, policy: AppointmentPolicy, now: Date): Promise<void> {
  if (policy.noShowBlockDays === 0) return;
  const since = new Date(now.getTime() - policy.noShowWindowDays * 86_400_000);
  const noShows = await NoShowModel.find({ phone, at: { $gte: since } }, { at: 1 }).sort({ at: -1 }).lean();
  if (noShows.length < policy.noShowLimit) return;
  const until = DateTime.fromJSDate(noShows[0].at, { zone: policy.zone }).plus({ days: policy.noShowBlockDays });
  if (until.toMillis() > now.getTime()) {
    throw forbidden(
      `该手机号近期多次预约未到，${until.toFormat('yyyy年M月d日')}前暂停网上预约，可直接到警务室现场办理（Booking blocked after repeated no-shows）`,
      'booking_blocked',
      { until: until.toISO() },
    );
  }
}

function slotFull(nextSlots: SlotView[]): DomainError {
  return conflict('该时段已约满，请选择其他时段（Slot full）', 'slot_full', { nextSlots });
}

/**
 * Suggestions for the losers of a full slot. A burst of requests for one popular slot would
 * otherwise compute the same list hundreds of times (a scan of the seats on FerretDB), so the
 * list is kept for a few seconds per room, service and slot: it is advice, the booking of a
 * suggested slot is checked as any other.
 */
const SUGGESTION_TTL_MS = 3000;
const suggestions = new Map<string, { at: number; value: Promise<SlotView[]> }>();

async function suggestAfter(setting: Setting, slot: ServiceSlot, clocked: Clocked): Promise<SlotView[]> {
  const key = `${setting.room.code}|${setting.service.key}|${slot.start}`;
  const hit = suggestions.get(key);
  const t = Date.now();
  if (hit && t - hit.at < SUGGESTION_TTL_MS) return hit.value;
  if (suggestions.size > 500) suggestions.clear();
  const value = nextFreeIn(setting, { ...clocked, after: new Date(slot.start) });
  suggestions.set(key, { at: t, value });
  value.catch(() => suggestions.delete(key));
  return value;
}

// ------------------------------------------------------------------ booking

export interface BookProps extends Clocked {
  room: string;
  service: string;
  start: string | Date;
  name: string;
  phone: string;
  materialsConfirmed: boolean;
  origin?: ReplyOrigin | null;
  source?: 'web' | 'bot';
  logger?: Logger;
}

export async function bookAppointment(props: BookProps): Promise<Appointment> {
  const { policy, now } = props;
  const phone = normalizeMobile(props.phone);
  if (!phone) throw badRequest('手机号格式不正确，请填写11位手机号（Invalid mobile number）', undefined, 'invalid_phone');
  if (!props.materialsConfirmed) throw badRequest('请先确认已备齐所需材料（Please confirm the materials checklist）', undefined, 'materials_not_confirmed');
  const setting = await loadSetting(props.room, props.service, policy);
  const slot = await resolveSlot(setting, props.start, policy, now);
  await assertNotBlocked(phone, policy, now);

  const seatNumbers = bookableSeatNumbers(setting.spec.capacity, setting.rule.walkInShare);
  // Fail fast without writing anything when the slot already looks full.
  const hint = await takenSeats(setting.room.code, slot, seatNumbers);
  if (looksFull(slot, hint, seatNumbers)) throw slotFull(await suggestAfter(setting, slot, { policy, now }));

  const code = generateCode('appointment');
  const token = await claimBookingToken(phone, code, policy, now);
  let seats: HeldSeat[] | null = null;
  try {
    seats = await claimSeats(setting.room.code, slot, seatNumbers, code, false, true, hint);
    if (!seats) throw slotFull(await suggestAfter(setting, slot, { policy, now }));
    const created = await AppointmentModel.create({
      ...heldSlotFields(setting, slot, code, seats),
      bookingToken: token,
      status: 'booked',
      name: props.name,
      phone,
      materialsConfirmed: true,
      origin: props.origin ?? null,
      source: props.source ?? 'web',
    });
    return created.toObject() as Appointment;
  } catch (err) {
    if (seats) await releaseSeats(setting.room.code, seats, code).catch(() => undefined);
    await releaseBookingToken({ phone, bookingToken: token, code }).catch(() => undefined);
    throw err;
  }
}

// ------------------------------------------------------------------ lookup by the resident

/** The appointment a resident asks about: the code and the mobile number must both match (else 404, saying nothing). */
export async function findForResident(codeInput: string, phoneInput: string): Promise<Appointment> {
  const code = normalizeCode(codeInput);
  const phone = normalizeMobile(phoneInput ?? '');
  const notThere = notFound('未找到该预约，请核对预约号和手机号（Appointment not found）', 'appointment_not_found');
  if (!code || !code.startsWith('Y') || !phone) throw notThere;
  const appt = await AppointmentModel.findById(code).lean<Appointment>();
  if (!appt || appt.phone !== phone) throw notThere;
  return appt;
}

export async function findByCode(codeInput: string): Promise<Appointment> {
  const code = normalizeCode(codeInput);
  const appt = code ? await AppointmentModel.findById(code).lean<Appointment>() : null;
  if (!appt) throw notFound('未找到该预约（Appointment not found）', 'appointment_not_found');
  return appt;
}

export function cancelDeadline(appt: Pick<Appointment, 'start'>, policy: AppointmentPolicy): Date {
  return new Date(appt.start.getTime() - policy.cancelClosesMinutes * 60_000);
}

// ------------------------------------------------------------------ cancel and reschedule

async function claimTransition(appt: Appointment, key: string, type: string, by: 'resident' | 'officer' | 'system', extra: Record<string, unknown> = {}): Promise<boolean> {
  const { won } = await insertUnique(AppointmentEventModel, { _id: eventId(appt.code, key), appointment: appt.code, key, type, by, ...extra });
  return won;
}

/** The type of the appointment's terminal event (cancelled / completed / no_show), or null. */
async function endedAs(code: string): Promise<string | null> {
  const ev = await AppointmentEventModel.findById(eventId(code, 'end'), { type: 1 }).lean();
  return ev ? ev.type : null;
}

export interface CancelProps extends Clocked {
  code: string;
  /** Residents prove the booking with the mobile number; officers pass `officer` instead. */
  phone?: string;
  officer?: { id: string } | null;
}

export async function cancelAppointment(props: CancelProps): Promise<Appointment> {
  const byOfficer = Boolean(props.officer);
  const appt = byOfficer ? await findByCode(props.code) : await findForResident(props.code, props.phone ?? '');
  if (appt.status !== 'booked') throw conflict('该预约当前状态不能取消（Appointment cannot be cancelled now）', 'not_cancellable');
  if (!byOfficer && props.now.getTime() > cancelDeadline(appt, props.policy).getTime()) {
    throw conflict(`距预约开始不足 ${props.policy.cancelClosesMinutes} 分钟，已不能在线取消，请致电警务室（Too late to cancel online）`, 'cancel_closed');
  }
  const won = await claimTransition(appt, 'end', 'cancelled', byOfficer ? 'officer' : 'resident', { officer: props.officer?.id ?? null });
  if (!won) throw conflict('该预约已被取消或已办结（Appointment already closed）', 'already_closed');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'cancelled', cancelledAt: props.now, cancelledBy: byOfficer ? 'officer' : 'resident' } });
  // The seats this booking holds (a concurrent reschedule checks for 'end' and frees its new ones).
  await releaseSeats(appt.room, (appt.seats ?? []) as HeldSeat[], appt.code);
  await releaseBookingToken(appt);
  return (await AppointmentModel.findById(appt._id).lean<Appointment>()) as Appointment;
}

export interface RescheduleProps extends Clocked {
  code: string;
  phone: string;
  start: string | Date;
}

export async function rescheduleAppointment(props: RescheduleProps): Promise<Appointment> {
  const { policy, now } = props;
  const appt = await findForResident(props.code, props.phone);
  if (appt.status !== 'booked') throw conflict('该预约当前状态不能改约（Appointment cannot be rescheduled now）', 'not_reschedulable');
  if (now.getTime() > cancelDeadline(appt, policy).getTime()) {
    throw conflict(`距预约开始不足 ${policy.cancelClosesMinutes} 分钟，已不能在线改约，请致电警务室（Too late to reschedule online）`, 'cancel_closed');
  }
  const setting = await loadSetting(appt.room, appt.service, policy);
  const slot = await resolveSlot(setting, props.start, policy, now);
  if (slot.start === appt.start.getTime()) throw badRequest('新时段与原时段相同（Same slot）', undefined, 'same_slot');

  const n = (appt.reschedules ?? 0) + 1;
  const won = await claimTransition(appt, `reschedule:${n}`, 'rescheduled', 'resident', { from: appt.start, to: new Date(slot.start) });
  if (!won) throw conflict('该预约正在被修改，请稍后重试（Appointment is being changed）', 'conflict');
  const eventFilter = { _id: eventId(appt.code, `reschedule:${n}`) };
  // New seat first: if it cannot be had, the old booking stands untouched.
  const seats = await claimSeats(appt.room, slot, bookableSeatNumbers(setting.spec.capacity, setting.rule.walkInShare), appt.code, false, true);
  if (!seats) {
    await AppointmentEventModel.deleteOne(eventFilter);
    throw slotFull(await suggestAfter(setting, slot, { policy, now }));
  }
  await AppointmentModel.updateOne(
    { _id: appt._id },
    { $set: { start: new Date(slot.start), end: new Date(slot.end), seats, reschedules: n } },
  );
  await releaseSeats(appt.room, (appt.seats ?? []) as HeldSeat[], appt.code);
  // A cancel that raced with us freed the seats it knew about; free the new ones too.
  if ((await endedAs(appt.code)) === 'cancelled') await releaseSeats(appt.room, seats, appt.code);
  return (await AppointmentModel.findById(appt._id).lean<Appointment>()) as Appointment;
}

// ------------------------------------------------------------------ officers: running the day

export interface OfficerActionProps extends Clocked {
  code: string;
  officer: { id: string; name?: string };
  logger?: Logger;
}

export async function checkInAppointment(props: OfficerActionProps): Promise<Appointment> {
  const appt = await findByCode(props.code);
  if (appt.status !== 'booked') throw conflict('该预约当前状态不能签到（Cannot check in now）', 'invalid_transition');
  if (await endedAs(appt.code)) throw conflict('该预约已结束（Appointment already closed）', 'already_closed');
  const won = await claimTransition(appt, 'checked_in', 'checked_in', 'officer', { officer: props.officer.id });
  if (!won) throw conflict('该预约已签到（Already checked in）', 'already_checked_in');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'checked_in', checkedInAt: props.now } });
  return (await AppointmentModel.findById(appt._id).lean<Appointment>()) as Appointment;
}

export async function completeAppointment(props: OfficerActionProps): Promise<Appointment> {
  const appt = await findByCode(props.code);
  if (appt.status !== 'booked' && appt.status !== 'checked_in') throw conflict('该预约当前状态不能办结（Cannot complete now）', 'invalid_transition');
  const won = await claimTransition(appt, 'end', 'completed', 'officer', { officer: props.officer.id });
  if (!won) throw conflict('该预约已结束（Appointment already closed）', 'already_closed');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'completed', completedAt: props.now } });
  await releaseBookingToken(appt);
  const done = (await AppointmentModel.findById(appt._id).lean<Appointment>()) as Appointment;
  await emitAppointmentCompleted(
    {
      id: String(done._id),
      code: done.code,
      room: done.room,
      service: done.service,
      serviceName: done.serviceName,
      start: done.start,
      completedAt: props.now,
      walkIn: done.walkIn ?? false,
      origin: done.origin ? { channel: done.origin.channel as 'wechat' | 'web', conversationId: done.origin.conversationId, isGroup: false, account: done.origin.account ?? undefined } : null,
    },
    props.logger,
  );
  return done;
}

export async function markNoShow(props: OfficerActionProps): Promise<Appointment> {
  const appt = await findByCode(props.code);
  if (appt.status !== 'booked') throw conflict('只有未签到的预约才能标记为未到（Only booked appointments can be marked no-show）', 'invalid_transition');
  if (props.now.getTime() < appt.start.getTime()) throw badRequest('预约时间还没到，不能标记为未到（Slot has not started）', undefined, 'too_early');
  const won = await claimTransition(appt, 'end', 'no_show', 'officer', { officer: props.officer.id });
  if (!won) throw conflict('该预约已结束（Appointment already closed）', 'already_closed');
  await AppointmentModel.updateOne({ _id: appt._id }, { $set: { status: 'no_show', noShowAt: props.now } });
  if (appt.phone) await insertUnique(NoShowModel, { _id: appt.code, phone: appt.phone, at: props.now });
  await releaseBookingToken(appt);
  return (await AppointmentModel.findById(appt._id).lean<Appointment>()) as Appointment;
}

export async function addAppointmentNote(props: { code: string; officer: { id: string; name?: string }; text: string }) {
  const appt = await findByCode(props.code);
  const note = await AppointmentNoteModel.create({ appointment: appt._id, officer: props.officer.id, officerName: props.officer.name ?? null, text: props.text });
  return note.toObject();
}

export interface WalkInProps extends Clocked {
  room: string;
  service: string;
  name?: string | null;
  phone?: string | null;
  /** A slot start today; default: the slot running now, else the next one today. */
  start?: string | null;
  officer: { id: string };
}

/** A resident at the counter without a booking: takes a seat of the current slot (walk-in seats first). */
export async function registerWalkIn(props: WalkInProps): Promise<Appointment> {
  const { policy, now } = props;
  const zone = policy.zone;
  const phone = props.phone ? normalizeMobile(props.phone) : null;
  if (props.phone && !phone) throw badRequest('手机号格式不正确，请填写11位手机号（Invalid mobile number）', undefined, 'invalid_phone');
  const setting = await loadSetting(props.room, props.service, policy);
  const nowDt = DateTime.fromJSDate(now, { zone });
  let slot: ServiceSlot;
  if (props.start) {
    slot = await resolveSlot(setting, props.start, policy, now, false);
    if (slot.end <= nowDt.toMillis()) throw badRequest('所选时段已过（Slot is in the past）', undefined, 'slot_in_past');
  } else {
    const today = nowDt.toISODate() as string;
    const calendar = await loadCalendar(setting.room.code, today, today);
    const plan = planDay(today, setting.room.code, setting.spec, calendar);
    const found = serviceSlots(plan, setting.spec, setting.rule, zone).find((s) => s.end > nowDt.toMillis());
    if (!found) throw badRequest('今天已没有可用时段（No slot left today）', undefined, 'no_slot_today');
    slot = found;
  }
  const code = generateCode('appointment');
  const seats = await claimSeats(setting.room.code, slot, walkInSeatNumbers(setting.spec.capacity), code, true, false);
  if (!seats) throw slotFull(await suggestAfter(setting, slot, { policy, now }));
  try {
    const created = await AppointmentModel.create({
      ...heldSlotFields(setting, slot, code, seats),
      status: 'checked_in',
      walkIn: true,
      name: props.name ?? null,
      phone,
      materialsConfirmed: false,
      source: 'officer',
      checkedInAt: now,
      createdBy: props.officer.id,
    });
    await AppointmentEventModel.create({ _id: eventId(code, 'checked_in'), appointment: code, key: 'checked_in', type: 'checked_in', by: 'officer', officer: props.officer.id });
    return created.toObject() as Appointment;
  } catch (err) {
    await releaseSeats(setting.room.code, seats, code).catch(() => undefined);
    throw err;
  }
}

/** The officers' day: every base slot with its capacity, seats held, and the appointments starting in it. */
export async function roomDay(props: { room: string; date: string; policy: AppointmentPolicy }) {
  const zone = props.policy.zone;
  const room = await loadRoom(props.room);
  const spec = await loadScheduleSpec(room, props.policy);
  const calendar = await loadCalendar(room.code, props.date, props.date);
  const plan = planDay(props.date, room.code, spec, calendar);
  const dayStart = DateTime.fromISO(props.date, { zone }).startOf('day');
  const dayEnd = dayStart.plus({ days: 1 });
  const appts = await AppointmentModel.find({ room: room.code, start: { $gte: dayStart.toJSDate(), $lt: dayEnd.toJSDate() } }).sort({ start: 1, createdAt: 1 }).lean<Appointment[]>();
  const notes = await AppointmentNoteModel.find({ appointment: { $in: appts.map((a) => a._id) } }).sort({ createdAt: 1 }).lean();
  // Seats held per base slot, from the appointments' own copies (past seats are purged from Seat).
  const held = new Map<number, number>();
  for (const a of appts) {
    if (a.status === 'cancelled') continue;
    for (const s of a.seats ?? []) {
      const k = new Date(s.slotStart as Date).getTime();
      held.set(k, (held.get(k) ?? 0) + 1);
    }
  }
  const notesOf = (id: string) => notes.filter((n) => String(n.appointment) === String(id));
  const grid = plan.open ? baseSlots(plan, spec, zone) : [];
  const gridKeys = new Set(grid);
  const slots = grid.map((base) => ({
    start: base,
    end: base + spec.slotMinutes * 60_000,
    capacity: spec.capacity,
    held: held.get(base) ?? 0,
    appointments: appts.filter((a) => a.start.getTime() === base),
  }));
  // Appointments off today's grid (the schedule changed after they were booked) are still shown.
  const offGrid = appts.filter((a) => !gridKeys.has(a.start.getTime()));
  return { room, plan, spec, slots, offGrid, notesOf };
}

// ------------------------------------------------------------------ reminders

export interface DueAppointment {
  id: string;
  code: string;
  room: string;
  roomName: string;
  roomAddress: string;
  service: string;
  serviceName: string;
  start: Date;
  end: Date;
  /** The resident's reply address when booked from a channel (private chats only), else null. */
  replyTo: ReplyOrigin | null;
}

/** Booked (not cancelled, not yet checked in) appointments starting in [from, to): for reminder jobs. */
export async function appointmentsStartingBetween(from: Date, to: Date): Promise<DueAppointment[]> {
  const appts = await AppointmentModel.find({ status: 'booked', start: { $gte: from, $lt: to } }).sort({ start: 1 }).lean<Appointment[]>();
  const rooms = await RoomModel.find({ code: { $in: [...new Set(appts.map((a) => a.room))] } }, { code: 1, name: 1, address: 1 }).lean();
  return appts.map((a) => {
    const room = rooms.find((r) => r.code === a.room);
    const origin = a.origin && !a.origin.isGroup ? a.origin : null;
    return {
      id: String(a._id),
      code: a.code,
      room: a.room,
      roomName: room?.name ?? a.room,
      roomAddress: room?.address ?? '',
      service: a.service,
      serviceName: a.serviceName,
      start: a.start,
      end: a.end,
      replyTo: origin ? { channel: origin.channel as 'wechat' | 'web', conversationId: origin.conversationId, isGroup: false, account: origin.account ?? undefined } : null,
    };
  });
}
