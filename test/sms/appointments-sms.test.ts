import request from 'supertest';
import { DateTime } from 'luxon';
import { createApp } from '../../src/http/app';
import { createScheduler, messageJobs } from '../../src/jobs';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { mobile, setSchedule, ZONE } from '../appointments/helpers';

const SECRET = 'webhook-secret-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET });
});
afterAll(async () => {
  await gateway.stop();
  await db.stop();
});
beforeEach(async () => {
  await db.clear();
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 14, bookingClosesMinutes: 0 });
  gateway.clear();
});

const smsEnv = { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: '', SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' };
function setup(extra: Record<string, string> = {}) {
  const config = testConfig({ ...smsEnv, SMS_WEBHOOK_URL: `${gateway.url}/webhook`, ...extra });
  const app = createApp({ config, logger: testLogger() });
  const settings = smsSettings(config);
  const provider = createSmsProvider(settings);
  const sender = provider ? createSmsSender({ settings, provider, logger: testLogger(), senderId: 'web-1' }) : null;
  const agent = request(app.callback());
  const slots = async () => (await agent.get('/api/rooms/HPL/slots?service=hukou_item_change')).body.data.filter((s: { remaining: number }) => s.remaining > 0);
  const book = (body: Record<string, unknown>) =>
    agent.post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', name: '王芳', materialsConfirmed: true, ...body });
  const codeFor = async (phone: string, purpose: 'booking' | 'manage') => {
    expect((await agent.post('/api/verification-codes').send({ phone, purpose })).status).toBe(202);
    await sender!.tick();
    return gateway.lastCode(phone);
  };
  return { app, config, agent, sender, slots, book, codeFor };
}

describe('bookings when SMS is on', () => {
  it('a booking without a code is refused; with the code texted to the number it is booked, verified, and confirmed by SMS', async () => {
    const s = setup();
    const [slot] = await s.slots();
    const refused = await s.book({ start: slot.start, phone: mobile(1) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('verification_required');
    expect(refused.body.error.message).toMatch(/^请先获取短信验证码/);
    expect(await AppointmentModel.countDocuments()).toBe(0);

    const code = await s.codeFor(mobile(1), 'booking');
    const booked = await s.book({ start: slot.start, phone: mobile(1), verificationCode: code });
    expect(booked.status).toBe(201);
    expect(await AppointmentModel.findById(booked.body.code).lean()).toMatchObject({ verified: true });

    // The same code cannot book a second seat.
    const again = await s.book({ start: slot.start, phone: mobile(1), verificationCode: code });
    expect(again.body.error.code).toBe('verification_used');

    // The confirmation: booking code, the room's address, the materials.
    await s.sender!.tick();
    const confirmation = gateway.to(mobile(1)).find((m) => m.purpose === 'booking')!;
    expect(confirmation.params.code).toBe(booked.body.code);
    expect(confirmation.text).toContain(`预约受理号${booked.body.code}`);
    expect(confirmation.text).toContain(`地址：${booked.body.room.address}`);
    expect(confirmation.text).toContain('请携带：');

    // Officers see on the day page that the number was verified.
    const officer = await createOfficer({ username: 'zw-sms', rooms: ['HPL'], district: 'XH' });
    const { agent } = await login(s.app, officer.username, officer.password);
    const date = DateTime.fromISO(slot.start).setZone(ZONE).toISODate();
    const day = await agent.get(`/api/rooms/HPL/day?date=${date}`);
    const row = day.body.slots.find((x: { start: string }) => x.start === slot.start);
    expect(row.appointments[0]).toMatchObject({ code: booked.body.code, verified: true });
  });

  it('a wrong code books nothing and a booking that fails (slot gone) keeps the code good', async () => {
    const s = setup();
    const [slot] = await s.slots();
    const code = await s.codeFor(mobile(2), 'booking');
    const wrong = await s.book({ start: slot.start, phone: mobile(2), verificationCode: code === '000000' ? '111111' : '000000' });
    expect(wrong.body.error.code).toBe('verification_wrong');
    const badSlot = await s.book({ start: '2020-01-01T09:00:00+08:00', phone: mobile(2), verificationCode: code });
    expect(badSlot.status).toBeGreaterThanOrEqual(400);
    expect(badSlot.body.error.code).not.toMatch(/^verification_/);
    const ok = await s.book({ start: slot.start, phone: mobile(2), verificationCode: code });
    expect(ok.status).toBe(201);
  });

  it('look-up, cancel and reschedule by phone need a fresh "manage" code; a number without bookings gets the same answer and no text', async () => {
    const s = setup();
    const [slot] = await s.slots();
    const booked = await s.book({ start: slot.start, phone: mobile(3), verificationCode: await s.codeFor(mobile(3), 'booking') });
    expect(booked.status).toBe(201);

    const bare = await s.agent.get(`/api/appointments/${booked.body.code}?phone=${mobile(3)}`);
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('verification_required');
    expect((await s.agent.post(`/api/appointments/${booked.body.code}/cancel`).send({ phone: mobile(3) })).body.error.code).toBe('verification_required');

    const manage = await s.codeFor(mobile(3), 'manage');
    const grant = await s.agent.post('/api/verification-codes/check').send({ phone: mobile(3), purpose: 'manage', code: manage });
    const token = grant.body.verificationToken;
    const found = await s.agent.get(`/api/appointments/${booked.body.code}?phone=${mobile(3)}&verificationToken=${token}`);
    expect(found.status).toBe(200);
    // The token belongs to its number only.
    expect((await s.agent.get(`/api/appointments/${booked.body.code}?phone=${mobile(4)}&verificationToken=${token}`)).body.error.code).toBe('verification_required');
    const cancelled = await s.agent.post(`/api/appointments/${booked.body.code}/cancel`).send({ phone: mobile(3), verificationToken: token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');

    // No bookings on this number: the same 202, but nothing is texted.
    const before = gateway.sent.length;
    const stranger = await s.agent.post('/api/verification-codes').send({ phone: mobile(9), purpose: 'manage' });
    expect(stranger.status).toBe(202);
    await s.sender!.tick();
    expect(gateway.sent.length).toBe(before);
  });
});

describe('guards with or without SMS', () => {
  it('a flood of bookings from one address is stopped (SMS off)', async () => {
    const s = setup({ SMS_PROVIDER: '', APPOINTMENT_RATE_BOOK_PER_IP_PER_HOUR: '5' });
    const slots = await s.slots();
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await s.book({ start: slots[i % slots.length].start, phone: mobile(100 + i) }));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(15);
    expect(refused[0].body.error.message).toMatch(/^操作太频繁/);
    expect(await AppointmentModel.countDocuments()).toBe(5);
  });

  it('look-ups by one number and .ics downloads from one address are limited', async () => {
    const s = setup({ SMS_PROVIDER: '', APPOINTMENT_RATE_MANAGE_PER_PHONE_PER_HOUR: '3', APPOINTMENT_RATE_ICS_PER_IP_PER_10MIN: '2' });
    const [slot] = await s.slots();
    const booked = await s.book({ start: slot.start, phone: mobile(5) });
    const codes = ['YAAAAAA', 'YBBBBBB', 'YCCCCCC', booked.body.code];
    const statuses = [];
    for (const c of codes) statuses.push((await s.agent.get(`/api/appointments/${c}?phone=${mobile(5)}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const ics = [];
    for (let i = 0; i < 3; i++) ics.push((await s.agent.get(`/api/appointments/${booked.body.code}.ics`)).status);
    expect(ics).toEqual([200, 200, 429]);
  });
});

describe('evening-before reminder for web bookings', () => {
  it('is texted once per booking, with two instances running the scheduler', async () => {
    const s = setup();
    const slots = await s.slots();
    // A slot on a day after today; the reminder runs at 19:00 the evening before.
    const slot = slots.find((x: { start: string }) => DateTime.fromISO(x.start).setZone(ZONE).startOf('day') > DateTime.now().setZone(ZONE).startOf('day'))!;
    const booked = await s.book({ start: slot.start, phone: mobile(6), verificationCode: await s.codeFor(mobile(6), 'booking') });
    expect(booked.status).toBe(201);
    const evening = DateTime.fromISO(slot.start).setZone(ZONE).minus({ days: 1 }).set({ hour: 19, minute: 0, second: 30 }).toJSDate();
    const config = testConfig({ ...smsEnv, SMS_WEBHOOK_URL: `${gateway.url}/webhook` });
    const now = () => evening;
    const a = createScheduler({ jobs: messageJobs(), config, logger: testLogger(), now, instanceId: 'a' });
    const b = createScheduler({ jobs: messageJobs(), config, logger: testLogger(), now, instanceId: 'b' });
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    const settings = smsSettings(config);
    const senders = ['x', 'y'].map((id) => createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: id, now }));
    await Promise.all(senders.map((x) => x.tick()));
    const reminders = gateway.to(mobile(6)).filter((m) => m.purpose === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0].text).toContain(booked.body.code);
    expect(await OutboxModel.countDocuments({ channel: 'sms', purpose: 'reminder' })).toBe(1);
  });
});
