import type { Server } from 'node:http';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AppointmentModel, SeatModel, ServiceSeatModel } from '../../src/modules/appointments/appointment.model';
import { ItemModel } from '../../src/modules/items/item.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { mobile, setSchedule } from '../appointments/helpers';

/**
 * 约访 (talk_with_officer): booked through the same engine as the 21 services, on a real
 * FerretDB through the HTTP API: a leader on the talk day only, a topic required, capacity
 * never exceeded, the officers' day view, and 转为事项 with a code the resident looks up.
 */
jest.setTimeout(300_000);

const built = buildTestApp();
let rig: DemoServer;
let server: Server;

interface Slot {
  start: string;
  remaining: number;
  capacity: number;
}
interface Day {
  date: string;
  slots: Slot[];
}

beforeAll(async () => {
  rig = await startDemoServer(built.app);
  server = rig.server;
  await createOfficer({ username: 'hpl-visits', rooms: ['HPL'], name: '李警官' });
  await createOfficer({ username: 'other-visits', rooms: ['LSC'], name: '外室民警' });
});
afterAll(() => rig?.stop());

async function talkDays(): Promise<{ days: Day[]; leaderDays: string[] }> {
  const res = await request(server).get('/api/rooms/HPL/slots?service=talk_with_officer&days=62');
  expect(res.status).toBe(200);
  expect(res.body.service).toMatchObject({ key: 'talk_with_officer', name: '约访民警' });
  return { days: res.body.days, leaderDays: res.body.leaderDays };
}

const book = (body: Record<string, unknown>) =>
  request(server)
    .post('/api/appointments')
    .send({ room: 'HPL', service: 'talk_with_officer', name: '王芳', phone: '13912345678', materialsConfirmed: true, topic: '楼道堆放杂物，想当面反映', ...body });

describe('booking a 约访', () => {
  beforeAll(() => setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 62 }));

  it('books a 约访 with a leader on the talk day (the 18th or the working day the room moves it to), and only then', async () => {
    const { days, leaderDays } = await talkDays();
    expect(leaderDays.length).toBeGreaterThan(0);
    for (const d of leaderDays) expect(Number(d.slice(8))).toBeGreaterThanOrEqual(18);
    const talkDay = days.find((d) => d.date === leaderDays[0] && d.slots.some((s) => s.remaining > 0))!;
    expect(talkDay).toBeDefined();
    const slot = talkDay.slots.find((s) => s.remaining > 0)!;

    const res = await book({ start: slot.start, talkWith: 'leader', phone: mobile(1) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ service: 'talk_with_officer', topic: '楼道堆放杂物，想当面反映', talkWith: 'leader', status: 'booked' });
    expect(res.body.serviceName).toMatch(/所领导/);
    expect(res.body.start.slice(0, 10)).toBe(talkDay.date);

    // The engine's .ics and the resident's look-up work for it as for any booking.
    const ics = await request(server).get(`/api/appointments/${res.body.code}.ics`);
    expect(ics.status).toBe(200);
    expect(ics.text).toMatch(/BEGIN:VEVENT/);
    expect(ics.text).toMatch(/约访民警/);
    const look = await request(server).get(`/api/appointments/${res.body.code}?phone=${mobile(1)}`);
    expect(look.body).toMatchObject({ code: res.body.code, topic: '楼道堆放杂物，想当面反映' });

    // Another day is not a leader's day: a clear 400, nothing stored.
    const other = days.find((d) => !leaderDays.includes(d.date) && d.slots.some((s) => s.remaining > 0))!;
    const before = await AppointmentModel.countDocuments();
    const refused = await book({ start: other.slots.find((s) => s.remaining > 0)!.start, talkWith: 'leader', phone: mobile(2) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('leader_only_on_talk_day');
    expect(refused.body.error.message).toMatch(/^所领导只在每月警民恳谈日/);
    expect(await AppointmentModel.countDocuments()).toBe(before);

    // Nor can the leader's 约访 be moved to another day: the booking stays on the talk day.
    const moved = await request(server).post(`/api/appointments/${res.body.code}/reschedule`).send({ phone: mobile(1), start: other.slots.find((s) => s.remaining > 0)!.start });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('leader_only_on_talk_day');
    expect((await AppointmentModel.findOne({ code: res.body.code }).lean())!.start.toISOString()).toBe(new Date(res.body.start).toISOString());

    // With the room's officer, any open day.
    const withOfficer = await book({ start: other.slots.find((s) => s.remaining > 0)!.start, phone: mobile(3) });
    expect(withOfficer.status).toBe(201);
    expect(withOfficer.body).toMatchObject({ talkWith: 'officer', serviceName: '约访民警' });
  });

  it('refuses a 约访 without a topic, and hostile input, with the stable error shape in Chinese first', async () => {
    const { days } = await talkDays();
    const slot = days.flatMap((d) => d.slots).find((s) => s.remaining > 0)!;
    const before = await AppointmentModel.countDocuments();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ start: slot.start, topic: undefined }, 'topic_required', /^请填写约访事由/],
      [{ start: slot.start, topic: '   ' }, 'validation_failed', /topic/],
      [{ start: slot.start, topic: '谈'.repeat(201) }, 'validation_failed', /topic/],
      [{ start: slot.start, talkWith: 'mayor' }, 'validation_failed', /talkWith/],
      [{ start: slot.start, topic: { $gt: '' } }, 'validation_failed', /topic/],
    ];
    for (const [body, code, message] of cases) {
      const res = await book({ phone: mobile(9), ...body });
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code });
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(await AppointmentModel.countDocuments()).toBe(before);
  });
});

