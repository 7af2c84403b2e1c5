import { DateTime } from 'luxon';
import holidayData from '../../src/modules/appointments/data/cn-public-holidays.json';
import {
  bookableSeatNumbers,
  addDays,
  bookingWindowProblem,
  dayClock,
  effectiveRule,
  isoLocal,
  isoWeekday,
  locateSlot,
  planDay,
  remainingForSlot,
  reservedSeats,
  serviceSlots,
  walkInSeatNumbers,
  type CalendarEntry,
  type ScheduleSpec,
} from '../../src/modules/appointments/slots';

const ZONE = 'Asia/Shanghai';
const weekdays = (days: number[], open: string, close: string, breakStart?: string, breakEnd?: string) =>
  days.map((weekday) => ({ weekday, open, close, breakStart, breakEnd }));

const spec: ScheduleSpec = {
  slotMinutes: 30,
  capacity: 4,
  walkInShare: 0.25,
  bookingOpensDays: 14,
  bookingClosesMinutes: 60,
  weekly: [...weekdays([1, 2, 3, 4, 5], '08:30', '17:30', '12:00', '14:00'), ...weekdays([6], '09:00', '12:00')],
  services: [
    { service: 'id_card_renewal', slotMinutes: 60 },
    { service: 'residence_permit', weekdays: [2, 4] },
    { service: 'lost_and_found', enabled: false },
    { service: 'no_criminal_record_certificate', walkInShare: 0, bookingOpensDays: 3, bookingClosesMinutes: 24 * 60 },
  ],
};

const national: CalendarEntry[] = (holidayData.entries as Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>).map((e) => ({
  date: e.date,
  kind: e.kind,
  room: null,
  name: e.name,
}));

const rule = (service = 'hukou_item_change') => effectiveRule(spec, service)!;
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });

