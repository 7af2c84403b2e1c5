import request from 'supertest';
import { createApp } from '../../src/http/app';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { BookingTokenModel } from '../../src/modules/appointments/appointment.model';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { VerificationCodeModel } from '../../src/modules/verification/verification.model';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';

const SECRET = 'webhook-secret-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
let clock: Date;
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
  gateway.clear();
  clock = new Date('2026-12-03T02:00:00Z'); // 10:00 in Beijing
});

function setup(extra: Record<string, string> = {}) {
  const config = testConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, ...extra });
  const now = () => clock;
  const app = createApp({ config, logger: testLogger(), now });
  const settings = smsSettings(config);
  const sender = createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: 'test', now });
  const agent = request(app.callback());
  return {
    agent,
    /** Asks for a code and delivers the outbox; returns the code the resident's phone received. */
    async code(phone: string, purpose = 'manage', ip = '10.0.0.1') {
      // "manage" codes go only to numbers with an active booking: give this one a booking token.
      if (purpose === 'manage') await BookingTokenModel.updateOne({ _id: `${phone}|1` }, { $set: { phone, n: 1, code: 'YTESTAB' } }, { upsert: true });
      const res = await agent.post('/api/verification-codes').set('X-Forwarded-For', ip).send({ phone, purpose });
      await sender.tick();
      return { res, code: gateway.lastCode(phone) };
    },
    check: (phone: string, code: string) => agent.post('/api/verification-codes/check').send({ phone, purpose: 'manage', code }),
    sender,
  };
}
const later = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

describe('verification codes, end to end through the fake SMS gateway', () => {
  it('sends a 6-digit code by SMS (202); the right code works once; the code is never stored readable', async () => {
    const s = setup();
    expect((await s.agent.get('/api/verification-codes')).body).toMatchObject({ required: true, digits: 6, validMinutes: 5, maxTries: 5 });
    const { res, code } = await s.code('13800138000');
    expect(res.status).toBe(202);
    expect(code).toMatch(/^\d{6}$/);
    expect(gateway.sent[0].text).toContain(`验证码${code}，5分钟内有效`);
    // Not in the code document, not left in the outbox after sending.
    const stored = JSON.stringify(await VerificationCodeModel.find().lean());
    expect(stored).not.toContain(code!);
    const outbox = JSON.stringify(await OutboxModel.find({ channel: 'sms' }).lean());
    expect(outbox).not.toContain(code!);
    expect(outbox).toContain('******');

    const ok = await s.check('13800138000', code!);
    expect(ok.status).toBe(200);
    expect(ok.body.verificationToken).toEqual(expect.any(String));
    // Reused: refused.
    const again = await s.check('13800138000', code!);
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'verification_used' });
    expect(again.body.error.message).toMatch(/^该验证码已使用过/);
  });

  it('a wrong code is refused with the tries left; after 5 wrong tries even the right code is refused', async () => {
    const s = setup();
    const { code } = await s.code('13800138001');
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await s.check('13800138001', wrong);
    expect(first.status).toBe(400);
    expect(first.body.error).toMatchObject({ code: 'verification_wrong', detail: { triesLeft: 4 } });
    expect(first.body.error.message).toContain('还可尝试4次');
    for (let i = 0; i < 3; i++) expect((await s.check('13800138001', wrong)).body.error.code).toBe('verification_wrong');
    expect((await s.check('13800138001', wrong)).body.error.code).toBe('verification_locked');
    const right = await s.check('13800138001', code!);
    expect(right.status).toBe(400);
    expect(right.body.error.code).toBe('verification_locked');
  });

  it('concurrent guesses get 5 tries in all, not 5 each', async () => {
    const s = setup();
    const { code } = await s.code('13800138009');
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = await Promise.all(Array.from({ length: 12 }, () => s.check('13800138009', wrong)));
    expect(answers.filter((a) => a.body.error.code === 'verification_wrong')).toHaveLength(4);
    expect(answers.filter((a) => a.body.error.code === 'verification_locked')).toHaveLength(8);
  });

  it('a code expires after 5 minutes', async () => {
    const s = setup();
    const { code } = await s.code('13800138002');
    later(5 * 60 + 1);
    const res = await s.check('13800138002', code!);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('verification_expired');
    expect(res.body.error.message).toMatch(/^验证码已过期/);
  });

  it('one code a minute per number, 10 a day per number (Beijing day)', async () => {
    const s = setup();
    expect((await s.code('13800138003')).res.status).toBe(202);
    const soon = await s.agent.post('/api/verification-codes').send({ phone: '13800138003', purpose: 'manage' });
    expect(soon.status).toBe(429);
    expect(soon.body.error.message).toMatch(/^验证码已发送，请\d+秒后再重新获取/);
    for (let i = 1; i < 10; i++) {
      later(61);
      expect((await s.code('13800138003', 'manage', `10.0.1.${i}`)).res.status).toBe(202);
    }
    later(61);
    const eleventh = await s.agent.post('/api/verification-codes').set('X-Forwarded-For', '10.0.2.1').send({ phone: '13800138003', purpose: 'manage' });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.message).toMatch(/^该号码今天获取验证码的次数已用完/);
    expect(gateway.to('13800138003')).toHaveLength(10);
    // The next day in Beijing (00:00 local = 16:00 UTC) the number may ask again.
    clock = new Date('2026-12-03T16:00:30Z');
    expect((await s.code('13800138003')).res.status).toBe(202);
  });

  it('per-address limit: one address cannot text many numbers', async () => {
    const s = setup({ VERIFY_CODES_PER_IP_PER_HOUR: '3', TRUST_PROXY_HOPS: '1' });
    for (let i = 0; i < 3; i++) expect((await s.code(`1390013900${i}`, 'booking', '203.0.113.7')).res.status).toBe(202);
    const fourth = await s.agent.post('/api/verification-codes').set('X-Forwarded-For', '203.0.113.7').send({ phone: '13900139009', purpose: 'booking' });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('rate_limited');
    expect(gateway.sent).toHaveLength(3);
    // Another address is not affected.
    expect((await s.code('13900139009', 'booking', '203.0.113.8')).res.status).toBe(202);
  });

  it('bad input gets a clear 400 in Chinese; with SMS off the endpoint says codes are not needed', async () => {
    const s = setup();
    const bad = await s.agent.post('/api/verification-codes').send({ phone: '12345', purpose: 'booking' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('手机号格式不正确');
    const off = request(createApp({ config: testConfig(), logger: testLogger() }).callback());
    expect((await off.get('/api/verification-codes')).body.required).toBe(false);
    const res = await off.post('/api/verification-codes').send({ phone: '13800138000', purpose: 'booking' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('sms_disabled');
  });
});
