import { DateTime, IANAZone } from 'luxon';

/**
 * Slot arithmetic: pure functions, no I/O, no ambient clock. Every function takes the time
 * zone (Asia/Shanghai in practice) and, where "now" matters, the current instant, so the
 * same answers come out whatever the server's TZ is.
 *
 * Model:
 * - A room's day is cut into *base slots* of `slotMinutes` inside its opening periods (the
 *   lunch break and partial closures are holes). Each base slot has `capacity` seats
 *   (counters staffed).
 * - A service's slot is `rule.slotMinutes` long (a multiple of the base length) and covers
 *   one or more consecutive base slots of the same period; a booking holds one seat in each.
 * - Of each base slot's k seats the top `reservedSeats(k, share)` are kept for walk-ins:
 *   online bookings may take only seats 1..k−r; an officer's walk-in entry may take any seat.
 * - Calendar entries (data, not code): a national or room `holiday` closes the day; a
 *   `workday` (调休上班) opens a weekend day with the hours of `followsWeekday` (default Monday);
 *   a `closure` closes a room's whole day, or a time range of it.
 */

export type Minutes = number;

export interface WeeklyPeriod {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  open: string;
  close: string;
  breakStart?: string | null;
  breakEnd?: string | null;
}

export interface ServiceRule {
  service: string;
  enabled?: boolean;
  /** ISO weekdays the service is offered; empty/absent = every open day. */
  weekdays?: number[] | null;
  slotMinutes?: number | null;
  /** At most this many online bookings of the service per slot (absent/null = the room's seats only). */
  capacity?: number | null;
  walkInShare?: number | null;
  bookingOpensDays?: number | null;
  bookingClosesMinutes?: number | null;
}

export interface ScheduleSpec {
  slotMinutes: number;
  capacity: number;
  walkInShare: number;
  /** Booking opens this many calendar days ahead (through the end of that day). */
  bookingOpensDays: number;
  /** Booking closes this many minutes before the slot starts. */
  bookingClosesMinutes: number;
  weekly: WeeklyPeriod[];
  services: ServiceRule[];
}

export type CalendarKind = 'holiday' | 'workday' | 'closure';

export interface CalendarEntry {
  /** 'yyyy-MM-dd' in the room's zone. */
  date: string;
  kind: CalendarKind;
  /** null = every room (national calendar); a room code = this room only (wins over national). */
  room: string | null;
  name?: string | null;
  followsWeekday?: number | null;
  /** Closures only: a time range ('HH:mm'); absent = the whole day. */
  startTime?: string | null;
  endTime?: string | null;
}

export interface EffectiveRule {
  service: string;
  weekdays: number[] | null;
  slotMinutes: number;
  /** The service's own per-slot cap on online bookings, or null (only the room's seats limit it). */
  capacity: number | null;
  walkInShare: number;
  bookingOpensDays: number;
  bookingClosesMinutes: number;
}

export interface DayPlan {
  date: string;
  open: boolean;
  /** The weekday whose hours apply (a make-up working day follows another weekday). */
  scheduleWeekday: number;
  /** Open intervals in minutes from midnight, lunch break and closures removed. */
  intervals: Array<[Minutes, Minutes]>;
  reason: 'open' | 'holiday' | 'closure' | 'no_hours';
  label: string | null;
}

/** Instants as epoch milliseconds: luxon objects are ~100× slower in the loops over a month of slots. */
export interface ServiceSlot {
  start: number;
  end: number;
  /** Starts of the base slots this service slot covers (one seat held in each). */
  baseStarts: number[];
}

