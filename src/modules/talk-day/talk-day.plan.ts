import { DateTime } from 'luxon';
import { announcementTimes, movedNote, talkDayDate, type DayEntry, type TalkDayRule, type TalkDayDate } from './talk-day.rules';

/** Local times of the two announcements: N days before, and the morning of the day. */
export const BEFORE_ANNOUNCE_TIME = '10:00';
export const MORNING_ANNOUNCE_TIME = '08:00';

export interface TalkDaySettingsInput {
  room: string;
  enabled: boolean;
  place: string;
  startTime: string;
  endTime?: string | null;
  topic: string;
  rule: TalkDayRule;
  daysBefore: number;
  months: Array<{ month: string; place?: string | null; startTime?: string | null; endTime?: string | null; topic?: string | null; cancelled?: boolean | null }>;
  /** When the settings were last saved: an announcement whose time had passed by then goes out at save time. */
  updatedAt?: Date | null;
}

export interface TalkDayOccurrence extends TalkDayDate {
  room: string;
  place: string;
  startTime: string;
  endTime: string | null;
  topic: string;
  cancelled: boolean;
  movedNote: string;
  /** When each announcement goes out (null: none). */
  announce: { before: Date | null; day: Date };
}

/**
 * A room's talk day in one month: the date under its rule, this month's details, and when the
 * announcements go out. If the settings were saved after the "before" time but before the day,
 * the before-announcement goes out at save time (its run key is the same, so never twice).
 */
export function planOccurrence(settings: TalkDaySettingsInput, month: string, calendar: readonly DayEntry[], zone: string): TalkDayOccurrence {
  const when = talkDayDate(month, settings.rule, calendar);
  const override = settings.months.find((m) => m.month === month);
  const times = announcementTimes({ date: when.date, daysBefore: settings.daysBefore, beforeTime: BEFORE_ANNOUNCE_TIME, morningTime: MORNING_ANNOUNCE_TIME, zone });
  let before = times.before;
  const saved = settings.updatedAt ?? null;
  if (before && saved && saved > before && DateTime.fromJSDate(saved, { zone }).toISODate()! < when.date) before = saved;
  return {
    ...when,
    room: settings.room,
    place: override?.place || settings.place,
    startTime: override?.startTime || settings.startTime,
    endTime: override?.endTime || settings.endTime || null,
    topic: override?.topic || settings.topic,
    cancelled: !settings.enabled || Boolean(override?.cancelled),
    movedNote: movedNote(when),
    announce: { before, day: times.morning },
  };
}

export function timeRange(o: Pick<TalkDayOccurrence, 'startTime' | 'endTime'>): string {
  return o.endTime ? `${o.startTime}–${o.endTime}` : `${o.startTime}起`;
}
