import { DateTime } from 'luxon';

/** Local calendar helpers for the assessment (pure). Days are 'yyyy-MM-dd', months 'yyyy-MM', in the app's zone. */
export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export function dayStart(day: string, zone: string): Date {
  return DateTime.fromISO(day, { zone }).startOf('day').toJSDate();
}

export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: n }).toISODate()!;
}

export function localDay(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

export function monthOfDay(day: string): string {
  return day.slice(0, 7);
}

export function monthStartDay(month: string): string {
  return `${month}-01`;
}

export function monthLastDay(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).endOf('month').toISODate()!;
}

export function daysInMonth(month: string): number {
  return DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).daysInMonth!;
}

export function addMonths(month: string, n: number): string {
  return DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).plus({ months: n }).toFormat('yyyy-MM');
}

/** The months from `month` − (count − 1) to `month`, oldest first. */
export function monthsEndingAt(month: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(month, i - count + 1));
}

export function currentMonth(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).toFormat('yyyy-MM');
}

/** Days from `first` to `last` inclusive. */
export function dayRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}
