import { DateTime } from 'luxon';

/** Local time of the day-before notice. */
export const NOTICE_TIME = '10:00';

/**
 * When the day-before notice of a visit goes out: the day before at NOTICE_TIME, or at creation
 * when the visit was entered later than that (but still before its day). Null when the visit
 * was entered on its own day: a notice saying "明天" would be wrong.
 */
export function noticeAt(visit: { start: Date; createdAt: Date }, zone: string): Date | null {
  const day = DateTime.fromJSDate(visit.start, { zone }).startOf('day');
  const [hour, minute] = NOTICE_TIME.split(':').map(Number);
  const planned = day.minus({ days: 1 }).set({ hour, minute });
  const created = DateTime.fromJSDate(visit.createdAt, { zone });
  const at = created > planned ? created : planned;
  return at < day ? at.toJSDate() : null;
}
