import { DateTime } from 'luxon';

/**
 * Pure date rules of the monthly talk day / open day (每月18日 警民恳谈日 / 警务室开放日).
 * No I/O: the calendar (holidays, make-up working days, room closures) is passed in as data,
 * so every case is table-testable.
 */

export const TALK_DAY_OF_MONTH = 18;

/** keep: hold it on the 18th whatever day that is; next_working_day: move it to the next working day. */
export const TALK_DAY_RULES = ['keep', 'next_working_day'] as const;
export type TalkDayRule = (typeof TALK_DAY_RULES)[number];

export const TALK_DAY_RULE_LABELS: Record<TalkDayRule, string> = {
  keep: '遇周末或节假日照常举行',
  next_working_day: '遇周末或节假日顺延至下一个工作日',
};

/** A calendar entry as the appointments module stores it (room null = national). */
export interface DayEntry {
  date: string;
  kind: 'holiday' | 'workday' | 'closure';
  room: string | null;
  name?: string | null;
  /** Closures only: a time range; absent = the whole day. */
  startTime?: string | null;
  endTime?: string | null;
}

export type NonWorkingReason = 'saturday' | 'sunday' | 'holiday' | 'closure';

export interface DayStatus {
  working: boolean;
  reason: NonWorkingReason | null;
  /** Holiday or make-up day name, e.g. 春节, 国庆节调休上班. */
  name: string | null;
}

/**
 * Whether `date` is a working day for the room: a room's own entry wins over the national
 * one; a make-up working day (调休上班) on a weekend is a working day; a whole-day closure is not.
 */
export function dayStatus(date: string, entries: readonly DayEntry[]): DayStatus {
  const sameDay = entries.filter((e) => e.date === date);
  const entry = sameDay.find((e) => e.room !== null && !isPartialClosure(e)) ?? sameDay.find((e) => e.room === null);
  if (entry?.kind === 'workday') return { working: true, reason: null, name: entry.name ?? null };
  if (entry?.kind === 'holiday') return { working: false, reason: 'holiday', name: entry.name ?? null };
  if (entry?.kind === 'closure') return { working: false, reason: 'closure', name: entry.name ?? null };
  const weekday = DateTime.fromISO(date).weekday;
  if (weekday === 6) return { working: false, reason: 'saturday', name: null };
  if (weekday === 7) return { working: false, reason: 'sunday', name: null };
  return { working: true, reason: null, name: null };
}

function isPartialClosure(e: DayEntry): boolean {
  return e.kind === 'closure' && Boolean(e.startTime || e.endTime);
}

export interface TalkDayDate {
  /** 'yyyy-MM' */
  month: string;
  /** The nominal date: the 18th. */
  nominal: string;
  /** The date it is held on. */
  date: string;
  moved: boolean;
  /** Why the 18th is not a working day (whether or not the date moved). */
  reason: NonWorkingReason | null;
  reasonName: string | null;
}

/** The date the talk day of `month` is held on under `rule`. */
export function talkDayDate(month: string, rule: TalkDayRule, entries: readonly DayEntry[]): TalkDayDate {
  const nominalDt = DateTime.fromISO(`${month}-${TALK_DAY_OF_MONTH}`);
  if (!/^\d{4}-\d{2}$/.test(month) || !nominalDt.isValid) throw new Error(`invalid month ${month}`);
  const nominal = nominalDt.toISODate()!;
  const status = dayStatus(nominal, entries);
  if (status.working || rule === 'keep') {
    return { month, nominal, date: nominal, moved: false, reason: status.reason, reasonName: status.name };
  }
  // Longest run of non-working days in practice is the Spring Festival (about 9 days); 31 is a safe bound.
  let day = nominalDt;
  for (let i = 0; i < 31; i++) {
    day = day.plus({ days: 1 });
    if (dayStatus(day.toISODate()!, entries).working) {
      return { month, nominal, date: day.toISODate()!, moved: true, reason: status.reason, reasonName: status.name };
    }
  }
  throw new Error(`no working day within a month after ${nominal}`);
}

/** How a moved date is explained to residents: "因18日为春节假期，顺延至2月24日（周二）". */
export function movedNote(t: TalkDayDate): string {
  if (!t.moved) return '';
  const why = reasonText(t.reason, t.reasonName);
  const to = DateTime.fromISO(t.date);
  return `因${DateTime.fromISO(t.nominal).day}日${why}，本月活动顺延至${to.month}月${to.day}日（${WEEKDAY_LABELS[to.weekday]}）举行。`;
}

export function reasonText(reason: NonWorkingReason | null, name: string | null): string {
  switch (reason) {
    case 'saturday':
      return '为周六';
    case 'sunday':
      return '为周日';
    case 'holiday':
      return name ? `为${name}假期` : '为法定节假日';
    case 'closure':
      return name ? `警务室暂停服务（${name}）` : '警务室暂停服务';
    default:
      return '';
  }
}

export const WEEKDAY_LABELS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

export interface AnnouncementTimes {
  /** N days before the held date, at `beforeTime`; null when daysBefore is 0. */
  before: Date | null;
  /** The morning of the held date, at `morningTime`. */
  morning: Date;
}

/**
 * When the two announcements go out. Counted from the date it is actually held on (so a
 * moved talk day is announced relative to its new date, and the announcement can say so).
 */
export function announcementTimes(props: {
  date: string;
  daysBefore: number;
  beforeTime: string;
  morningTime: string;
  zone: string;
}): AnnouncementTimes {
  const day = DateTime.fromISO(props.date, { zone: props.zone });
  const at = (d: DateTime, hhmm: string) => {
    const [hour, minute] = hhmm.split(':').map(Number);
    return d.set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
  };
  return {
    before: props.daysBefore > 0 ? at(day.minus({ days: props.daysBefore }), props.beforeTime) : null,
    morning: at(day, props.morningTime),
  };
}

/** 'yyyy-MM' of the month containing `date` and the following ones. */
export function monthsFrom(date: string, count: number): string[] {
  const first = DateTime.fromISO(date).startOf('month');
  return Array.from({ length: count }, (_, i) => first.plus({ months: i }).toFormat('yyyy-MM'));
}
