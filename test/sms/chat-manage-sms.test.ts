import type { InboundMessage } from '../../src/modules/conversations';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { handleInbound, type ConversationDeps } from '../../src/modules/conversations/conversation.service';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { verificationFromConfig } from '../../src/modules/verification';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testLogger } from '../helpers/app';
import { conversationDeps } from '../helpers/conversation';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { mobile, setSchedule } from '../appointments/helpers';

jest.setTimeout(180_000);

/**
 * Cancelling and rescheduling a booking in chat (issue #15): with SMS on, the booking code and
 * the mobile number are not enough: a "manage" code is texted to the booking's number and must be
 * typed back (wrong, expired and locked codes said plainly; "再发一条短信" sends a new one), as the
 * booking page's look-up does. A booking made in the same WeChat chat is managed there without a
 * code. With SMS off nothing changes: code + mobile.
 */
const SECRET = 'webhook-secret-manage-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
// Monday 2026-11-30 09:00 in Shanghai; moved forward by the tests (code expiry, one code a minute).
let clock = new Date('2026-11-30T01:00:00Z');
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};
let smsDeps: ConversationDeps;
let offDeps: ConversationDeps;
let sender: ReturnType<typeof createSmsSender>;

beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET });
  const base = conversationDeps(() => clock, { PUBLIC_URL: 'https://jw.example.cn', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' });
  smsDeps = { ...base, verification: verificationFromConfig(base.config, { logger: testLogger(), now: () => clock }) };
  const off = conversationDeps(() => clock, { PUBLIC_URL: 'https://jw.example.cn', SMS_PROVIDER: '' });
  offDeps = { ...off, verification: verificationFromConfig(off.config, { logger: testLogger(), now: () => clock }) };
  const settings = smsSettings(base.config);
  sender = createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: 'manage-test', now: () => clock });
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

function talker(channel: 'web' | 'wechat', id: string, deps: () => ConversationDeps = () => smsDeps) {
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
    const r = await handleInbound(message(text), deps());
    return { text: r.replies.map((x) => x.text).join('\n'), options: r.replies.flatMap((x) => x.options ?? []) };
  };
}

/** Books tomorrow at `time` from a WeChat chat (no code needed there) and returns the booking code. */
async function bookFromWeChat(conversation: string, phone: string, time: string): Promise<string> {
  const say = talker('wechat', conversation);
  for (const text of ['我要预约', '身份证换领', '明天', time, `张三 ${phone}`, '1']) await say(text);
  expect((await say('确认预约')).text).toMatch(/预约成功！/);
  const appt = await AppointmentModel.findOne({ phone, status: 'booked' }).sort({ createdAt: -1 }).lean();
  return appt!.code;
}

async function textedCode(phone: string): Promise<string> {
  await sender.tick();
  const code = gateway.lastCode(phone);
  expect(code).toMatch(/^\d{6}$/);
  return code!;
}

const statusOf = async (code: string) => (await AppointmentModel.findById(code).lean())!.status;