describe('planDay: opening hours, lunch break, calendar', () => {
  it('cuts an ordinary Tuesday into morning and afternoon around the lunch break', () => {
    const plan = planDay('2026-12-01', 'HPL', spec, []);
    expect(plan.open).toBe(true);
    expect(plan.intervals).toEqual([
      [8 * 60 + 30, 12 * 60],
      [14 * 60, 17 * 60 + 30],
    ]);
  });

  it('is closed on a Sunday without a make-up entry, and on a national holiday', () => {
    expect(planDay('2026-12-06', 'HPL', spec, national)).toMatchObject({ open: false, reason: 'no_hours' });
    expect(planDay('2026-10-01', 'HPL', spec, national)).toMatchObject({ open: false, reason: 'holiday', label: '国庆节' });
    expect(planDay('2026-02-16', 'HPL', spec, national)).toMatchObject({ open: false, reason: 'holiday', label: '春节' });
  });

  it('opens a make-up working day (调休) on a weekend with Monday hours', () => {
    // 2026-02-14 is a Saturday worked for the Spring Festival; 2026-09-20 a Sunday worked for National Day.
    const sat = planDay('2026-02-14', 'HPL', spec, national);
    expect(sat).toMatchObject({ open: true, scheduleWeekday: 1, label: '春节调休上班' });
    expect(sat.intervals[0]).toEqual([8 * 60 + 30, 12 * 60]);
    const sun = planDay('2026-09-20', 'HPL', spec, national);
    expect(sun.open).toBe(true);
    expect(sun.intervals).toHaveLength(2);
  });

  it('lets a room entry win over the national calendar', () => {
    const roomOpen: CalendarEntry = { date: '2026-10-03', kind: 'workday', room: 'HPL', name: '国庆值班', followsWeekday: 6 };
    expect(planDay('2026-10-03', 'HPL', spec, [...national, roomOpen])).toMatchObject({ open: true, scheduleWeekday: 6 });
    expect(planDay('2026-10-03', 'LSC', spec, [...national, roomOpen])).toMatchObject({ open: false, reason: 'holiday' });
  });

  it('applies whole-day and partial closures of one room only', () => {
    const closures: CalendarEntry[] = [
      { date: '2026-12-01', kind: 'closure', room: 'HPL', name: '民警培训' },
      { date: '2026-12-02', kind: 'closure', room: 'HPL', name: '停电', startTime: '15:00', endTime: '16:00' },
    ];
    expect(planDay('2026-12-01', 'HPL', spec, closures)).toMatchObject({ open: false, reason: 'closure', label: '民警培训' });
    expect(planDay('2026-12-01', 'LSC', spec, closures).open).toBe(true);
    expect(planDay('2026-12-02', 'HPL', spec, closures).intervals).toEqual([
      [510, 720],
      [840, 900],
      [960, 1050],
    ]);
  });

  it('seeds 2026 holidays and make-up days, and 2027 statutory days', () => {
    const dates = national.map((e) => e.date);
    expect(dates.filter((d) => d.startsWith('2026')).length).toBeGreaterThan(30);
    expect(national.filter((e) => e.kind === 'workday').map((e) => e.date)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(dates).toEqual(expect.arrayContaining(['2027-01-01', '2027-02-06', '2027-10-01']));
  });
});

describe('serviceSlots: the grid', () => {
  it('makes 30-minute slots that never straddle the lunch break', () => {
    const plan = planDay('2026-12-01', 'HPL', spec, []);
    const slots = serviceSlots(plan, spec, rule(), ZONE);
    expect(slots).toHaveLength(7 + 7);
    expect(isoLocal(slots[0].start, ZONE)).toBe('2026-12-01T08:30:00+08:00');
    expect(isoLocal(slots[6].end, ZONE)).toBe('2026-12-01T12:00:00+08:00');
    expect(isoLocal(slots[7].start, ZONE)).toBe('2026-12-01T14:00:00+08:00');
    expect(slots.every((s) => s.baseStarts.length === 1)).toBe(true);
  });

  it('gives a 60-minute service slots covering two base slots, inside a period', () => {
    const plan = planDay('2026-12-01', 'HPL', spec, []);
    const slots = serviceSlots(plan, spec, rule('id_card_renewal'), ZONE);
    // 08:30–12:00 holds three whole hours (the 11:30 half hour is left); 14:00–17:30 also three.
    expect(slots.map((s) => DateTime.fromMillis(s.start, { zone: ZONE }).toFormat('HH:mm'))).toEqual(['08:30', '09:30', '10:30', '14:00', '15:00', '16:00']);
    expect(slots[0].baseStarts.map((b) => DateTime.fromMillis(b, { zone: ZONE }).toFormat('HH:mm'))).toEqual(['08:30', '09:00']);
  });

  it('offers a service only on its weekdays, and not at all when disabled', () => {
    expect(serviceSlots(planDay('2026-12-01', 'HPL', spec, []), spec, rule('residence_permit'), ZONE).length).toBeGreaterThan(0); // Tue
    expect(serviceSlots(planDay('2026-12-02', 'HPL', spec, []), spec, rule('residence_permit'), ZONE)).toHaveLength(0); // Wed
    expect(effectiveRule(spec, 'lost_and_found')).toBeNull();
  });

  it('locates a start on the grid and explains starts that are not', () => {
    const ok = locateSlot(at('2026-12-01T09:00'), 'HPL', spec, rule(), [], ZONE);
    expect('slot' in ok && isoLocal(ok.slot.start, ZONE)).toBe('2026-12-01T09:00:00+08:00');
    expect(locateSlot(at('2026-12-01T09:10'), 'HPL', spec, rule(), [], ZONE)).toMatchObject({ problem: 'not_on_grid' });
    expect(locateSlot(at('2026-12-01T12:30'), 'HPL', spec, rule(), [], ZONE)).toMatchObject({ problem: 'not_on_grid' });
    expect(locateSlot(at('2026-10-02T09:00'), 'HPL', spec, rule(), national, ZONE)).toMatchObject({ problem: 'closed_day' });
    expect(locateSlot(at('2026-12-02T09:00'), 'HPL', spec, rule('residence_permit'), [], ZONE)).toMatchObject({ problem: 'not_offered' });
    // The same instant written in UTC is the same slot.
    const utc = locateSlot(DateTime.fromISO('2026-12-01T01:00:00Z'), 'HPL', spec, rule(), [], ZONE);
    expect('slot' in utc).toBe(true);
  });
});

describe('seats and the walk-in share', () => {
  it('keeps the top seats for walk-ins', () => {
    expect(reservedSeats(4, 0.25)).toBe(1);
    expect(bookableSeatNumbers(4, 0.25)).toEqual([1, 2, 3]);
    expect(bookableSeatNumbers(4, 0)).toEqual([1, 2, 3, 4]);
    expect(bookableSeatNumbers(3, 1)).toEqual([]);
    expect(walkInSeatNumbers(4)).toEqual([4, 3, 2, 1]);
  });

  it('computes remaining from held seats, the minimum over covered base slots', () => {
    const plan = planDay('2026-12-01', 'HPL', spec, []);
    const [hour] = serviceSlots(plan, spec, rule('id_card_renewal'), ZONE);
    const held = new Map<number, Set<number>>([
      [hour.baseStarts[0], new Set([1])],
      [hour.baseStarts[1], new Set([1, 2, 4])], // seat 4 is a walk-in seat: it does not reduce online remaining
    ]);
    expect(remainingForSlot(hour, held, bookableSeatNumbers(4, 0.25))).toBe(1);
    expect(remainingForSlot(hour, new Map(), bookableSeatNumbers(4, 0.25))).toBe(3);
  });
});

describe('booking window with an injected clock (Asia/Shanghai, whatever the server TZ)', () => {
  const now = at('2026-11-30T20:00'); // Monday evening in Shanghai = 12:00 UTC

  it('refuses the past, the last hour before a slot, and beyond the opening horizon', () => {
    const r = rule();
    expect(bookingWindowProblem(at('2026-11-30T16:00'), r, now)).toBe('past');
    expect(bookingWindowProblem(at('2026-11-30T20:30'), r, now)).toBe('too_late');
    expect(bookingWindowProblem(at('2026-12-01T08:30'), r, now)).toBeNull();
    expect(bookingWindowProblem(at('2026-12-14T17:00'), r, now)).toBeNull(); // 14 days ahead, through end of that day
    expect(bookingWindowProblem(at('2026-12-15T08:30'), r, now)).toBe('too_far_ahead');
  });

  it('uses per-service window overrides', () => {
    const r = rule('no_criminal_record_certificate');
    expect(bookingWindowProblem(at('2026-12-01T08:30'), r, now)).toBe('too_late'); // closes 24h before
    expect(bookingWindowProblem(at('2026-12-03T09:00'), r, now)).toBeNull();
    expect(bookingWindowProblem(at('2026-12-04T09:00'), r, now)).toBe('too_far_ahead');
  });

  it('gives the same answers when the clock is given in another zone', () => {
    const utcNow = DateTime.fromISO('2026-11-30T12:00:00Z', { zone: 'America/Los_Angeles' });
    expect(bookingWindowProblem(at('2026-12-14T17:00'), rule(), utcNow)).toBeNull();
    expect(bookingWindowProblem(at('2026-12-15T08:30'), rule(), utcNow)).toBe('too_far_ahead');
  });

  it('has no DST jumps: every Shanghai day is 24 hours and slots stay on the grid across the year', () => {
    for (const date of ['2026-03-08', '2026-03-29', '2026-11-01', '2026-10-25']) {
      const d = DateTime.fromISO(date, { zone: ZONE });
      expect(d.plus({ days: 1 }).diff(d, 'hours').hours).toBe(24);
      expect(d.offset).toBe(480);
    }
  });
});

describe('calendar and clock helpers', () => {
  it('count days and weekdays across month, year and leap-day boundaries like luxon', () => {
    for (let i = 0; i < 800; i += 3) {
      const day = DateTime.fromISO('2027-12-20', { zone: ZONE }).plus({ days: i - 400 });
      expect(addDays('2027-12-20', i - 400)).toBe(day.toISODate());
      expect(isoWeekday(day.toISODate() as string)).toBe(day.weekday);
    }
  });

  it('turns wall-clock minutes into the instants luxon gives, on DST days too', () => {
    for (const zone of ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'UTC']) {
      for (const date of ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01', '2026-12-01']) {
        const at = dayClock(date, zone);
        const midnight = DateTime.fromISO(date, { zone }).startOf('day');
        for (const minutes of [0, 9 * 60, 14 * 60 + 30]) {
          expect([zone, date, minutes, at(minutes)]).toEqual([zone, date, minutes, midnight.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis()]);
        }
      }
    }
  });
});

describe('isoLocal', () => {
  it('writes the same text as luxon in every zone, across DST changes and with milliseconds', () => {
    const zones = ['Asia/Shanghai', 'Asia/Kolkata', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'UTC', 'Etc/UTC'];
    // Every 7 minutes (and some milliseconds) for two days around each 2026 DST change of
    // New York, Berlin and Lord Howe (a half-hour change).
    const starts = [[2, 7], [2, 28], [3, 4], [9, 3], [9, 24], [9, 31]].map(([month, day]) => Date.UTC(2026, month, day));
    const wrong: string[] = [];
    let checked = 0;
    for (const zone of zones) {
      for (const start of starts) {
        for (let ms = start; ms < start + 2 * 86_400_000; ms += 7 * 60_000 + 13) {
          const expected = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
          for (const got of [isoLocal(ms, zone), isoLocal(new Date(ms), zone)]) {
            checked++;
            if (got !== expected) wrong.push(`${zone} ${ms}: ${got} ≠ ${expected}`);
          }
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });
});
