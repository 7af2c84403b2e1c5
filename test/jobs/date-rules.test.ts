import holidays from '../../src/modules/appointments/data/cn-public-holidays.json';
import { announcementTimes, dayStatus, movedNote, talkDayDate, type DayEntry, type TalkDayRule } from '../../src/modules/talk-day/talk-day.rules';
import { planOccurrence, type TalkDaySettingsInput } from '../../src/modules/talk-day/talk-day.plan';
import { nextSlots, slotKey, slotsBetween } from '../../src/jobs/schedule';
import { parseQuietHours, quietHoursRelease } from '../../src/lib/quiet-hours';
import { noticeAt } from '../../src/modules/mobile-visits/mobile-visit.plan';
import { renderTemplate, placeholdersIn } from '../../src/modules/templates/template.render';

const ZONE = 'Asia/Shanghai';
const national: DayEntry[] = (holidays.entries as Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>).map((e) => ({ ...e, room: null }));
const sh = (iso: string) => new Date(`${iso}+08:00`);

describe('talk day date: the 18th under each rule (national calendar 2026–2027)', () => {
  const table: Array<[string, TalkDayRule, string, boolean, string | null]> = [
    // month, rule, held on, moved, reason
    ['2026-01', 'next_working_day', '2026-01-19', true, 'sunday'],
    ['2026-01', 'keep', '2026-01-18', false, 'sunday'],
    ['2026-02', 'next_working_day', '2026-02-24', true, 'holiday'], // 春节 15–23
    ['2026-02', 'keep', '2026-02-18', false, 'holiday'],
    ['2026-03', 'next_working_day', '2026-03-18', false, null],
    ['2026-04', 'next_working_day', '2026-04-20', true, 'saturday'],
    ['2026-05', 'next_working_day', '2026-05-18', false, null],
    ['2026-06', 'next_working_day', '2026-06-18', false, null],
    ['2026-07', 'next_working_day', '2026-07-20', true, 'saturday'],
    ['2026-08', 'next_working_day', '2026-08-18', false, null],
    ['2026-09', 'next_working_day', '2026-09-18', false, null],
    ['2026-10', 'next_working_day', '2026-10-19', true, 'sunday'],
    ['2026-10', 'keep', '2026-10-18', false, 'sunday'],
    ['2026-11', 'next_working_day', '2026-11-18', false, null],
    ['2026-12', 'next_working_day', '2026-12-18', false, null],
    ['2027-04', 'next_working_day', '2027-04-19', true, 'sunday'],
    ['2027-09', 'next_working_day', '2027-09-20', true, 'saturday'],
    ['2027-12', 'next_working_day', '2027-12-20', true, 'saturday'],
  ];
  it.each(table)('%s (%s) → %s', (month, rule, date, moved, reason) => {
    const t = talkDayDate(month, rule, national);
    expect(t).toMatchObject({ month, nominal: `${month}-18`, date, moved, reason });
  });

  it('holds it on a weekend 18th that is a make-up working day (调休上班)', () => {
    const entries: DayEntry[] = [...national, { date: '2026-04-18', kind: 'workday', room: null, name: '调休上班' }];
    expect(talkDayDate('2026-04', 'next_working_day', entries)).toMatchObject({ date: '2026-04-18', moved: false });
  });

  it('skips a make-up Saturday only when it is a working day, and a holiday Monday after a weekend', () => {
    // 18th Sat, 19th Sun, 20th Mon declared a holiday → Tuesday the 21st.
    const entries: DayEntry[] = [{ date: '2026-07-20', kind: 'holiday', room: null, name: '测试假日' }];
    expect(talkDayDate('2026-07', 'next_working_day', entries).date).toBe('2026-07-21');
  });

  it("a room's own whole-day closure moves it; a partial closure does not; the room's entry wins over the national one", () => {
    const closure: DayEntry = { date: '2026-03-18', kind: 'closure', room: 'HPL', name: '设备检修' };
    expect(talkDayDate('2026-03', 'next_working_day', [closure])).toMatchObject({ date: '2026-03-19', moved: true, reason: 'closure' });
    const partial: DayEntry = { ...closure, startTime: '14:00', endTime: '17:00' };
    expect(talkDayDate('2026-03', 'next_working_day', [partial]).moved).toBe(false);
    const roomWorkday: DayEntry = { date: '2026-02-18', kind: 'workday', room: 'HPL', name: '值班开放' };
    expect(talkDayDate('2026-02', 'next_working_day', [...national, roomWorkday])).toMatchObject({ date: '2026-02-18', moved: false });
  });

  it('dayStatus names the holiday', () => {
    expect(dayStatus('2026-10-01', national)).toEqual({ working: false, reason: 'holiday', name: '国庆节' });
    expect(dayStatus('2026-10-10', national)).toEqual({ working: true, reason: null, name: '国庆节调休上班' });
  });

  it('explains a moved date in Chinese, naming the holiday or the weekday', () => {
    expect(movedNote(talkDayDate('2026-02', 'next_working_day', national))).toBe('因18日为春节假期，本月活动顺延至2月24日（周二）举行。');
    expect(movedNote(talkDayDate('2026-04', 'next_working_day', national))).toBe('因18日为周六，本月活动顺延至4月20日（周一）举行。');
    expect(movedNote(talkDayDate('2026-03', 'next_working_day', national))).toBe('');
  });

  it('rejects a malformed month', () => {
    expect(() => talkDayDate('2026-13', 'keep', [])).toThrow();
  });
});