describe('cancel and reschedule in chat with SMS on', () => {
  it('web chat cancel: code + mobile, then the SMS code; a wrong code is refused with the tries left, the right one cancels', async () => {
    const phone = mobile(41);
    const code = await bookFromWeChat('wxid_owner_1', phone, '9点半');
    gateway.clear();

    const say = talker('web', 'web-manage-1');
    await say(`取消预约 ${code}`);
    const ask = await say(phone);
    expect(ask.text).toContain('已向 139****0041 发送6位短信验证码');
    expect(ask.options.map((o) => o.label)).toContain('再发一条短信');
    // Nothing about the booking is shown before the number is proved.
    expect(ask.text).not.toContain('身份证换领');
    const sms = await textedCode(phone);
    expect(gateway.to(phone).map((m) => m.purpose)).toEqual(['verify']);

    const wrong = await say(sms === '000000' ? '111111' : '000000');
    expect(wrong.text).toMatch(/^验证码不正确，请核对短信后重新输入（还可以试4次）/);
    expect(await statusOf(code)).toBe('booked');

    const shown = await say(sms);
    expect(shown.text).toContain(`预约 ${code}：身份证换领`);
    expect(shown.text).toContain('确认取消这个预约吗？');
    expect((await say('确认取消')).text).toBe(`预约 ${code} 已取消。需要时可以重新预约。`);
    expect(await statusOf(code)).toBe('cancelled');
  });

  it('WeChat reschedule from another chat needs the code too: an expired code is refused, "再发一条短信" sends a new one that works', async () => {
    const phone = mobile(42);
    const code = await bookFromWeChat('wxid_owner_2', phone, '10点');
    gateway.clear();

    const say = talker('wechat', 'wxid_stranger_2');
    await say(`改约 ${code}`);
    expect((await say(phone)).text).toContain('已向 139****0042 发送6位短信验证码');
    const first = await textedCode(phone);
    advance(6); // codes live 5 minutes
    expect((await say(first)).text).toBe('验证码已过期（5分钟内有效），请点“再发一条短信”获取新的验证码。');
    expect((await say('再发一条短信')).text).toContain('已向 139****0042 发送6位短信验证码');
    const second = await textedCode(phone);
    expect(gateway.to(phone).filter((m) => m.purpose === 'verify')).toHaveLength(2);

    const days = await say(second);
    expect(days.text).toContain('请选择新的日期');
    await say('明天');
    const done = await say('14点');
    expect(done.text).toMatch(/^改约成功！/);
    const moved = await AppointmentModel.findById(code).lean();
    expect(moved!.status).toBe('booked');
    expect(moved!.reschedules).toBe(1);
  });

  it('five wrong codes lock it; a number without bookings hears the same words and gets no text', async () => {
    const phone = mobile(43);
    const code = await bookFromWeChat('wxid_owner_3', phone, '11点');
    gateway.clear();
    const say = talker('web', 'web-manage-3');
    await say(`取消预约 ${code}`);
    await say(phone);
    const sms = await textedCode(phone);
    const wrong = sms === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) await say(wrong);
    expect((await say(wrong)).text).toContain('验证码输错次数过多');
    expect((await say(sms)).text).toContain('验证码输错次数过多');
    expect(await statusOf(code)).toBe('booked');

    const nobody = mobile(44);
    const other = talker('web', 'web-manage-4');
    await other(`取消预约 ${code}`);
    expect((await other(nobody)).text).toContain('已向 139****0044 发送6位短信验证码');
    await sender.tick();
    expect(gateway.to(nobody)).toHaveLength(0);
  });

  it('the WeChat chat that made the booking cancels it without a code', async () => {
    const phone = mobile(45);
    const code = await bookFromWeChat('wxid_owner_5', phone, '15点');
    gateway.clear();
    const say = talker('wechat', 'wxid_owner_5');
    await say(`取消预约 ${code}`);
    const shown = await say(phone);
    expect(shown.text).toContain('确认取消这个预约吗？');
    expect((await say('确认取消')).text).toContain('已取消');
    expect(await statusOf(code)).toBe('cancelled');
    await sender.tick();
    expect(gateway.to(phone)).toHaveLength(0);
  });
});

describe('with SMS off', () => {
  it('code + mobile are enough, as before, and nothing is texted', async () => {
    const phone = mobile(46);
    const code = await bookFromWeChat('wxid_owner_6', phone, '16点');
    gateway.clear();
    const say = talker('web', 'web-manage-6', () => offDeps);
    await say(`取消预约 ${code}`);
    const shown = await say(phone);
    expect(shown.text).toContain(`预约 ${code}：身份证换领`);
    expect((await say('确认取消')).text).toContain('已取消');
    expect(await statusOf(code)).toBe('cancelled');
    await sender.tick();
    expect(gateway.sent).toHaveLength(0);
  });
});
