import type { Server } from 'node:http';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AppointmentModel, BookingTokenModel, NoShowModel, SeatModel } from '../../src/modules/appointments/appointment.model';
import { onAppointmentCompleted, type AppointmentCompletedEvent } from '../../src/modules/appointments/appointment.events';
import { appointmentsStartingBetween } from '../../src/modules/appointments';
import { appointmentStatusText } from '../../src/modules/appointments/appointment.status';
import { seedAll } from '../../src/modules/seed/seed.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { mobile, setSchedule, ZONE } from './helpers';

jest.setTimeout(120_000);

let rig: DemoServer;
let server: Server;
const built = buildTestApp();

beforeAll(async () => {
  rig = await startDemoServer(built.app);
  server = rig.server;
  await setSchedule('HPL', { capacity: 3, walkInShare: 0.34, bookingOpensDays: 14 });
});
afterAll(() => rig?.stop());

interface Slot {
  start: string;
  end: string;
  remaining: number;
  capacity: number;
}

async function firstSlots(service = 'hukou_item_change', n = 3): Promise<Slot[]> {
  const res = await request(server).get(`/api/rooms/HPL/slots?service=${service}`);
  expect(res.status).toBe(200);
  return (res.body.data as Slot[]).filter((s) => s.remaining > 0).slice(0, n);
}

const book = (body: Record<string, unknown>) =>
  request(server)
    .post('/api/appointments')
    .send({ room: 'HPL', service: 'hukou_item_change', name: '王芳', phone: '13912345678', materialsConfirmed: true, ...body });

describe('slots', () => {
  it('lists days and slots with +08:00 offsets and the walk-in share taken off', async () => {
    const res = await request(server).get('/api/rooms/HPL/slots?service=hukou_item_change&days=7');
    expect(res.status).toBe(200);
    expect(res.body.days.length).toBeGreaterThan(0);
    const slot = res.body.data[0];
    expect(slot.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+08:00$/);
    // capacity 3 with share 0.34 keeps 1 seat for walk-ins: 2 online
    expect(slot.capacity).toBe(2);
    expect(res.body.service.materials.length).toBeGreaterThan(0);
  });

  it('rejects an unknown service, an unknown room, a past date and too far ahead', async () => {
    expect((await request(server).get('/api/rooms/HPL/slots?service=teleport')).body.error.code).toBe('service_not_found');
    expect((await request(server).get('/api/rooms/NOPE/slots?service=hukou_item_change')).status).toBe(404);
    const past = (await request(server).get('/api/rooms/HPL/slots?service=hukou_item_change&date=2020-01-01')).body.error;
    expect(past.code).toBe('date_in_past');
    expect(past.message).toMatch(/今天以前/);
    const far = DateTime.now().setZone(ZONE).plus({ days: 60 }).toISODate();
    expect((await request(server).get(`/api/rooms/HPL/slots?service=hukou_item_change&date=${far}`)).body.error.code).toBe('too_far_ahead');
    expect((await request(server).get('/api/rooms/HPL/slots')).body.error.code).toBe('validation_failed');
  });
});