describe('announcement times', () => {
  const table: Array<[string, number, string | null, string]> = [
    ['2026-03-18', 3, '2026-03-15T10:00', '2026-03-18T08:00'],
    ['2026-03-18', 1, '2026-03-17T10:00', '2026-03-18T08:00'],
    ['2026-03-18', 7, '2026-03-11T10:00', '2026-03-18T08:00'],
    ['2026-02-24', 3, '2026-02-21T10:00', '2026-02-24T08:00'], // counted from the moved date
    ['2026-03-18', 0, null, '2026-03-18T08:00'],
  ];
  it.each(table)('%s, %i days before → %s / %s', (date, daysBefore, before, morning) => {
    const t = announcementTimes({ date, daysBefore, beforeTime: '10:00', morningTime: '08:00', zone: ZONE });
    expect(t.before).toEqual(before ? sh(before) : null);
    expect(t.morning).toEqual(sh(morning));
  });

  const settings: TalkDaySettingsInput = {
    room: 'HPL', enabled: true, place: '社区服务中心', startTime: '09:00', endTime: '11:30', topic: '防诈骗', rule: 'next_working_day', daysBefore: 3,
    months: [{ month: '2026-05', place: '和平广场', topic: '五月主题' }, { month: '2026-06', cancelled: true }],
  };
  it('applies a month override, a cancelled month, and the room rule', () => {
    expect(planOccurrence(settings, '2026-05', national, ZONE)).toMatchObject({ place: '和平广场', topic: '五月主题', startTime: '09:00', cancelled: false });
    expect(planOccurrence(settings, '2026-06', national, ZONE).cancelled).toBe(true);
    expect(planOccurrence(settings, '2026-04', national, ZONE)).toMatchObject({ date: '2026-04-20', place: '社区服务中心', moved: true });
  });
  it('settings saved after the before-time announce at save time, unless saved on the day itself', () => {
    const saved = sh('2026-03-16T15:20');
    expect(planOccurrence({ ...settings, updatedAt: saved }, '2026-03', national, ZONE).announce.before).toEqual(saved);
    expect(planOccurrence({ ...settings, updatedAt: sh('2026-03-18T07:00') }, '2026-03', national, ZONE).announce.before).toEqual(sh('2026-03-15T10:00'));
    expect(planOccurrence({ ...settings, updatedAt: sh('2026-03-01T07:00') }, '2026-03', national, ZONE).announce.before).toEqual(sh('2026-03-15T10:00'));
  });
});

