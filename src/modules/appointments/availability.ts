import { DateTime } from 'luxon';
import { type DomainError, badRequest, conflict } from '../../lib/errors';
import type { AppointmentPolicy } from './appointment.policy';
import { loadSetting, type Clocked, type Setting } from './booking-context';
import { loadCalendar } from './schedule.service';
import { heldSeats, heldServicePlaces, purgePastSeats } from './seats';
import {
  bookableSeatNumbers,
  bookingWindow,
  dateRange,
  isoLocal,
  isoWeekday,
  lastBookableDate,
  planDay,
  remainingForService,
  remainingForSlot,
  serviceSlots,
  windowProblemAt,
  type ServiceSlot,
} from './slots';

/** Availability: the bookable slots of a room and service per day with what remains, and suggestions when a slot is full. */

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

async function slotsForDays(setting: Setting, dates: string[], policy: AppointmentPolicy, now: Date): Promise<DaySlotsView[]> {
  const { room, spec, rule } = setting;
  const zone = policy.zone;
  if (dates.length === 0) return [];
  const calendar = await loadCalendar(room.code, dates[0], dates[dates.length - 1]);
  const from = DateTime.fromISO(dates[0], { zone }).startOf('day');
  const to = DateTime.fromISO(dates[dates.length - 1], { zone }).endOf('day');
  await purgePastSeats(now);
  const held = await heldSeats(room.code, from, to);
  const places = rule.capacity != null ? await heldServicePlaces(room.code, setting.service.key, from, to) : new Map<number, number>();
  const bookable = bookableSeatNumbers(spec.capacity, rule.walkInShare);
  const capacity = rule.capacity != null ? Math.min(rule.capacity, bookable.length) : bookable.length;
  const window = bookingWindow(rule, DateTime.fromJSDate(now, { zone }), zone);
  return dates.map((date) => {
    const plan = planDay(date, room.code, spec, calendar);
    const slots = serviceSlots(plan, spec, rule, zone)
      .filter((s) => windowProblemAt(s.start, window) === null)
      .map((s) => ({
        start: isoLocal(s.start, zone),
        end: isoLocal(s.end, zone),
        capacity,
        remaining: remainingForService(remainingForSlot(s, held, bookable), rule, places.get(s.start) ?? 0),
      }));
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

export function slotFull(nextSlots: SlotView[]): DomainError {
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

export async function suggestAfter(setting: Setting, slot: ServiceSlot, clocked: Clocked): Promise<SlotView[]> {
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