describe('booking validation (Chinese messages)', () => {
  it('refuses bad input with clear messages', async () => {
    const [slot] = await firstSlots();
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ start: slot.start, phone: '12345' }, 400, 'validation_failed', /手机号格式不正确/],
      [{ start: slot.start, phone: '10912345678' }, 400, 'validation_failed', /手机号/],
      [{ start: slot.start, name: '王'.repeat(21) }, 400, 'validation_failed', /20/],
      [{ start: slot.start, name: '   ' }, 400, 'validation_failed', /name/],
      [{ start: slot.start, service: 'teleport' }, 400, 'service_not_found', /未知的办理事项/],
      [{ start: slot.start, room: 'NOPE' }, 404, 'room_not_found', /警务室/],
      [{ start: slot.start, materialsConfirmed: false }, 400, 'materials_not_confirmed', /材料/],
      [{ start: '2020-01-06T09:00:00+08:00' }, 400, 'slot_in_past', /已过/],
      [{ start: slot.start.replace(/:00\+08:00$/, ':10+08:00') }, 400, 'slot_not_on_grid', /不是可预约的时段/],
      [{ start: 'next tuesday 9am' }, 400, 'validation_failed', /ISO 8601/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await book(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('refuses a closed day (holiday) and a day too far ahead', async () => {
    // Days the holiday calendar says nothing about (a 调休 Sunday is a working day; a holiday
    // week closes weekdays), so the test holds whatever today's date is.
    const today = DateTime.now().setZone(ZONE).startOf('day');
    const calendar = await request(server).get(`/api/holidays?from=${today.toISODate()}&to=${today.plus({ days: 60 }).toISODate()}`);
    expect(calendar.status).toBe(200);
    const special = new Set((calendar.body.data as Array<{ date: string }>).map((e) => e.date));
    const ordinary = (from: DateTime, wanted: (d: DateTime) => boolean) => {
      let d = from;
      while (!wanted(d) || special.has(d.toISODate()!)) d = d.plus({ days: 1 });
      return d;
    };
    // A Sunday is closed in this schedule.
    const sunday = ordinary(today.plus({ days: 2 }), (d) => d.weekday === 7);
    const closed = await book({ start: sunday.set({ hour: 9 }).toISO() });
    expect(closed.body.error.code).toBe('closed_day');
    expect(closed.body.error.message).toMatch(/不办公/);
    // A room closure entered through the calendar API closes that day too.
    const admin = await createOfficer({ username: 'appt-admin', role: 'admin' });
    const { agent, csrf } = await login(built.app, admin.username, admin.password);
    const day = ordinary(today.plus({ days: 3 }), (d) => d.weekday <= 5);
    const put = await agent.post('/api/holidays').set('X-CSRF-Token', csrf).send({ room: 'HPL', date: day.toISODate(), kind: 'closure', name: '民警集中培训' });
    expect(put.status).toBe(201);
    expect((await book({ start: day.set({ hour: 9 }).toISO() })).body.error.code).toBe('closed_day');
    const slots = await request(server).get(`/api/rooms/HPL/slots?service=hukou_item_change&date=${day.toISODate()}`);
    expect(slots.body.days[0]).toMatchObject({ open: false });
    expect(slots.body.data).toHaveLength(0);
    const list = await request(server).get(`/api/holidays?from=2026-01-01&to=2026-12-31`);
    expect(list.body.data.some((e: { name: string; kind: string }) => e.name === '春节调休上班' && e.kind === 'workday')).toBe(true);
    await agent.delete(`/api/holidays/${put.body.entry.id}`).set('X-CSRF-Token', csrf).expect(204);
    const far = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 20 });
    expect((await book({ start: far.set({ hour: 9 }).toISO() })).body.error.code).toMatch(/too_far_ahead|closed_day/);
  });
});

