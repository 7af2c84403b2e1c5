import { DateTime } from 'luxon';
import { parseHHMM } from '../lib/hhmm';

/**
 * Pure schedule arithmetic (no I/O, no clock): which run slots of a job fall in a time range,
 * how a slot is named (quiet hours: src/lib/quiet-hours.ts). The scheduler asks "which slots are due
 * between lastChecked and now" instead of trusting that cron fired, which is what makes
 * catch-up after downtime (and tests that jump the clock by weeks) work.
 */

export type ScheduleSpec =
  /** At each of these local times every day ('HH:mm'). */
  | { kind: 'daily'; times: string[] }
  /** Every N minutes, aligned to local midnight (N divides 1440 for an even grid). */
  | { kind: 'every'; minutes: number };

/** The name of a slot: its local minute with the zone offset, e.g. `2026-12-15T09:00+08:00`. */
export function slotKey(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");
}

/**
 * Slots of `spec` in the half-open range (from, to], oldest first. The range is what the
 * scheduler has not looked at yet, so a slot on the boundary belongs to exactly one tick.
 */
export function slotsBetween(spec: ScheduleSpec, from: Date, to: Date, zone: string): Date[] {
  if (to.getTime() <= from.getTime()) return [];
  const out: Date[] = [];
  const end = DateTime.fromJSDate(to, { zone });
  for (let day = DateTime.fromJSDate(from, { zone }).startOf('day'); day <= end; day = day.plus({ days: 1 })) {
    for (const ms of dayTimesBetween(spec, day, from.getTime(), to.getTime())) out.push(new Date(ms));
  }
  return out;
}

/** Slot instants (ms) of one local day within (fromMs, toMs], ascending, by arithmetic (ticks call this often). */
function dayTimesBetween(spec: ScheduleSpec, day: DateTime, fromMs: number, toMs: number): number[] {
  if (spec.kind === 'daily') return dayTimes(spec, day).map((t) => t.toMillis()).filter((ms) => ms > fromMs && ms <= toMs);
  const start = day.toMillis();
  const dayEnd = day.plus({ days: 1 }).toMillis();
  const step = spec.minutes * 60_000;
  const out: number[] = [];
  const first = Math.max(0, Math.floor((fromMs - start) / step) + 1);
  for (let ms = start + first * step; ms < dayEnd && ms <= toMs; ms += step) if (ms > fromMs) out.push(ms);
  return out;
}

/** The next `count` slots strictly after `after` (for "upcoming" views). */
export function nextSlots(spec: ScheduleSpec, after: Date, count: number, zone: string): Date[] {
  const out: Date[] = [];
  let day = DateTime.fromJSDate(after, { zone }).startOf('day');
  for (let guard = 0; out.length < count && guard < 400; guard++, day = day.plus({ days: 1 })) {
    for (const t of dayTimes(spec, day)) {
      if (t.toMillis() > after.getTime() && out.length < count) out.push(t.toJSDate());
    }
  }
  return out;
}

function dayTimes(spec: ScheduleSpec, day: DateTime): DateTime[] {
  if (spec.kind === 'daily') {
    return [...spec.times].sort().map((hhmm) => {
      const { hour, minute } = parseHHMM(hhmm);
      return day.set({ hour, minute, second: 0, millisecond: 0 });
    });
  }
  const out: DateTime[] = [];
  const next = day.plus({ days: 1 });
  for (let t = day; t < next; t = t.plus({ minutes: spec.minutes })) out.push(t);
  return out;
}
