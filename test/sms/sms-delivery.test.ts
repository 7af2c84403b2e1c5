import { OutboxModel, OutboxOpenModel } from '../../src/modules/outbox/outbox.model';
import { createSmsProvider, createSmsSender, queueSms, smsSettings, type SmsSettings } from '../../src/modules/sms';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';

const SECRET = 'webhook-secret-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET, tencentSecretId: 'AKIDtest', aliyunKeyId: 'LTAItest' });
});
afterAll(async () => {
  await gateway.stop();
  await db.stop();
});
beforeEach(async () => {
  await db.clear();
  gateway.clear();
});

const TEMPLATES = {
  SMS_TEMPLATE_VERIFY: '1000001',
  SMS_TEMPLATE_BOOKING: '1000002',
  SMS_TEMPLATE_REMINDER: '1000003',
  SMS_TEMPLATE_REPLY: '1000004:item,link',
  SMS_TEMPLATE_CANCEL: '1000005',
};
const webhook = (extra: Record<string, string> = {}) =>
  smsSettings(testConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, ...extra }));

function sender(settings: SmsSettings, name: string, now: () => Date) {
  return createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: name, now, baseBackoffMs: 1 });
}

// 2026-12-03 10:00 in Beijing (outside quiet hours).
const DAY = new Date('2026-12-03T02:00:00Z');

