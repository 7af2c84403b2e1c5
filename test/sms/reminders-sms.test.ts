import { createScheduler, messageJobs } from '../../src/jobs';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { mobile } from '../appointments/helpers';
import { sh } from '../jobs/helpers';

jest.setTimeout(120_000);

/**
 * Appointment reminders by SMS (issue #15): bookings made on the web (the booking page and the
 * web chat) with a number get the evening-before and the one-hour reminder as a text when SMS is
 * on, once each however many instances run the jobs and the SMS senders; WeChat bookers get
 * theirs in WeChat and no text; quiet hours hold a reminder until they end; SMS off, no text.
 */
const SECRET = 'webhook-secret-reminder-0123456789';
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
  gateway.clear();
});

const smsEnv = (extra: Record<string, string> = {}) => ({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00', ...extra });

let seq = 0;
/** A booked appointment as each road leaves it: the booking page (no origin), the web chat, WeChat. */
async function booking(how: 'page' | 'webchat' | 'wechat', phone: string, start: Date): Promise<string> {
  seq++;
  const code = `YRM${String(seq).padStart(5, '3')}`;
  await AppointmentModel.create({
    _id: code,
    code,
    room: 'HPL',
    service: 'id_card_renewal',
    serviceName: '身份证换领',
    start,
    end: new Date(start.getTime() + 30 * 60_000),
    status: 'booked',
    phone,
    name: '王芳',
    source: how === 'page' ? 'web' : 'bot',
    origin: how === 'page' ? null : { channel: how === 'webchat' ? 'web' : 'wechat', conversationId: `${how}-${seq}`, isGroup: false },
  });
  return code;
}

/** Two instances run the reminder jobs at `at`, then two SMS senders deliver. */
async function runAt(at: Date, env: Record<string, string>) {
  const config = testConfig(env);
  const now = () => at;
  const schedulers = ['a', 'b'].map((id) => createScheduler({ jobs: messageJobs(), config, logger: testLogger(), now, instanceId: id }));
  await Promise.all(schedulers.map((s) => s.tick()));
  await Promise.all(schedulers.map((s) => s.tick()));
  const settings = smsSettings(config);
  const provider = createSmsProvider(settings);
  if (provider) {
    const senders = ['x', 'y'].map((id) => createSmsSender({ settings, provider, logger: testLogger(), senderId: id, now }));
    await Promise.all(senders.map((s) => s.tick()));
  }
}

const reminders = (phone: string) => gateway.to(phone).filter((m) => m.purpose === 'reminder');

it('web bookings (page and web chat) get the evening and the one-hour reminder by SMS, once each across two instances; WeChat bookers get theirs in WeChat only', async () => {
  const start = sh('2026-12-08T10:30');
  const page = await booking('page', mobile(51), start);
  const webchat = await booking('webchat', mobile(52), start);
  const wechat = await booking('wechat', mobile(53), start);

  await runAt(sh('2026-12-07T19:00:30'), smsEnv());
  expect(reminders(mobile(51))).toHaveLength(1);
  expect(reminders(mobile(52))).toHaveLength(1);
  expect(reminders(mobile(52))[0].text).toBe(`【网上警务室】提醒：您预约的身份证换领在12月8日 10:30，地址：${reminders(mobile(52))[0].params.address}，预约受理号${webchat}。`);
  expect(reminders(mobile(51))[0].params.code).toBe(page);
  expect(gateway.to(mobile(53))).toHaveLength(0);
  // The WeChat booker is reminded in WeChat; the web chat booker in the chat too.
  expect(await OutboxModel.countDocuments({ channel: 'wechat', purpose: 'reminder' })).toBe(1);
  expect(await OutboxModel.countDocuments({ channel: 'web', purpose: 'reminder' })).toBe(1);

  // The one-hour reminder: a second text each, still once across instances (run twice).
  await runAt(sh('2026-12-08T09:30:30'), smsEnv());
  await runAt(sh('2026-12-08T09:31:00'), smsEnv());
  expect(reminders(mobile(51))).toHaveLength(2);
  expect(reminders(mobile(52))).toHaveLength(2);
  expect(gateway.to(mobile(53))).toHaveLength(0);
  expect(await OutboxModel.countDocuments({ channel: 'sms', purpose: 'reminder' })).toBe(4);
  void wechat;
});

it('quiet hours hold a reminder text until they end; once the appointment has begun it is not sent', async () => {
  // Quiet 21:00–08:00. An 08:30 booking: the hour reminder falls at 07:30.
  const env = smsEnv({ QUIET_HOURS: '21:00-08:00' });
  await booking('page', mobile(54), sh('2026-12-08T08:30'));
  await runAt(sh('2026-12-08T07:30:30'), env);
  expect(reminders(mobile(54))).toHaveLength(0);
  const held = await OutboxModel.findOne({ channel: 'sms', purpose: 'reminder' }).lean();
  expect(held!.nextAttemptAt.toISOString()).toBe(sh('2026-12-08T08:00').toISOString());
  await runAt(sh('2026-12-08T08:00:05'), env);
  expect(reminders(mobile(54))).toHaveLength(1);

  // A 07:30 booking (hour reminder at 06:30, held to 08:00): by then it has begun, so it is given up.
  await booking('webchat', mobile(55), sh('2026-12-09T07:30'));
  await runAt(sh('2026-12-09T06:30:30'), env);
  await runAt(sh('2026-12-09T08:00:05'), env);
  expect(reminders(mobile(55))).toHaveLength(0);
  const late = await OutboxModel.findOne({ channel: 'sms', conversationId: mobile(55) }).lean();
  expect(late).toMatchObject({ status: 'failed', lastError: expect.stringContaining('已过有效期') });
});

it('with SMS off nothing is texted and the web chat booker is still reminded in the chat', async () => {
  await booking('webchat', mobile(56), sh('2026-12-08T10:30'));
  await booking('page', mobile(57), sh('2026-12-08T10:30'));
  await runAt(sh('2026-12-07T19:00:30'), { SMS_PROVIDER: '' });
  expect(gateway.sent).toHaveLength(0);
  expect(await OutboxModel.countDocuments({ channel: 'sms' })).toBe(0);
  expect(await OutboxModel.countDocuments({ channel: 'web', purpose: 'reminder' })).toBe(1);
});