export function toMinutes(hhmm: string): Minutes {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`bad time ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function reservedSeats(capacity: number, walkInShare: number): number {
  const r = Math.round(capacity * Math.min(1, Math.max(0, walkInShare)));
  return Math.min(capacity, r);
}

/** Seat numbers an online booking may take (1..k−r). */
export function bookableSeatNumbers(capacity: number, walkInShare: number): number[] {
  const n = capacity - reservedSeats(capacity, walkInShare);
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Seat numbers a walk-in entry tries, the reserved (top) seats first. */
export function walkInSeatNumbers(capacity: number): number[] {
  return Array.from({ length: capacity }, (_, i) => capacity - i);
}

export function effectiveRule(spec: ScheduleSpec, service: string): EffectiveRule | null {
  const rule = spec.services.find((r) => r.service === service);
  if (rule && rule.enabled === false) return null;
  let slotMinutes = rule?.slotMinutes ?? spec.slotMinutes;
  // A service slot covers whole base slots.
  slotMinutes = Math.max(spec.slotMinutes, Math.round(slotMinutes / spec.slotMinutes) * spec.slotMinutes);
  return {
    service,
    weekdays: rule?.weekdays && rule.weekdays.length > 0 ? [...rule.weekdays] : null,
    slotMinutes,
    capacity: rule?.capacity ?? null,
    walkInShare: rule?.walkInShare ?? spec.walkInShare,
    bookingOpensDays: rule?.bookingOpensDays ?? spec.bookingOpensDays,
    bookingClosesMinutes: rule?.bookingClosesMinutes ?? spec.bookingClosesMinutes,
  };
}

function calendarFor(date: string, room: string, calendar: CalendarEntry[]): { entry: CalendarEntry | null; closures: CalendarEntry[] } {
  const ofDay = calendar.filter((c) => c.date === date && (c.room === null || c.room === room));
  const closures = ofDay.filter((c) => c.kind === 'closure' && c.room === room);
  const roomEntry = ofDay.find((c) => c.room === room && c.kind !== 'closure');
  const national = ofDay.find((c) => c.room === null && c.kind !== 'closure');
  return { entry: roomEntry ?? national ?? null, closures };
}

function subtract(intervals: Array<[Minutes, Minutes]>, hole: [Minutes, Minutes]): Array<[Minutes, Minutes]> {
  const out: Array<[Minutes, Minutes]> = [];
  for (const [a, b] of intervals) {
    if (hole[1] <= a || hole[0] >= b) {
      out.push([a, b]);
      continue;
    }
    if (hole[0] > a) out.push([a, hole[0]]);
    if (hole[1] < b) out.push([hole[1], b]);
  }
  return out;
}

/**
 * What a calendar day looks like for a room: open intervals, or why it is closed. It needs no
 * zone: dayClock() turns its minutes into instants.
 */
export function planDay(date: string, room: string, spec: ScheduleSpec, calendar: CalendarEntry[]): DayPlan {
  const { entry, closures } = calendarFor(date, room, calendar);
  let weekday = isoWeekday(date);
  const closed = (reason: DayPlan['reason'], label: string | null): DayPlan => ({ date, open: false, scheduleWeekday: weekday, intervals: [], reason, label });
  if (entry?.kind === 'holiday') return closed('holiday', entry.name ?? '节假日');
  if (entry?.kind === 'workday' && (weekday === 6 || weekday === 7 || entry.followsWeekday)) weekday = entry.followsWeekday ?? 1;
  if (closures.some((c) => !c.startTime || !c.endTime)) return closed('closure', closures[0].name ?? '暂停服务');
  let intervals: Array<[Minutes, Minutes]> = [];
  for (const p of spec.weekly.filter((w) => w.weekday === weekday)) {
    const open = toMinutes(p.open);
    const close = toMinutes(p.close);
    if (close <= open) continue;
    let parts: Array<[Minutes, Minutes]> = [[open, close]];
    if (p.breakStart && p.breakEnd) parts = subtract(parts, [toMinutes(p.breakStart), toMinutes(p.breakEnd)]);
    intervals.push(...parts);
  }
  for (const c of closures) intervals = subtract(intervals, [toMinutes(c.startTime as string), toMinutes(c.endTime as string)]);
  intervals.sort((a, b) => a[0] - b[0]);
  if (intervals.length === 0) return closed(closures.length ? 'closure' : 'no_hours', closures[0]?.name ?? null);
  return { date, open: true, scheduleWeekday: weekday, intervals, reason: 'open', label: entry?.kind === 'workday' ? (entry.name ?? '调休上班') : null };
}

/**
 * Wall-clock minutes of a day → epoch ms. One luxon call per day; per-slot arithmetic in ms
 * unless the zone changes offset that day (DST zones; Asia/Shanghai never does).
 */
export function dayClock(date: string, zone: string): (minutes: Minutes) => number {
  const base = localMidnight(date, zone);
  if (base !== null) return (minutes) => base + minutes * 60_000;
  const midnight = DateTime.fromISO(date, { zone }).startOf('day');
  const end = midnight.plus({ hours: 23, minutes: 59 });
  if (midnight.offset === end.offset) {
    const base = midnight.toMillis();
    return (minutes) => base + minutes * 60_000;
  }
  return (minutes) => midnight.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
}

/** Base slots of a day (every seat-bearing unit), as epoch ms. */
export function baseSlots(plan: DayPlan, spec: ScheduleSpec, zone: string): number[] {
  const at = dayClock(plan.date, zone);
  const out: number[] = [];
  for (const [a, b] of plan.intervals) {
    for (let t = a; t + spec.slotMinutes <= b; t += spec.slotMinutes) out.push(at(t));
  }
  return out;
}

/** A service's slots on a day (ignores the booking window; see `bookingWindowProblem`). */
export function serviceSlots(plan: DayPlan, spec: ScheduleSpec, rule: EffectiveRule, zone: string): ServiceSlot[] {
  if (!plan.open) return [];
  if (rule.weekdays && !rule.weekdays.includes(plan.scheduleWeekday)) return [];
  const at = dayClock(plan.date, zone);
  const per = rule.slotMinutes / spec.slotMinutes;
  const out: ServiceSlot[] = [];
  for (const [a, b] of plan.intervals) {
    const starts: number[] = [];
    for (let t = a; t + spec.slotMinutes <= b; t += spec.slotMinutes) starts.push(t);
    // Service slots start on the base grid and step by their own length, never across a break.
    for (let i = 0; i + per <= starts.length; i += per) {
      out.push({
        start: at(starts[i]),
        end: at(starts[i] + rule.slotMinutes),
        baseStarts: starts.slice(i, i + per).map(at),
      });
    }
  }
  return out;
}

export type WindowProblem = 'past' | 'too_late' | 'too_far_ahead';

export interface BookingWindow {
  now: number;
  /** Slots starting before this are too late to book. */
  closesBefore: number;
  /** Slots starting after this are too far ahead. */
  lastStart: number;
}

export function bookingWindow(rule: EffectiveRule, now: DateTime, zone: string): BookingWindow {
  const local = now.setZone(zone);
  return {
    now: local.toMillis(),
    closesBefore: local.toMillis() + rule.bookingClosesMinutes * 60_000,
    lastStart: local.startOf('day').plus({ days: rule.bookingOpensDays }).endOf('day').toMillis(),
  };
}

export function windowProblemAt(start: number, w: BookingWindow): WindowProblem | null {
  if (start <= w.now) return 'past';
  if (start < w.closesBefore) return 'too_late';
  if (start > w.lastStart) return 'too_far_ahead';
  return null;
}

/** Whether a slot starting at `start` can be booked online at `now`. */
export function bookingWindowProblem(start: DateTime | number, rule: EffectiveRule, now: DateTime, zone = 'Asia/Shanghai'): WindowProblem | null {
  const ms = typeof start === 'number' ? start : start.toMillis();
  return windowProblemAt(ms, bookingWindow(rule, now, typeof start === 'number' ? zone : (start.zoneName ?? zone)));
}

/** The last calendar day (in zone) on which booking is open now. */
export function lastBookableDate(rule: EffectiveRule, now: DateTime, zone: string): string {
  return now.setZone(zone).startOf('day').plus({ days: rule.bookingOpensDays }).toISODate() as string;
}

/**
 * Seats an online booking could still take in a service slot: for each covered base slot the
 * bookable seat numbers not held, and the slot's remaining is the smallest of those counts.
 */
export function remainingForSlot(slot: ServiceSlot, held: Map<number, Set<number>>, bookable: number[]): number {
  let min = Infinity;
  for (const base of slot.baseStarts) {
    const taken = held.get(base) ?? new Set<number>();
    const free = bookable.filter((s) => !taken.has(s)).length;
    min = Math.min(min, free);
  }
  return min === Infinity ? 0 : min;
}

/** Online places of a service slot: the room's free bookable seats, and no more than the service's own cap leaves. */
export function remainingForService(roomRemaining: number, rule: Pick<EffectiveRule, 'capacity'>, heldOfService: number): number {
  if (rule.capacity == null) return roomRemaining;
  return Math.max(0, Math.min(roomRemaining, rule.capacity - heldOfService));
}


/** Finds the service slot that starts exactly at `start`, or says why there is none. */
export function locateSlot(
  start: DateTime,
  room: string,
  spec: ScheduleSpec,
  rule: EffectiveRule,
  calendar: CalendarEntry[],
  zone: string,
): { slot: ServiceSlot; plan: DayPlan } | { problem: 'closed_day' | 'not_offered' | 'not_on_grid'; plan: DayPlan } {
  const local = start.setZone(zone);
  const plan = planDay(local.toISODate() as string, room, spec, calendar);
  if (!plan.open) return { problem: 'closed_day', plan };
  if (rule.weekdays && !rule.weekdays.includes(plan.scheduleWeekday)) return { problem: 'not_offered', plan };
  const slot = serviceSlots(plan, spec, rule, zone).find((s) => s.start === local.toMillis());
  return slot ? { slot, plan } : { problem: 'not_on_grid', plan };
}

/** ISO 8601 with the zone's offset, no milliseconds: "2026-12-01T09:00:00+08:00". */
export function isoLocal(t: DateTime | number | Date, zone: string): string {
  if (typeof t === 'number' || t instanceof Date) {
    const ms = typeof t === 'number' ? t : t.getTime();
    const offset = zoneOffsetMinutes(ms, zone);
    if (offset !== null) return formatWithOffset(ms, offset);
  }
  const dt = typeof t === 'number' ? DateTime.fromMillis(t, { zone }) : t instanceof Date ? DateTime.fromJSDate(t, { zone }) : t.setZone(zone);
  return dt.toISO({ suppressMilliseconds: true }) as string;
}

/**
 * A zone's UTC offset at an instant, cached per zone and hour. A slot list formats hundreds of
 * instants, and luxon asks Intl for the offset of each one (the biggest cost of a chat message
 * that lists free slots). An hour is cached only when its offset is the same at both ends, so
 * an hour with a transition in it is always computed exactly. Null for zones luxon writes
 * differently ('UTC' becomes "Z"): those take the luxon path.
 */
const offsets = new Map<string, number>();
const HOUR = 3_600_000;
function zoneOffsetMinutes(ms: number, zone: string): number | null {
  if (!formattable(zone)) return null;
  const hour = Math.floor(ms / HOUR);
  const key = `${zone}|${hour}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const iana = IANAZone.create(zone);
  const offset = iana.offset(ms);
  if (iana.offset(hour * HOUR) === offset && iana.offset((hour + 1) * HOUR - 1) === offset) {
    if (offsets.size >= 20_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const zoneFormattable = new Map<string, boolean>();
/** Whether `zone` is an IANA zone that luxon writes with a numeric offset (asked once per zone: the check builds an Intl formatter). */
function formattable(zone: string): boolean {
  let ok = zoneFormattable.get(zone);
  if (ok === undefined) zoneFormattable.set(zone, (ok = zone.toUpperCase() !== 'UTC' && IANAZone.isValidZone(zone)));
  return ok;
}

function formatWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString(); // "yyyy-MM-ddTHH:mm:ss.SSSZ"
  const body = local.endsWith('.000Z') ? local.slice(0, -5) : local.slice(0, -1);
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Dates (yyyy-MM-dd) from `from` for `days` days (calendar arithmetic: the same in every zone). */
export function dateRange(from: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => addDays(from, i));
}

// Calendar dates ('yyyy-MM-dd') are zone-free: these helpers compute on UTC midnights.
const utcDay = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return new Date(utcDay(date)).getUTCDay() || 7;
}

export function addDays(date: string, days: number): string {
  return new Date(utcDay(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The instant a calendar day starts in `zone`, when the zone keeps one offset all that day
 * (always so for Asia/Shanghai); null otherwise, and the caller takes luxon's slower path.
 */
function localMidnight(date: string, zone: string): number | null {
  const wall = utcDay(date);
  const guess = zoneOffsetMinutes(wall, zone);
  if (guess === null) return null;
  const midnight = wall - guess * 60_000;
  const offset = zoneOffsetMinutes(midnight, zone);
  if (offset !== guess || zoneOffsetMinutes(midnight + 86_400_000 - 1, zone) !== offset) return null;
  return midnight;
}