describe('capacity (the engine\'s unique-insert seats)', () => {
  it('100 simultaneous requests for a 约访 slot with 3 seats book exactly 3, set by the room\'s per-service rule', async () => {
    await setSchedule('HPL', { capacity: 10, walkInShare: 0, bookingOpensDays: 62 });
    // The room's officer sets 约访 to 3 per slot through the schedule editor's per-service rules.
    const { agent, csrf } = await login(built.app, 'hpl-visits');
    const current = (await agent.get('/api/rooms/HPL/schedule')).body.schedule;
    const put = await agent
      .put('/api/rooms/HPL/schedule')
      .set('X-CSRF-Token', csrf)
      .send({ ...current, services: [{ service: 'talk_with_officer', capacity: 3 }] });
    expect(put.status).toBe(200);
    expect(put.body.schedule.services).toEqual([expect.objectContaining({ service: 'talk_with_officer', capacity: 3 })]);

    const { days } = await talkDays();
    const target = days.flatMap((d) => d.slots).filter((s) => s.remaining === 3)[5];
    expect(target).toMatchObject({ capacity: 3, remaining: 3 });

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => book({ start: target.start, name: `居民${i}`, phone: mobile(100 + i), topic: `第${i}个想谈的事` })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(97);
    for (const r of refused) expect(r.body.error.code).toBe('slot_full');

    const at = DateTime.fromISO(target.start).toJSDate();
    expect(await AppointmentModel.countDocuments({ room: 'HPL', start: at, status: 'booked', service: 'talk_with_officer' })).toBe(3);
    expect(await ServiceSeatModel.countDocuments({ room: 'HPL', service: 'talk_with_officer', slotStart: at })).toBe(3);
    expect(await SeatModel.countDocuments({ room: 'HPL', slotStart: at })).toBe(3);
    const after = (await talkDays()).days.flatMap((d) => d.slots).find((s) => s.start === target.start)!;
    expect(after.remaining).toBe(0);

    // Cancel frees a seat for exactly one more.
    const one = created[0].body;
    const owner = await AppointmentModel.findById(one.code).lean();
    expect((await request(server).post(`/api/appointments/${one.code}/cancel`).send({ phone: owner!.phone })).status).toBe(200);
    const again = await Promise.all([0, 1, 2].map((i) => book({ start: target.start, phone: mobile(300 + i) })));
    expect(again.filter((r) => r.status === 201)).toHaveLength(1);
  });
});

