import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { ItemModel } from '../../src/modules/items/item.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { mobile } from '../appointments/helpers';
import { makeItem, signIn } from '../inbox/fixtures';

jest.setTimeout(120_000);

/**
 * "民警已回复您反映的事项 S…，请查看 LINK": texted to web residents who gave a mobile number, once
 * per officers' answer, through the outbox, whichever of two instances sends; never about an
 * anonymous tip, never to a WeChat resident (the reply reaches them in WeChat).
 */
const SECRET = 'webhook-secret-reply-0123456789';
let db: TestDatabase;
let gateway: FakeGateway;
let apps: Koa[];
let officers: Array<{ agent: ReturnType<typeof request.agent>; csrf: string }>;
let senders: Array<ReturnType<typeof createSmsSender>>;

beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET });
  await seedAll({ demo: true });
  const config = testConfig({ PUBLIC_URL: 'https://jw.example.cn/', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' });
  // Two instances of the service, each with its own SMS sender.
  apps = [0, 1].map(() => createApp({ config, logger: testLogger() }) as unknown as Koa);
  // One officer, signed in on both instances.
  officers = [await signIn(apps[0], 'rs_zhang', { username: 'rs_zhang', name: '张伟', rooms: ['HPL'] }), await login(apps[1], 'rs_zhang')];
  const settings = smsSettings(config);
  senders = ['a', 'b'].map((id) => createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: `reply-${id}` }));
});
afterAll(async () => {
  await gateway.stop();
  await db.stop();
});

const reply = (n: 0 | 1, itemId: string, text: string) =>
  officers[n].agent.post(`/api/inbox/${itemId}/reply`).set('X-CSRF-Token', officers[n].csrf).send({ text });
const deliver = () => Promise.all(senders.map((s) => s.tick()));

async function fileTip(body: object): Promise<{ code: string; id: string }> {
  const res = await request(apps[0].callback()).post('/api/tips').send({ room: 'HPL', text: '小区门口有人兜售假药，每天早上七点左右', ...body });
  expect(res.status).toBe(201);
  const item = await ItemModel.findOne({ code: res.body.code }).lean();
  return { code: res.body.code, id: String(item!._id) };
}

describe('reply notices by SMS', () => {
  it('a web-chat resident who gave a number gets one text with the code and the status link, however many replies and instances', async () => {
    const phone = mobile(31);
    const item = await makeItem({ room: 'HPL', origin: { channel: 'web', conversationId: 'web-conv-reply', senderId: 'web-conv-reply', isGroup: false }, contact: { phone } });
    expect((await reply(0, String(item._id), '您好，请带上户口本和出生医学证明到警务室办理。')).status).toBe(201);
    // A second reply before the resident wrote again, from the other instance: no second text.
    expect((await reply(1, String(item._id), '补充：工作日上午都可以来。')).status).toBe(201);
    await deliver();
    await deliver();
    const texts = gateway.to(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0].purpose).toBe('reply');
    expect(texts[0].text).toBe(`【网上警务室】民警已回复您反映的事项 ${item.code}，请查看 https://jw.example.cn/status/?code=${item.code}`);
    expect(await OutboxModel.countDocuments({ channel: 'sms', purpose: 'reply', conversationId: phone })).toBe(1);
  });

  it('a named tip from the web form with a mobile number is texted once; an anonymous tip never', async () => {
    const named = await fileTip({ anonymous: false, contact: { name: '刘女士', phone: mobile(32) } });
    const anonymous = await fileTip({ anonymous: true, contact: { phone: mobile(33) } });
    expect((await reply(0, named.id, '收到，已安排核查。')).status).toBe(201);
    expect((await reply(0, anonymous.id, '收到，已安排核查。')).status).toBe(201);
    await deliver();
    expect(gateway.to(mobile(32)).map((m) => m.text)).toEqual([`【网上警务室】民警已回复您反映的事项 ${named.code}，请查看 https://jw.example.cn/status/?code=${named.code}`]);
    expect(gateway.to(mobile(33))).toHaveLength(0);
    const aboutAnonymous = await OutboxModel.find({ channel: 'sms', item: anonymous.id }).lean();
    expect(aboutAnonymous).toHaveLength(0);
  });

  it('a WeChat resident hears the reply in WeChat, not by SMS', async () => {
    const phone = mobile(34);
    const item = await makeItem({ room: 'HPL', origin: { channel: 'wechat', conversationId: 'wxid_reply', senderId: 'wxid_reply', isGroup: false }, contact: { phone } });
    expect((await reply(0, String(item._id), '您好，已经帮您查询。')).status).toBe(201);
    await deliver();
    expect(gateway.to(phone)).toHaveLength(0);
    expect(await OutboxModel.countDocuments({ channel: 'wechat', item: item._id })).toBe(1);
  });
});
