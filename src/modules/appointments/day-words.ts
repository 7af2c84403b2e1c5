import { DateTime } from 'luxon';

/**
 * Days and times residents type in chat: 今天、明天、后天、大后天、周三、下周二、本周五、
 * 12月3号、3号、2026-12-03、12/3. Our own rules run first (computed with luxon in the room's
 * zone, so the server's TZ never matters); chrono-node's Chinese parser is the fallback for
 * phrasings the rules do not know. Pure: the clock is a parameter.
 */

const WEEKDAY_CHARS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** '3', '十二', '二十五', '三十一' → number. */
export function cnNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十]+$/.test(s)) return null;
  if (s === '十') return 10;
  const i = s.indexOf('十');
  if (i === -1) return s.length === 1 ? CN_DIGITS[s] : null;
  const tens = i === 0 ? 1 : CN_DIGITS[s.slice(0, i)];
  const ones = i === s.length - 1 ? 0 : CN_DIGITS[s.slice(i + 1)];
  return tens * 10 + ones;
}

const NUM = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

type ChronoZhHans = typeof import('chrono-node').zh.hans;
let chronoZhHans: ChronoZhHans | undefined;

/**
 * chrono-node's Simplified Chinese parser, loaded the first time our rules do not understand a
 * phrase. Its package entry loads every language (about 270 modules, the largest cost of start-up
 * after the database driver); the `chrono-node/zh/hans` entry loads only Chinese, and only when needed.
 */
function zhHans(): ChronoZhHans {
  return (chronoZhHans ??= require('chrono-node/zh/hans') as ChronoZhHans);
}

/** Resolves a typed day to 'yyyy-MM-dd' in `zone`, never before today; null when the text names no day. */
export function parseDayWords(input: string, now: Date, zone: string): string | null {
  const text = input.replace(/\s+/g, '');
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const iso = (d: DateTime) => d.toISODate() as string;

  if (/大后天/.test(text)) return iso(today.plus({ days: 3 }));
  if (/后天/.test(text)) return iso(today.plus({ days: 2 }));
  if (/明天|明日/.test(text)) return iso(today.plus({ days: 1 }));
  if (/今天|今日/.test(text)) return iso(today);

  let m = /(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?/.exec(text);
  if (m) return valid(DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3] }, { zone }), today);

  m = /(下下|下|这|本|今)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/.exec(text);
  if (m) {
    const wd = WEEKDAY_CHARS[m[2]];
    if (m[1] === '下' || m[1] === '下下') {
      const weeks = m[1] === '下下' ? 2 : 1;
      return iso(today.startOf('week').plus({ weeks }).plus({ days: wd - 1 }));
    }
    if (m[1]) {
      const d = today.startOf('week').plus({ days: wd - 1 });
      return d < today ? null : iso(d);
    }
    // Plain "周三": the next such day, today included.
    const ahead = (wd - today.weekday + 7) % 7;
    return iso(today.plus({ days: ahead }));
  }

  m = new RegExp(`${NUM}月${NUM}[日号]?`).exec(text);
  if (m) {
    const month = cnNumber(m[1]);
    const day = cnNumber(m[2]);
    if (month && day) {
      let d = DateTime.fromObject({ year: today.year, month, day }, { zone });
      if (d.isValid && d < today) d = d.plus({ years: 1 });
      return valid(d, today);
    }
  }

  m = /^(\d{1,2})[/.-](\d{1,2})$/.exec(text);
  if (m) {
    let d = DateTime.fromObject({ year: today.year, month: +m[1], day: +m[2] }, { zone });
    if (d.isValid && d < today) d = d.plus({ years: 1 });
    return valid(d, today);
  }

  m = new RegExp(`(?:^|[^月\\d])${NUM}[日号]`).exec(text);
  if (m) {
    const day = cnNumber(m[1]);
    if (day) {
      let d = today.set({ day });
      if (!d.isValid || d.day !== day) return null;
      if (d < today) d = today.plus({ months: 1 }).set({ day });
      return valid(d, today);
    }
  }

  // Fallback: chrono-node's Chinese parser, read back in the room's zone.
  const results = zhHans().parse(input, { instant: now, timezone: zone });
  if (results.length > 0) {
    const c = results[0].start;
    const d = DateTime.fromObject({ year: c.get('year') ?? today.year, month: c.get('month') ?? today.month, day: c.get('day') ?? today.day }, { zone });
    return valid(d, today);
  }
  return null;
}

function valid(d: DateTime, today: DateTime): string | null {
  if (!d.isValid || d < today) return null;
  return d.toISODate() as string;
}

/** A typed time of day → minutes from midnight: "9点", "9点半", "下午2点", "14:30", "两点"; null if none. */
export function parseTimeWords(input: string): number | null {
  const text = input.replace(/\s+/g, '');
  const m = new RegExp(`(上午|早上|早晨|中午|下午|晚上)?${NUM}(?:[:：](\\d{2})|点(半|\\d{1,2}分?|[一二三四五]十分?)?)`).exec(text.replace(/两/g, '二'));
  if (!m) return null;
  let hour = cnNumber(m[2]);
  if (hour === null || hour > 23) return null;
  let minute = 0;
  if (m[3]) minute = Number(m[3]);
  else if (m[4] === '半') minute = 30;
  else if (m[4]) minute = cnNumber(m[4].replace('分', '')) ?? 0;
  if ((m[1] === '下午' || m[1] === '晚上') && hour < 12) hour += 12;
  if (m[1] === '中午' && hour < 6) hour += 12;
  // Offices close by evening: a bare "2点" means 14:00.
  if (!m[1] && hour >= 1 && hour <= 6) hour += 12;
  if (minute > 59) return null;
  return hour * 60 + minute;
}