describe('the officers\' day and 转为事项', () => {
  it('shows the 约访 and its topic on the day page; what was said becomes one item whose code the resident looks up', async () => {
    await setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 62 });
    const { days } = await talkDays();
    const slot = days.flatMap((d) => d.slots).filter((s) => s.remaining > 0)[3];
    const booked = await book({ start: slot.start, phone: mobile(500), topic: '邻居半夜噪音' });
    expect(booked.status).toBe(201);
    const code = booked.body.code as string;

    const { agent, csrf } = await login(built.app, 'hpl-visits');
    const day = await agent.get(`/api/rooms/HPL/day?date=${slot.start.slice(0, 10)}`);
    expect(day.status).toBe(200);
    const mine = day.body.slots.flatMap((s: { appointments: unknown[] }) => s.appointments).find((a: { code: string }) => a.code === code);
    expect(mine).toMatchObject({ service: 'talk_with_officer', topic: '邻居半夜噪音', itemCode: null, name: '王芳' });

    // Another room's officer may not.
    const other = await login(built.app, 'other-visits');
    const foreign = await other.agent.post(`/api/appointments/${code}/to-item`).set('X-CSRF-Token', other.csrf).send({ text: '谈了' });
    expect(foreign.status).toBe(403);
    // Empty text: a 400, nothing made.
    const empty = await agent.post(`/api/appointments/${code}/to-item`).set('X-CSRF-Token', csrf).send({ text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('validation_failed');

    const items = await ItemModel.countDocuments();
    const twice = await Promise.all([0, 1].map(() => agent.post(`/api/appointments/${code}/to-item`).set('X-CSRF-Token', csrf).send({ text: '楼上住户每晚十二点后剁东西，已约双方周六调解', kind: 'dispute' })));
    const ok = twice.filter((r) => r.status === 201 || r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.filter((r) => r.body.created)).toHaveLength(1);
    const itemCode = ok[0].body.itemCode as string;
    expect(itemCode).toMatch(/^S[0-9A-Z]{7}$/);
    expect(await ItemModel.countDocuments()).toBe(items + 1);
    const item = await ItemModel.findOne({ code: itemCode }).lean();
    expect(item).toMatchObject({ room: 'HPL', kind: 'dispute', labels: ['约访'] });
    // Pressing again gives the same item.
    const third = await agent.post(`/api/appointments/${code}/to-item`).set('X-CSRF-Token', csrf).send({ text: '再按一次' });
    expect(third.body).toMatchObject({ itemCode, created: false });

    // The resident follows it on the status page: by the item code, and from the booking number.
    const byItem = await request(server).post('/api/status').send({ code: itemCode });
    expect(byItem.status).toBe(200);
    expect(byItem.body.status).toMatchObject({ kind: 'item', code: itemCode, state: '待处理' });
    const byBooking = await request(server).post('/api/status').send({ code });
    expect(byBooking.body.status.facts).toEqual(expect.arrayContaining([{ label: '已转为事项', value: expect.stringContaining(itemCode) }]));

    const dayAfter = await agent.get(`/api/rooms/HPL/day?date=${slot.start.slice(0, 10)}`);
    const again = dayAfter.body.slots.flatMap((s: { appointments: unknown[] }) => s.appointments).find((a: { code: string }) => a.code === code);
    expect(again.itemCode).toBe(itemCode);

    // A cancelled booking does not.
    const cancelled = await book({ start: slot.start, phone: mobile(601), topic: '取消的' });
    await request(server).post(`/api/appointments/${cancelled.body.code}/cancel`).send({ phone: mobile(601) });
    const refused = await agent.post(`/api/appointments/${cancelled.body.code}/to-item`).set('X-CSRF-Token', csrf).send({ text: '谈了' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('visit_cancelled');
  });
});