describe('schedule slots', () => {
  it('daily slots in (from, to], across days, named by local minute', () => {
    const slots = slotsBetween({ kind: 'daily', times: ['19:00', '08:30'] }, sh('2026-12-14T19:00'), sh('2026-12-16T08:30'), ZONE);
    expect(slots.map((s) => slotKey(s, ZONE))).toEqual(['2026-12-15T08:30+08:00', '2026-12-15T19:00+08:00', '2026-12-16T08:30+08:00']);
  });
  it('every-N-minute slots aligned to local midnight, independent of the server zone', () => {
    const slots = slotsBetween({ kind: 'every', minutes: 10 }, sh('2026-12-15T23:41'), sh('2026-12-16T00:10'), ZONE);
    expect(slots.map((s) => slotKey(s, ZONE))).toEqual(['2026-12-15T23:50+08:00', '2026-12-16T00:00+08:00', '2026-12-16T00:10+08:00']);
  });
  it('empty for an empty or reversed range; next slots after a time', () => {
    expect(slotsBetween({ kind: 'every', minutes: 5 }, sh('2026-12-15T10:00'), sh('2026-12-15T10:00'), ZONE)).toEqual([]);
    expect(nextSlots({ kind: 'daily', times: ['19:00'] }, sh('2026-12-15T19:00'), 2, ZONE)).toEqual([sh('2026-12-16T19:00'), sh('2026-12-17T19:00')]);
  });
});

describe('quiet hours', () => {
  const quiet = parseQuietHours('21:30-08:00');
  const table: Array<[string, string]> = [
    ['2026-12-15T21:29', '2026-12-15T21:29'],
    ['2026-12-15T21:30', '2026-12-16T08:00'],
    ['2026-12-15T23:59', '2026-12-16T08:00'],
    ['2026-12-16T00:00', '2026-12-16T08:00'],
    ['2026-12-16T07:59', '2026-12-16T08:00'],
    ['2026-12-16T08:00', '2026-12-16T08:00'],
    ['2026-12-16T12:00', '2026-12-16T12:00'],
  ];
  it.each(table)('a group message enqueued at %s goes at %s', (at, release) => {
    expect(quietHoursRelease(sh(at), quiet, ZONE)).toEqual(sh(release));
  });
  it('a same-day window and "none"', () => {
    expect(quietHoursRelease(sh('2026-12-16T12:30'), parseQuietHours('12:00-14:00'), ZONE)).toEqual(sh('2026-12-16T14:00'));
    expect(parseQuietHours('00:00-00:00')).toBeNull();
    expect(quietHoursRelease(sh('2026-12-16T03:00'), null, ZONE)).toEqual(sh('2026-12-16T03:00'));
  });
});

describe('mobile visit notice time', () => {
  it('the day before at 10:00; at entry when entered later; none when entered on the day', () => {
    const start = sh('2026-12-17T09:00');
    expect(noticeAt({ start, createdAt: sh('2026-12-01T12:00') }, ZONE)).toEqual(sh('2026-12-16T10:00'));
    expect(noticeAt({ start, createdAt: sh('2026-12-16T15:00') }, ZONE)).toEqual(sh('2026-12-16T15:00'));
    expect(noticeAt({ start, createdAt: sh('2026-12-17T07:00') }, ZONE)).toBeNull();
  });
});

describe('template rendering', () => {
  it('replaces placeholders and drops lines left empty', () => {
    const text = '【{{room.name}}】{{date}}\n{{moved_note}}\n地点：{{place}}';
    expect(renderTemplate(text, { 'room.name': '和平里社区警务室', date: '2026年12月18日', moved_note: '', place: '服务中心' })).toBe('【和平里社区警务室】2026年12月18日\n地点：服务中心');
    expect(placeholdersIn(text)).toEqual(['room.name', 'date', 'moved_note', 'place']);
  });
});
