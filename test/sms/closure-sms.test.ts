import request from 'supertest';
import { DateTime } from 'luxon';
import { createApp } from '../../src/http/app';
import { AppointmentModel, SeatModel } from '../../src/modules/appointments/appointment.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { mobile, setSchedule, ZONE } from '../appointments/helpers';
import { createAppointment } from '../jobs/helpers';

jest.setTimeout(120_000);

/**
 * The room closes a day (or hours of it) that has bookings: each booking outside the remaining
 * hours is cancelled and its resident texted once, whichever of two instances the officers use.
 */
const SECRET = 'webhook-secret-closure-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET });
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 14, bookingClosesMinutes: 0 });
});
afterAll(async () => {
  await gateway.stop();
  await db.stop();
});

it('a closed day cancels its bookings and texts each resident once; other days are untouched', async () => {
  // Residents booked while SMS was off (no codes); the room's officers run two instances with SMS on.
  const off = request(createApp({ config: testConfig({ SMS_PROVIDER: '' }), logger: testLogger() }).callback());
  const config = testConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' });
  const apps = [createApp({ config, logger: testLogger() }), createApp({ config, logger: testLogger() })];
  const officer = await createOfficer({ username: 'cl_zhao', rooms: ['HPL'], district: 'XH' });
  const sessions = [await login(apps[0], officer.username, officer.password), await login(apps[1], officer.username, officer.password)];

  // A working day at least two days ahead, and the next working day after it.
  let day = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 2 });
  while (day.weekday === 7) day = day.plus({ days: 1 });
  let other = day.plus({ days: 1 });
  while (other.weekday === 7) other = other.plus({ days: 1 });
  const at = (d: DateTime, hhmm: string) => d.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3)) }).toISO({ suppressMilliseconds: true });
  const book = async (start: string, phone: string) => {
    const res = await off.post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', name: '王芳', materialsConfirmed: true, start, phone });
    expect(res.status).toBe(201);
    return res.body.code as string;
  };
  const early = await book(at(day, '09:00')!, mobile(41));
  const later = await book(at(day, '09:30')!, mobile(42));
  const afternoon = await book(at(day, '14:00')!, mobile(43));
  const otherDay = await book(at(other, '09:00')!, mobile(44));

  const close = (n: 0 | 1, body: object) => sessions[n].agent.post('/api/holidays').set('X-CSRF-Token', sessions[n].csrf).send({ room: 'HPL', date: day.toISODate(), kind: 'closure', name: '民警集中培训', ...body });

  // The morning 09:00–10:00 first: only the two bookings inside it.
  const morning = await close(0, { startTime: '09:00', endTime: '10:00' });
  expect(morning.status).toBe(201);
  expect(morning.body.cancelledAppointments.sort()).toEqual([early, later].sort());
  // Then the whole day, from the other instance: the afternoon booking too, the others not again.
  const whole = await close(1, {});
  expect(whole.body.cancelledAppointments).toEqual([afternoon]);
  expect((await close(0, {})).body.cancelledAppointments).toEqual([]);

  for (const code of [early, later, afternoon]) {
    expect(await AppointmentModel.findById(code).lean()).toMatchObject({ status: 'cancelled', cancelledBy: 'officer' });
    expect(await SeatModel.countDocuments({ code })).toBe(0);
  }
  expect((await AppointmentModel.findById(otherDay).lean())!.status).toBe('booked');

  const settings = smsSettings(config);
  const senders = ['a', 'b'].map((id) => createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: `closure-${id}` }));
  await Promise.all(senders.map((s) => s.tick()));
  await Promise.all(senders.map((s) => s.tick()));
  const date = `${day.month}月${day.day}日`;
  for (const [phone, code] of [[mobile(41), early], [mobile(42), later], [mobile(43), afternoon]]) {
    const texts = gateway.to(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0].purpose).toBe('cancel');
    expect(texts[0].text).toContain(`${date}暂停办公`);
    expect(texts[0].text).toContain(`（预约受理号${code}）已取消，请另约时间`);
  }
  expect(gateway.to(mobile(44))).toHaveLength(0);
  expect(await OutboxModel.countDocuments({ channel: 'sms', purpose: 'cancel' })).toBe(3);
});

it('with SMS off, a resident who booked in a chat is told in that chat, once; a booking made at the counter page is not messaged', async () => {
  const app = createApp({ config: testConfig({ SMS_PROVIDER: '', QUIET_HOURS: '00:00-00:00' }), logger: testLogger() });
  const officer = await createOfficer({ username: 'cl_chat', rooms: ['HPL'], district: 'XH' });
  const { agent, csrf } = await login(app, officer.username, officer.password);
  let day = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 5 });
  while (day.weekday === 7) day = day.plus({ days: 1 });
  const code = await createAppointment({ room: 'HPL', start: day.set({ hour: 10 }).toJSDate(), conversationId: 'wx-closure-resident' });
  const counter = await createAppointment({ room: 'HPL', start: day.set({ hour: 11 }).toJSDate(), conversationId: null });
  const close = () => agent.post('/api/holidays').set('X-CSRF-Token', csrf).send({ room: 'HPL', date: day.toISODate(), kind: 'closure', name: '临时停止办公' });
  const res = await close();
  expect(res.status).toBe(201);
  expect(res.body.cancelledAppointments.sort()).toEqual([code, counter].sort());
  expect(await close().then((r) => r.body.cancelledAppointments)).toEqual([]);
  const told = await OutboxModel.find({ conversationId: 'wx-closure-resident' }).lean();
  expect(told).toHaveLength(1);
  expect(told[0]).toMatchObject({ channel: 'wechat', isGroup: false });
  expect(told[0].text).toContain(code);
  expect(told[0].text).toContain('已取消');
  expect(await OutboxModel.countDocuments({ text: { $regex: counter } })).toBe(0);
});
