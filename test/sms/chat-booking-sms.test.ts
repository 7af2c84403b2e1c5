import request from 'supertest';
import { createApp } from '../../src/http/app';
import type { InboundMessage } from '../../src/modules/conversations';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { handleInbound, type ConversationDeps } from '../../src/modules/conversations/conversation.service';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { verificationFromConfig } from '../../src/modules/verification';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { conversationDeps } from '../helpers/conversation';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { mobile, setSchedule } from '../appointments/helpers';

jest.setTimeout(120_000);

/**
 * The chat booking flow with SMS on, against the local fake gateway: the web chat asks for the
 * code texted to the number (wrong and expired codes said plainly in Chinese); WeChat books
 * without one, until the third active booking on one number.
 */
const SECRET = 'webhook-secret-chat-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
// Monday 2026-11-30 09:00 in Shanghai; moved forward by the tests (code expiry, one code a minute).
let clock = new Date('2026-11-30T01:00:00Z');
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};
let deps: ConversationDeps;
let sender: ReturnType<typeof createSmsSender>;

beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET });
  const base = conversationDeps(() => clock, { PUBLIC_URL: 'https://jw.example.cn', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' });
  deps = { ...base, verification: verificationFromConfig(base.config, { logger: testLogger(), now: () => clock }) };
  const settings = smsSettings(base.config);
  sender = createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: 'chat-test', now: () => clock });
});
afterAll(async () => {
  await gateway.stop();
  await db.stop();
});
beforeEach(async () => {
  await db.clear();
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 14 });
  gateway.clear();
});

function talker(channel: 'web' | 'wechat', id: string) {
  const message = (text: string): InboundMessage => ({
    channel,
    conversationId: id,
    senderId: id,
    senderName: channel === 'wechat' ? '张三' : undefined,
    text,
    isGroup: false,
    mentioned: true,
    room: 'HPL',
    receivedAt: clock,
    ...(channel === 'web' ? { clientKey: `addr-${id}` } : {}),
  });
  return async (text: string) => {
    const r = await handleInbound(message(text), deps);
    return { text: r.replies.map((x) => x.text).join('\n'), options: r.replies.flatMap((x) => x.options ?? []) };
  };
}

/** Service → day → time → name and mobile → materials → the summary to confirm. */
async function upToConfirm(say: ReturnType<typeof talker>, phone: string, time: string) {
  await say('我要预约');
  await say('身份证换领');
  await say('明天');
  await say(time);
  await say(`张三 ${phone}`);
  const confirm = await say('1');
  expect(confirm.text).toMatch(/请核对预约信息/);
}

/** Delivers what the outbox holds and reads the code the fake gateway received. */
async function textedCode(phone: string): Promise<string> {
  await sender.tick();
  const code = gateway.lastCode(phone);
  expect(code).toMatch(/^\d{6}$/);
  return code!;
}

