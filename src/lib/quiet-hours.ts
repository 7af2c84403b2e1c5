import { DateTime } from 'luxon';
import { parseHHMM } from './hhmm';

/** Quiet hours ("HH:mm-HH:mm" in the app's zone): non-urgent messages wait until they end. */
export interface QuietHours {
  start: string;
  end: string;
}

export function parseQuietHours(value: string): QuietHours | null {
  const [start, end] = value.split('-');
  parseHHMM(start);
  parseHHMM(end);
  return start === end ? null : { start, end };
}

/**
 * When a non-urgent message due at `at` may go out: `at` itself outside quiet hours,
 * otherwise the end of the quiet period (the next morning when it spans midnight).
 */
export function quietHoursRelease(at: Date, quiet: QuietHours | null, zone: string): Date {
  if (!quiet) return at;
  const local = DateTime.fromJSDate(at, { zone });
  const minuteOfDay = local.hour * 60 + local.minute;
  const s = parseHHMM(quiet.start);
  const e = parseHHMM(quiet.end);
  const startMin = s.hour * 60 + s.minute;
  const endMin = e.hour * 60 + e.minute;
  const endToday = local.set({ hour: e.hour, minute: e.minute, second: 0, millisecond: 0 });
  if (startMin < endMin) {
    // Same-day window, e.g. 12:00-14:00.
    return minuteOfDay >= startMin && minuteOfDay < endMin ? endToday.toJSDate() : at;
  }
  // Window across midnight, e.g. 21:30-08:00.
  if (minuteOfDay >= startMin) return endToday.plus({ days: 1 }).toJSDate();
  if (minuteOfDay < endMin) return endToday.toJSDate();
  return at;
}