describe('SMS providers against the local fake gateway', () => {
  it('webhook: POSTs {phone, purpose, params, text} signed with HMAC-SHA256 over the body', async () => {
    const settings = webhook();
    await queueSms(settings, { key: 'r1', phone: '13800138000', purpose: 'reply', params: { item: 'S7KQ2M9', link: 'http://x/t/S7KQ2M9' }, now: DAY });
    await sender(settings, 'a', () => DAY).tick();
    expect(gateway.sent).toHaveLength(1);
    const body = JSON.parse(gateway.requests[0].body);
    expect(Object.keys(body).sort()).toEqual(['params', 'phone', 'purpose', 'text']);
    expect(body).toMatchObject({ phone: '13800138000', purpose: 'reply', params: { item: 'S7KQ2M9', link: 'http://x/t/S7KQ2M9' } });
    expect(body.text).toBe('【网上警务室】民警已回复您反映的事项 S7KQ2M9，请查看 http://x/t/S7KQ2M9');
    expect(gateway.requests[0].headers['x-sms-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('webhook: a gateway that cannot check the signature (wrong secret) refuses, and the outbox keeps the reason', async () => {
    const settings = webhook({ SMS_WEBHOOK_SECRET: 'another-secret-0123456789' });
    await queueSms(settings, { key: 'r2', phone: '13800138000', purpose: 'reply', params: { item: 'S1', link: 'L' }, now: DAY });
    await sender(settings, 'a', () => DAY).tick();
    expect(gateway.sent).toHaveLength(0);
    const m = await OutboxModel.findOne({ channel: 'sms' }).lean();
    expect(m!.status).toBe('failed'); // a 401 is not retried
    expect(m!.lastError).toContain('HTTP 401');
  });

  it('Tencent Cloud SDK: SendSms with +86 number, SDK app id, signature, template id and ordered parameters', async () => {
    const settings = smsSettings(
      testConfig({ SMS_PROVIDER: 'tencent', TENCENT_SMS_SECRET_ID: 'AKIDtest', TENCENT_SMS_SECRET_KEY: 'k', TENCENT_SMS_SDK_APP_ID: '1400006666', TENCENT_SMS_ENDPOINT: gateway.url, ...TEMPLATES }),
    );
    await queueSms(settings, { key: 'v1', phone: '13900139000', purpose: 'verify', params: { code: '123456', minutes: '5' }, urgent: true, now: DAY });
    await sender(settings, 'a', () => DAY).tick();
    expect(gateway.sent).toEqual([expect.objectContaining({ provider: 'tencent', phone: '13900139000', templateId: '1000001', signName: '网上警务室', params: { 0: '123456', 1: '5' } })]);
    const req = JSON.parse(gateway.requests[0].body);
    expect(req).toMatchObject({ PhoneNumberSet: ['+8613900139000'], SmsSdkAppId: '1400006666' });
    expect(gateway.requests[0].headers['x-tc-version']).toBe('2021-01-11');
  });

  it('Tencent Cloud: an invalid-number status fails at once with the code kept; an outage is retried', async () => {
    const settings = smsSettings(
      testConfig({ SMS_PROVIDER: 'tencent', TENCENT_SMS_SECRET_ID: 'AKIDtest', TENCENT_SMS_SECRET_KEY: 'k', TENCENT_SMS_SDK_APP_ID: '1400006666', TENCENT_SMS_ENDPOINT: gateway.url, ...TEMPLATES }),
    );
    let clock = DAY;
    const s = sender(settings, 'a', () => clock);
    gateway.failNext(1, 'InvalidParameterValue.IncorrectPhoneNumber');
    await queueSms(settings, { key: 'x1', phone: '13900139001', purpose: 'verify', params: { code: '1', minutes: '5' }, urgent: true, now: DAY });
    await s.tick();
    const bad = await OutboxModel.findOne({ key: 'sms:x1' }).lean();
    expect(bad).toMatchObject({ status: 'failed', attempts: 1 });
    expect(bad!.lastError).toContain('InvalidParameterValue.IncorrectPhoneNumber');

    gateway.failNext(2, 'down');
    await queueSms(settings, { key: 'x2', phone: '13900139002', purpose: 'booking', params: { code: 'Y1', service: 's', time: 't', address: 'a', materials: 'm' }, urgent: true, now: DAY });
    await s.tick();
    expect(await OutboxModel.findOne({ key: 'sms:x2' }).lean()).toMatchObject({ status: 'queued', attempts: 1 });
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 60_000);
      await s.tick();
    }
    expect(await OutboxModel.findOne({ key: 'sms:x2' }).lean()).toMatchObject({ status: 'sent', attempts: 3 });
    expect(gateway.to('13900139002')).toHaveLength(1);
  });

  it('Alibaba Cloud SDK: SendSms with PhoneNumbers, SignName, TemplateCode and named TemplateParam JSON', async () => {
    const settings = smsSettings(
      testConfig({ SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'LTAItest', ALIYUN_SMS_ACCESS_KEY_SECRET: 'k', ALIYUN_SMS_ENDPOINT: gateway.url, ...TEMPLATES }),
    );
    const s = sender(settings, 'a', () => DAY);
    await queueSms(settings, { key: 'r3', phone: '13700137000', purpose: 'reply', params: { item: 'S9', link: 'http://x/t/S9' }, now: DAY });
    await s.tick();
    gateway.failNext(1, 'isv.MOBILE_NUMBER_ILLEGAL');
    await queueSms(settings, { key: 'r4', phone: '13700137001', purpose: 'reply', params: { item: 'S8', link: 'L' }, now: DAY });
    await s.tick();
    expect(gateway.sent).toEqual([expect.objectContaining({ provider: 'aliyun', phone: '13700137000', templateId: '1000004', signName: '网上警务室', params: { item: 'S9', link: 'http://x/t/S9' } })]);
    const failed = await OutboxModel.findOne({ key: 'sms:r4' }).lean();
    expect(failed!.status).toBe('failed');
    expect(failed!.lastError).toContain('isv.MOBILE_NUMBER_ILLEGAL');
  });

  it('the config refuses a provider without what it needs', () => {
    expect(() => testConfig({ SMS_PROVIDER: 'tencent' })).toThrow(/TENCENT_SMS_SECRET_ID: required/);
    expect(() => testConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'http://x' })).toThrow(/SMS_WEBHOOK_SECRET/);
    expect(smsSettings(testConfig()).provider).toBeNull();
  });
});

