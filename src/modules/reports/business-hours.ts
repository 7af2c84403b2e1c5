import { DateTime } from 'luxon';

/**
 * Durations counted in a room's opening hours (pure, no I/O).
 *
 * An item that arrives on Friday evening and is answered on Monday morning waited ~60 hours of
 * calendar time but only minutes of the room's opening time; the assessment shows both. Opening
 * hours are the room's `openingHours` (ISO weekday 1–7, 'HH:mm' in the app's time zone, an
 * optional lunch break). Public holidays are not known to the product and count as normal days.
 */
export interface OpeningPeriod {
  weekday: number;
  open: string;
  close: string;
  breakStart?: string | null;
  breakEnd?: string | null;
}

const DAY_MS = 86_400_000;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Per weekday (1–7), the open intervals in minutes after local midnight, merged and sorted. */
export function weeklyTemplate(periods: readonly OpeningPeriod[]): Array<Array<[number, number]>> {
  const week: Array<Array<[number, number]>> = Array.from({ length: 8 }, () => []);
  for (const p of periods) {
    if (p.weekday < 1 || p.weekday > 7) continue;
    const open = minutesOf(p.open);
    const close = minutesOf(p.close);
    if (!(close > open)) continue;
    if (p.breakStart && p.breakEnd && minutesOf(p.breakEnd) > minutesOf(p.breakStart)) {
      const bs = Math.max(open, Math.min(close, minutesOf(p.breakStart)));
      const be = Math.max(open, Math.min(close, minutesOf(p.breakEnd)));
      if (bs > open) week[p.weekday].push([open, bs]);
      if (close > be) week[p.weekday].push([be, close]);
    } else {
      week[p.weekday].push([open, close]);
    }
  }
  for (const day of week) {
    day.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < day.length; i++) {
      if (day[i][0] <= day[i - 1][1]) {
        day[i - 1][1] = Math.max(day[i - 1][1], day[i][1]);
        day.splice(i, 1);
        i--;
      }
    }
  }
  return week;
}

export type BusinessClock = (start: Date, end: Date) => number | null;

/**
 * Compiles a room's opening hours into a function giving the open seconds between two
 * instants. Returns null for every pair when the room has no opening hours (nothing to
 * measure against). Day boundaries are computed in `zone` (cached per day, so rebuilding a
 * year of rollups stays fast).
 */
export function compileBusinessClock(periods: readonly OpeningPeriod[], zone: string): BusinessClock {
  const week = weeklyTemplate(periods);
  const weeklyMinutes = week.reduce((sum, day) => sum + day.reduce((s, [a, b]) => s + (b - a), 0), 0);
  if (weeklyMinutes === 0) return () => null;

  // local midnight (ms) → { next midnight, absolute open intervals }
  const days = new Map<number, { next: number; intervals: Array<[number, number]> }>();
  const dayInfo = (midnight: number) => {
    let info = days.get(midnight);
    if (!info) {
      const dt = DateTime.fromMillis(midnight, { zone });
      const next = dt.plus({ days: 1 }).startOf('day').toMillis();
      const intervals = week[dt.weekday].map(([a, b]): [number, number] => [
        dt.set({ hour: Math.floor(a / 60), minute: a % 60 }).toMillis(),
        b >= 1440 ? next : dt.set({ hour: Math.floor(b / 60), minute: b % 60 }).toMillis(),
      ]);
      info = { next, intervals };
      if (days.size > 20_000) days.clear();
      days.set(midnight, info);
    }
    return info;
  };
  const midnightOf = (ms: number) => DateTime.fromMillis(ms, { zone }).startOf('day').toMillis();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;

  return function businessSeconds(start: Date, end: Date): number {
    const s = start.getTime();
    const e = end.getTime();
    if (!(e > s)) return 0;
    let total = 0;
    let midnight = midnightOf(s);
    while (midnight < e) {
      // Whole weeks in the middle of a long span contribute the weekly total (same UTC offset at both ends).
      if (midnight > s && e - midnight > 15 * DAY_MS) {
        const weeks = Math.floor((e - midnight) / (7 * DAY_MS)) - 1;
        if (weeks > 0) {
          const target = DateTime.fromMillis(midnight, { zone }).plus({ weeks }).toMillis();
          if (offsetAt(target) === offsetAt(midnight)) {
            total += weeks * weeklyMinutes * 60_000;
            midnight = target;
            continue;
          }
        }
      }
      const info = dayInfo(midnight);
      for (const [a, b] of info.intervals) {
        const lo = Math.max(a, s);
        const hi = Math.min(b, e);
        if (hi > lo) total += hi - lo;
      }
      midnight = info.next;
    }
    return total / 1000;
  };
}