describe('a resident books, looks up, reschedules and cancels', () => {
  it('works end to end over the API, with .ics and status text', async () => {
    const [a, b] = await firstSlots();
    const created = await book({ start: a.start, phone: '139 1234 5678' });
    expect(created.status).toBe(201);
    const code = created.body.code as string;
    expect(code).toMatch(/^Y[23456789A-HJ-NP-Z]{7}$/);
    expect(created.body).toMatchObject({ start: a.start, status: 'booked', phone: '139****5678', room: { code: 'HPL' } });
    expect(created.body.materials.length).toBeGreaterThan(0);

    // Look-up needs the mobile number; a wrong one says nothing.
    expect((await request(server).get(`/api/appointments/${code}?phone=13912345678`)).body.code).toBe(code);
    expect((await request(server).get(`/api/appointments/${code}?phone=13900000000`)).status).toBe(404);
    expect((await request(server).get(`/api/appointments/${code}`)).status).toBe(400);

    // Status text for the chat: no name, no phone.
    const text = await appointmentStatusText(code.toLowerCase());
    expect(text).toContain('已预约');
    expect(text).not.toContain('王芳');
    expect(text).not.toContain('5678');
    expect(await appointmentStatusText('YZZZZZZZ')).toBeNull();

    // The .ics needs only the code and carries no personal data; DTSTART in UTC matches the slot.
    const ics = await request(server).get(`/api/appointments/${code}.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    const body = ics.text.replace(/\r\n[ \t]/g, '');
    expect(body).toMatch(/BEGIN:VEVENT[\s\S]*END:VEVENT/);
    const dtstart = /DTSTART:(\d{8}T\d{6}Z)/.exec(body)![1];
    expect(DateTime.fromFormat(dtstart, "yyyyMMdd'T'HHmmss'Z'", { zone: 'utc' }).toMillis()).toBe(DateTime.fromISO(a.start).toMillis());
    const dtend = /DTEND:(\d{8}T\d{6}Z)/.exec(body)![1];
    expect(DateTime.fromFormat(dtend, "yyyyMMdd'T'HHmmss'Z'", { zone: 'utc' }).toMillis()).toBe(DateTime.fromISO(a.end).toMillis());
    expect(body).not.toContain('王芳');
    expect(body).not.toContain('13912345678');
    expect(body).toContain(code);

    // Reschedule: the new seat is taken first, then the old one freed.
    const moved = await request(server).post(`/api/appointments/${code}/reschedule`).send({ phone: '13912345678', start: b.start });
    expect(moved.status).toBe(200);
    expect(moved.body.start).toBe(b.start);
    const seats = await SeatModel.find({ code }).lean();
    expect(seats.map((s) => s.slotStart.getTime())).toEqual([DateTime.fromISO(b.start).toMillis()]);
    expect((await request(server).post(`/api/appointments/${code}/reschedule`).send({ phone: '13912345678', start: b.start })).body.error.code).toBe('same_slot');

    // Cancel frees the seat and the token; the appointment keeps its history.
    const cancelled = await request(server).post(`/api/appointments/${code}/cancel`).send({ phone: '13912345678' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await SeatModel.countDocuments({ code })).toBe(0);
    expect(await BookingTokenModel.countDocuments({ code })).toBe(0);
    expect((await request(server).post(`/api/appointments/${code}/cancel`).send({ phone: '13912345678' })).status).toBe(409);
    expect(await AppointmentModel.countDocuments({ _id: code })).toBe(1);
  });

  it('closes cancellation shortly before the slot (configurable)', async () => {
    const strict = buildTestApp({ APPOINTMENT_CANCEL_CLOSES_MINUTES: '10080' });
    const [slot] = await firstSlots();
    const created = await book({ start: slot.start, phone: mobile(777) });
    const res = await request(strict.app.callback()).post(`/api/appointments/${created.body.code}/cancel`).send({ phone: mobile(777) });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('cancel_closed');
  });
});

describe('officers run the day', () => {
  it('day view, check-in, notes, complete (hook), no-show, walk-ins using the same capacity', async () => {
    await rig.db.clear();
    await seedAll({ demo: true });
    await setSchedule('HPL', { capacity: 2, walkInShare: 0.5, bookingOpensDays: 14, bookingClosesMinutes: 0 });
    const zw = await createOfficer({ username: 'zw-appt', rooms: ['HPL'], district: 'XH' });
    const other = await createOfficer({ username: 'ws-appt', rooms: ['LSC'], district: 'XH' });
    const { agent, csrf } = await login(built.app, zw.username, zw.password);
    const { agent: otherAgent, csrf: otherCsrf } = await login(built.app, other.username, other.password);

    const [slot] = await firstSlots();
    const date = DateTime.fromISO(slot.start).setZone(ZONE).toISODate();
    const created = await book({ start: slot.start, phone: mobile(1), name: '赵六' });
    expect(created.status).toBe(201);
    const code = created.body.code;

    // Public cannot see the day; another room's officer is refused.
    expect((await request(server).get(`/api/rooms/HPL/day?date=${date}`)).status).toBe(401);
    expect((await otherAgent.get(`/api/rooms/HPL/day?date=${date}`)).status).toBe(403);
    expect((await otherAgent.post(`/api/appointments/${code}/check-in`).set('X-CSRF-Token', otherCsrf)).status).toBe(403);

    const day = await agent.get(`/api/rooms/HPL/day?date=${date}`);
    expect(day.status).toBe(200);
    const row = day.body.slots.find((s: { start: string }) => s.start === slot.start);
    expect(row).toMatchObject({ capacity: 2, held: 1 });
    expect(row.appointments[0]).toMatchObject({ code, name: '赵六', phone: mobile(1), status: 'booked' });

    // Online the slot is now full (1 of 2 seats is kept for walk-ins) …
    expect((await book({ start: slot.start, phone: mobile(2) })).body.error.code).toBe('slot_full');
    // … but a walk-in entry takes the reserved seat, and then the slot is really full.
    const walkIn = await agent.post('/api/rooms/HPL/walk-ins').set('X-CSRF-Token', csrf).send({ service: 'hukou_item_change', name: '现场群众', start: slot.start });
    expect(walkIn.status).toBe(201);
    expect(walkIn.body.appointment).toMatchObject({ walkIn: true, status: 'checked_in' });
    const again = await agent.post('/api/rooms/HPL/walk-ins').set('X-CSRF-Token', csrf).send({ service: 'hukou_item_change', start: slot.start });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('slot_full');
    expect(await SeatModel.countDocuments({ slotStart: DateTime.fromISO(slot.start).toJSDate() })).toBe(2);

    // CSRF is required for state changes.
    expect((await agent.post(`/api/appointments/${code}/check-in`)).status).toBe(403);
    const checkIn = await agent.post(`/api/appointments/${code}/check-in`).set('X-CSRF-Token', csrf);
    expect(checkIn.body.appointment.status).toBe('checked_in');
    expect((await agent.post(`/api/appointments/${code}/check-in`).set('X-CSRF-Token', csrf)).status).toBe(409);
    const note = await agent.post(`/api/appointments/${code}/notes`).set('X-CSRF-Token', csrf).send({ text: '材料缺结婚证复印件，已告知' });
    expect(note.status).toBe(201);

    const events: AppointmentCompletedEvent[] = [];
    const off = onAppointmentCompleted((e) => {
      events.push(e);
    });
    const completes = await Promise.all([1, 2, 3].map(() => agent.post(`/api/appointments/${code}/complete`).set('X-CSRF-Token', csrf)));
    off();
    expect(completes.filter((r) => r.status === 200)).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ code, room: 'HPL', service: 'hukou_item_change' });

    const after = await agent.get(`/api/rooms/HPL/day?date=${date}`);
    const appts = after.body.slots.find((s: { start: string }) => s.start === slot.start).appointments;
    expect(appts.find((a: { code: string }) => a.code === code)).toMatchObject({ status: 'completed', notes: [{ text: '材料缺结婚证复印件，已告知' }] });
    expect(await BookingTokenModel.countDocuments({ code })).toBe(0);

    // No-show only once the slot has started.
    const [later] = (await firstSlots('hukou_item_change', 5)).slice(-1);
    const b2 = await book({ start: later.start, phone: mobile(3) });
    const early = await agent.post(`/api/appointments/${b2.body.code}/no-show`).set('X-CSRF-Token', csrf);
    expect(early.body.error.code).toBe('too_early');
  });

  it('three no-shows in six months block booking for a while', async () => {
    const phone = mobile(42);
    const now = new Date();
    for (let i = 0; i < 3; i++) await NoShowModel.create({ _id: `YNOSHOW${i}`, phone, at: new Date(now.getTime() - (i + 1) * 86_400_000) });
    const [slot] = await firstSlots();
    const res = await book({ start: slot.start, phone });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('booking_blocked');
    expect(res.body.error.message).toMatch(/多次预约未到/);
  });

  it('schedule editing: officers of the room only; validation of breaks and service slot lengths', async () => {
    const zw = await createOfficer({ username: 'zw-sched', rooms: ['HPL'], district: 'XH' });
    const { agent, csrf } = await login(built.app, zw.username, zw.password);
    const got = await agent.get('/api/rooms/HPL/schedule');
    expect(got.status).toBe(200);
    const schedule = { ...got.body.schedule, capacity: 5, services: [{ service: 'residence_permit', weekdays: [2, 4], slotMinutes: 60 }] };
    delete schedule.stored;
    const put = await agent.put('/api/rooms/HPL/schedule').set('X-CSRF-Token', csrf).send(schedule);
    expect(put.status).toBe(200);
    expect(put.body.schedule).toMatchObject({ capacity: 5 });
    const bad = await agent
      .put('/api/rooms/HPL/schedule')
      .set('X-CSRF-Token', csrf)
      .send({ ...schedule, services: [{ service: 'residence_permit', slotMinutes: 45 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/整数倍/);
    expect((await agent.put('/api/rooms/LSC/schedule').set('X-CSRF-Token', csrf).send(schedule)).status).toBe(403);
    const permit = await request(server).get('/api/rooms/HPL/slots?service=residence_permit&days=7');
    for (const s of permit.body.data as Slot[]) {
      expect([2, 4]).toContain(DateTime.fromISO(s.start).setZone(ZONE).weekday);
      expect(DateTime.fromISO(s.end).diff(DateTime.fromISO(s.start), 'minutes').minutes).toBe(60);
    }
  });
});

describe('reminders query', () => {
  it('returns booked appointments in a window with the reply address of chat bookings', async () => {
    await rig.db.clear();
    await seedAll({ demo: true });
    await setSchedule('HPL', { capacity: 2, walkInShare: 0 });
    const [slot] = await firstSlots();
    const created = await book({ start: slot.start, phone: mobile(9) });
    await AppointmentModel.updateOne({ _id: created.body.code }, { $set: { origin: { channel: 'wechat', conversationId: 'wxid_abc', isGroup: false } } });
    const start = DateTime.fromISO(slot.start).toJSDate();
    const due = await appointmentsStartingBetween(new Date(start.getTime() - 1000), new Date(start.getTime() + 1000));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ code: created.body.code, room: 'HPL', roomName: '和平里社区警务室', serviceName: '户口一般项目变更', replyTo: { channel: 'wechat', conversationId: 'wxid_abc', isGroup: false } });
    expect(due[0]).not.toHaveProperty('phone');
  });
});