describe('SMS through the persisted outbox', () => {
  it('queued twice under one key and polled by two instances at once: sent exactly once', async () => {
    const settings = webhook();
    for (let i = 0; i < 2; i++) await queueSms(settings, { key: 'once', phone: '13800138001', purpose: 'reply', params: { item: 'S1', link: 'L' }, now: DAY });
    const a = sender(settings, 'instance-a', () => DAY);
    const b = sender(settings, 'instance-b', () => DAY);
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(gateway.to('13800138001')).toHaveLength(1);
    expect(await OutboxModel.countDocuments({ channel: 'sms', status: 'sent' })).toBe(1);
  });

  it('nothing is queued when SMS is off', async () => {
    const off = smsSettings(testConfig());
    expect(await queueSms(off, { key: 'off', phone: '13800138002', purpose: 'reply', params: { item: 'S1', link: 'L' } })).toEqual({ queued: false, created: false });
    expect(await OutboxModel.countDocuments({ channel: 'sms' })).toBe(0);
  });

  it('quiet hours hold a non-urgent text until morning (reason kept); an urgent code goes at once', async () => {
    const settings = webhook({ QUIET_HOURS: '21:30-08:00' });
    const night = new Date('2026-12-03T14:00:00Z'); // 22:00 Beijing
    let clock = night;
    const s = sender(settings, 'a', () => clock);
    await queueSms(settings, { key: 'late-reply', phone: '13800138003', purpose: 'reply', params: { item: 'S1', link: 'L' }, now: night });
    await queueSms(settings, { key: 'late-code', phone: '13800138003', purpose: 'verify', params: { code: '654321', minutes: '5' }, urgent: true, notAfter: new Date(night.getTime() + 300_000), now: night });
    await s.tick();
    expect(gateway.sent.map((m) => m.purpose)).toEqual(['verify']);
    const held = await OutboxModel.findOne({ key: 'sms:late-reply' }).lean();
    expect(held!.nextAttemptAt.toISOString()).toBe('2026-12-04T00:00:00.000Z'); // 08:00 Beijing
    // A text that fell due inside quiet hours (e.g. after retries) is held at send time, with the reason.
    const late = await OutboxModel.findOneAndUpdate({ key: 'sms:late-reply' }, { $set: { nextAttemptAt: night } }).lean();
    await OutboxOpenModel.updateOne({ _id: late!._id }, { $set: { nextAttemptAt: night } });
    await s.tick();
    const again = await OutboxModel.findOne({ key: 'sms:late-reply' }).lean();
    expect(again!.status).toBe('queued');
    expect(again!.lastError).toContain('免打扰');
    clock = new Date('2026-12-04T00:00:30Z');
    await s.tick();
    expect(gateway.sent.map((m) => m.purpose)).toEqual(['verify', 'reply']);
  });

  it('a number gets at most SMS_PHONE_DAILY_CAP texts a day: the rest wait for tomorrow, an expiring code is given up', async () => {
    const settings = webhook({ SMS_PHONE_DAILY_CAP: '3' });
    let clock = DAY;
    const s = sender(settings, 'a', () => clock);
    for (let i = 0; i < 4; i++) await queueSms(settings, { key: `n${i}`, phone: '13800138004', purpose: 'reply', params: { item: `S${i}`, link: 'L' }, now: DAY });
    await s.tick();
    expect(gateway.to('13800138004')).toHaveLength(3);
    await queueSms(settings, { key: 'code', phone: '13800138004', purpose: 'verify', params: { code: '111111', minutes: '5' }, urgent: true, notAfter: new Date(DAY.getTime() + 300_000), now: DAY });
    await s.tick();
    expect(gateway.to('13800138004')).toHaveLength(3);
    const rest = await OutboxModel.find({ channel: 'sms', status: { $ne: 'sent' } }).lean();
    expect(rest.map((m) => [m.purpose, m.status]).sort()).toEqual([
      ['reply', 'queued'],
      ['verify', 'failed'],
    ]);
    for (const m of rest) expect(m.lastError).toContain('今日短信已达上限');
    // Another number is not affected.
    await queueSms(settings, { key: 'other', phone: '13800138005', purpose: 'reply', params: { item: 'S', link: 'L' }, now: DAY });
    await s.tick();
    expect(gateway.to('13800138005')).toHaveLength(1);
    // The next (Beijing) day, the held text goes.
    clock = new Date('2026-12-04T00:30:00Z'); // 08:30 Beijing
    await s.tick();
    expect(gateway.to('13800138004')).toHaveLength(4);
  });

  it('a code still unsent when it expires is given up, not sent late', async () => {
    const settings = webhook();
    await queueSms(settings, { key: 'stale', phone: '13800138006', purpose: 'verify', params: { code: '222222', minutes: '5' }, urgent: true, notAfter: new Date(DAY.getTime() + 300_000), now: DAY });
    gateway.failNext(1, 'down');
    let clock = DAY;
    const s = sender(settings, 'a', () => clock);
    await s.tick();
    clock = new Date(DAY.getTime() + 301_000);
    await s.tick();
    expect(gateway.sent).toHaveLength(0);
    const m = await OutboxModel.findOne({ key: 'sms:stale' }).lean();
    expect(m!.status).toBe('failed');
    expect(m!.lastError).toContain('已过有效期');
  });
});