describe('booking in the web chat with SMS on', () => {
  it('asks for the code texted to the number; a wrong code is refused with the tries left; the right one books a verified appointment', async () => {
    const say = talker('web', 'web-conv-1');
    const phone = mobile(21);
    await upToConfirm(say, phone, '9点半');
    const ask = await say('确认预约');
    expect(ask.text).toContain('已向 139****0021 发送6位短信验证码');
    expect(ask.text).toContain('5分钟内有效');
    expect(ask.options.map((o) => o.label)).toContain('再发一条短信');
    expect(await AppointmentModel.countDocuments()).toBe(0);

    const code = await textedCode(phone);
    expect(gateway.to(phone)).toHaveLength(1);
    expect(gateway.to(phone)[0].purpose).toBe('verify');

    const wrong = await say(code === '000000' ? '111111' : '000000');
    expect(wrong.text).toMatch(/^验证码不正确，请核对短信后重新输入（还可以试4次）/);
    expect(await AppointmentModel.countDocuments()).toBe(0);

    const notDigits = await say('我收到了');
    expect(notDigits.text).toContain('请回复短信里的6位数字验证码');

    const done = await say(code);
    expect(done.text).toMatch(/预约成功！预约号：Y[0-9A-Z]{7}/);
    const booked = await AppointmentModel.findOne({ phone }).lean();
    expect(booked).toMatchObject({ status: 'booked', verified: true, source: 'bot' });
  });

  it('an expired code is refused in plain Chinese; "再发一条短信" texts a new one that books', async () => {
    const say = talker('web', 'web-conv-2');
    const phone = mobile(22);
    await upToConfirm(say, phone, '10点');
    await say('确认预约');
    const first = await textedCode(phone);

    advance(6); // codes live 5 minutes
    const expired = await say(first);
    expect(expired.text).toBe('验证码已过期（5分钟内有效），请点“再发一条短信”获取新的验证码。');
    expect(await AppointmentModel.countDocuments()).toBe(0);

    const again = await say('再发一条短信');
    expect(again.text).toContain('已向 139****0022 发送6位短信验证码');
    const second = await textedCode(phone);
    expect(gateway.to(phone).filter((m) => m.purpose === 'verify')).toHaveLength(2);
    // Asking again within the minute is refused, and the code already sent still works.
    const tooSoon = await say('再发一条短信');
    expect(tooSoon.text).toMatch(/验证码已发送，请\d+秒后再重新获取/);
    const done = await say(second);
    expect(done.text).toMatch(/预约成功！/);
    expect(await AppointmentModel.findOne({ phone }).lean()).toMatchObject({ verified: true });
  });

  it('five wrong codes lock the code; the resident is told to get a new one', async () => {
    const say = talker('web', 'web-conv-3');
    const phone = mobile(23);
    await upToConfirm(say, phone, '11点');
    await say('确认预约');
    const code = await textedCode(phone);
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) await say(wrongCode);
    const last = await say(wrongCode);
    expect(last.text).toContain('验证码输错次数过多');
    const right = await say(code);
    expect(right.text).toContain('验证码输错次数过多');
    expect(await AppointmentModel.countDocuments()).toBe(0);
  });
});

describe('booking from WeChat with SMS on', () => {
  it('books without a code (the resident is known to WeChat) until the third active booking on one number, which needs the code', async () => {
    const say = talker('wechat', 'wxid_sms_1');
    const phone = mobile(24);
    for (const time of ['9点', '9点半']) {
      await upToConfirm(say, phone, time);
      const done = await say('确认预约');
      expect(done.text).toMatch(/预约成功！/);
    }
    expect(await AppointmentModel.countDocuments({ phone, verified: false })).toBe(2);
    expect(gateway.to(phone)).toHaveLength(0);

    await upToConfirm(say, phone, '10点');
    const ask = await say('确认预约');
    expect(ask.text).toContain('该手机号已有2个未完成的预约，再预约需要用短信验证码确认这是您本人的手机号');
    expect(ask.text).toContain('已向 139****0024 发送6位短信验证码');
    expect(await AppointmentModel.countDocuments({ phone })).toBe(2);
    const code = await textedCode(phone);
    const done = await say(code);
    expect(done.text).toMatch(/预约成功！/);
    expect(await AppointmentModel.countDocuments({ phone, verified: true })).toBe(1);
  });
});

describe('the web chat endpoint with SMS on', () => {
  it('POST /api/chat/messages asks for the code before booking and books with it', async () => {
    const config = testConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' });
    const agent = request(createApp({ config, logger: testLogger(), now: () => clock }).callback());
    let conversationId: string | undefined;
    const say = async (text: string) => {
      const res = await agent.post('/api/chat/messages').send({ room: 'HPL', conversationId, text });
      expect(res.status).toBe(200);
      conversationId = res.body.conversationId;
      return (res.body.replies as Array<{ text: string }>).map((r) => r.text).join('\n');
    };
    const phone = mobile(25);
    for (const text of ['我要预约', '身份证换领', '明天', '14点', `李四 ${phone}`, '1']) await say(text);
    expect(await say('确认预约')).toContain('已向 139****0025 发送6位短信验证码');
    expect(await AppointmentModel.countDocuments({ phone })).toBe(0);
    expect(await say(await textedCode(phone))).toMatch(/预约成功！/);
    expect(await AppointmentModel.findOne({ phone }).lean()).toMatchObject({ verified: true, origin: { channel: 'web' } });
  });
});
