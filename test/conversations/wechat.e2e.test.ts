import { containsPersonalData } from '../../src/lib/mask';
import { ItemModel } from '../../src/modules/items/item.model';
import { OutboxModel, OutboxSendModel } from '../../src/modules/outbox/outbox.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { BotStatusModel } from '../../src/modules/bot-status/bot-status.model';
import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockContact, type MockRoom, type MockWechat } from '../helpers/mock-wechat';

/** End-to-end through a real Wechaty on wechaty-puppet-mock, the real outbox and a real database. */
let db: TestDatabase;
let wx: MockWechat;
let officer: MockContact;
let resident: MockContact;
let group: MockRoom;
let failSends = 0;
const failedTexts: string[] = [];

const quiet = (ms = 700) => new Promise((r) => setTimeout(r, ms));
/**
 * The bot's clock: the real time unless a test pins it. The rate limits are fixed calendar
 * minutes, so the limit test pins the clock inside one minute; on the real clock a burst handled
 * across a minute edge is (correctly) counted in two windows, which is how this test once saw 15
 * replies where the limit is 10 a minute (see test/rate-limits/rate-limit.test.ts).
 */
let pinned: Date | null = null;

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 8000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  wx = await startMockWechat({
    env: { BOT_RATE_SENDER_PER_MIN: '10', BOT_RATE_GROUP_PER_MIN: '100' },
    botOptions: {
      now: () => pinned ?? new Date(),
      transport: async (message, send) => {
        if (failSends > 0 && message.text.includes('不客气')) {
          failSends--;
          failedTexts.push(message.text);
          throw new Error('simulated WeChat send failure');
        }
        await send(message);
      },
    },
  });
  officer = wx.createResident('张伟警官');
  resident = wx.createResident('王阿姨');
  await createOfficer({ username: 'zhangwei_wx', role: 'officer', rooms: ['HPL'], district: 'XH', wechatIds: [officer.id] });
  group = wx.createGroup('和平里警民群', [officer, resident]);
});
afterAll(async () => {
  await wx?.stop();
  await db.stop();
});

describe('WeChat bot through the mock puppet', () => {
  it('records its state as logged in', async () => {
    const status = await BotStatusModel.findOne({ bot: wx.config.BOT_NAME }).lean();
    expect(status?.state).toBe('logged_in');
  });

  it('stays silent in an unbound group, even when mentioned; refuses a bind command from someone who is not an officer of the room', async () => {
    resident.say(`@${wx.config.BOT_NAME} 身份证丢了怎么办`, [wx.me]).to(group);
    // The refusal of the bind command is the sentinel: once it is out, the question before it was handled.
    resident.say('绑定 HPL').to(group);
    await wx.waitForMessage(group, (t) => t.includes('只有登记了微信号'));
    expect(await GroupBindingModel.countDocuments({})).toBe(0);
    expect(wx.messagesTo(group)).toHaveLength(1);
    expect(await OutboxModel.countDocuments({ conversationId: group.id })).toBe(1);
  });

  it('binds the group on an officer\'s command', async () => {
    officer.say('绑定 HPL').to(group);
    await wx.waitForMessage(group, (t) => t.includes('本群已绑定和平里社区警务室'));
    expect(await GroupBindingModel.findOne({ groupId: group.id }).lean()).toMatchObject({ room: 'HPL', boundVia: 'officer' });
  });

  it('in a bound group answers only when addressed (mention list, @name in text, or keyword), with the mention stripped', async () => {
    const before = wx.messagesTo(group).length;
    const storedBefore = await OutboxModel.countDocuments({ conversationId: group.id });
    resident.say('孩子刚出生怎么上户口').to(group); // not addressed
    // The addressed question after it is the sentinel for the silence.
    resident.say(`@${wx.config.BOT_NAME} 身份证丢了怎么办`, [wx.me]).to(group);
    const answer = await wx.waitForMessage(group, (t) => t.includes('身份证补领'), 5000, before);
    expect(answer).toMatch(/户口簿/);
    expect(answer).toContain('@王阿姨');
    // Nothing answered the unaddressed question (about a birth registration), neither sent nor stored.
    const since = wx.messagesTo(group).slice(before);
    expect(since.filter((t) => t.includes('出生'))).toEqual([]);
    expect(since.every((t) => t.includes('身份证'))).toBe(true);
    expect(await OutboxModel.countDocuments({ conversationId: group.id })).toBe(storedBefore + since.length);

    let seen = wx.messagesTo(group).length;
    resident.say(`@${wx.config.BOT_NAME} 孩子刚出生怎么上户口`).to(group); // plain text mention (web-protocol puppets)
    await wx.waitForMessage(group, (t) => t.includes('出生登记'), 5000, seen);

    seen = wx.messagesTo(group).length;
    resident.say('警务室 临时身份证怎么办').to(group); // keyword
    await wx.waitForMessage(group, (t) => t.includes('临时居民身份证'), 5000, seen);
  });

  it('answers an emergency in the group at once and flags an item for the room', async () => {
    resident.say(`@${wx.config.BOT_NAME} 着火了！3号楼冒烟了`, [wx.me]).to(group);
    const text = await wx.waitForMessage(group, (t) => t.includes('119'));
    expect(text).toContain('本平台不是报警渠道');
    const item = await ItemModel.findOne({ kind: 'emergency', room: 'HPL', 'origin.conversationId': group.id }).lean();
    expect(item?.flagged).toBe(true);
  });

  it('hands a tip off to the private chat without any personal data in the group, then collects it privately', async () => {
    resident.say(`@${wx.config.BOT_NAME} 我要举报 13812345678 这个人在小区卖假烟`, [wx.me]).to(group);
    const handoff = await wx.waitForMessage(group, (t) => t.includes('私聊'));
    expect(handoff).toContain('/?room=HPL');
    for (const t of wx.messagesTo(group)) {
      expect(containsPersonalData(t)).toBe(false);
      expect(t).not.toContain('假烟');
    }
    resident.say('我要举报').to(wx.me);
    await wx.waitForMessage(resident, (t) => t.includes('请描述'));
    resident.say('5号楼一楼商铺晚上卖假烟，经常有面包车卸货').to(wx.me);
    const ask = await wx.waitForMessage(resident, (t) => t.includes('匿名提交'));
    expect(ask).toMatch(/1\. 匿名提交\n2\. 留下联系方式/);
    resident.say('1').to(wx.me); // numbered choice → "匿名提交"
    const done = await wx.waitForMessage(resident, (t) => /J[0-9A-Z]{7}/.test(t));
    expect(done).toMatch(/查询密码/);
    const code = /J[0-9A-Z]{7}/.exec(done)![0];
    expect(await ItemModel.findOne({ code }).lean()).toMatchObject({ kind: 'tip', anonymous: true, origin: null, room: 'HPL' });
  });

  it('creates an item for officers when it cannot answer, and tells the resident the code', async () => {
    const neighbour = wx.createResident('李大爷');
    neighbour.say('选择警务室 HPL').to(wx.me);
    await wx.waitForMessage(neighbour, (t) => t.includes('和平里'));
    neighbour.say('社保卡怎么办理').to(wx.me); // outside the 21 services and the FAQ
    const reply = await wx.waitForMessage(neighbour, (t) => /S[0-9A-Z]{7}/.test(t));
    expect(reply).toMatch(/小时内/);
    const code = /S[0-9A-Z]{7}/.exec(reply)![0];
    expect(await ItemModel.findOne({ code }).lean()).toMatchObject({ room: 'HPL', kind: 'question', status: 'new' });
  });

  it('rate-limits one sender: 10 answers in a minute, then answers again the next minute', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    pinned = new Date(minute + 1000);
    try {
      const spammer = wx.createResident('刷屏的人');
      for (let i = 0; i < 15; i++) spammer.say(`你好 ${i}`).to(wx.me);
      // The burst is handled before the next message (a few at a time, in order); a message in the
      // next minute is a sentinel: once its answer is out, every message of the burst was handled.
      await waitUntil(async () => (await OutboxModel.countDocuments({ conversationId: spammer.id })) >= 10);
      await quiet(300);
      pinned = new Date(minute + 61_000);
      spammer.say('谢谢').to(wx.me);
      await wx.waitForMessage(spammer, (t) => t.includes('不客气'), 8000);
      const got = wx.messagesTo(spammer);
      expect(got.filter((t) => !t.includes('不客气'))).toHaveLength(10);
      // Counted as stored replies too (one outbox row per handled message): exactly 10 + the sentinel's.
      expect(await OutboxModel.countDocuments({ conversationId: spammer.id })).toBe(11);
    } finally {
      pinned = null;
    }
  });

  it('retries a failed send from the outbox with backoff, storing the failure reason, and delivers it once', async () => {
    const r = wx.createResident('重试测试');
    failSends = 2;
    r.say('谢谢').to(wx.me);
    await wx.waitForMessage(r, (t) => t.includes('不客气'), 8000);
    expect(failedTexts.length).toBe(2);
    await waitUntil(async () => (await OutboxModel.countDocuments({ conversationId: r.id, status: 'sent' })) === 1);
    const msg = await OutboxModel.findOne({ conversationId: r.id, status: 'sent' }).lean();
    expect(msg?.attempts).toBe(3);
    expect(msg?.lastError).toContain('simulated WeChat send failure');
    expect(await OutboxSendModel.countDocuments({ message: msg!._id })).toBe(3);
    // A later message's answer is the sentinel: a duplicate delivery would have gone out before it.
    const seen = wx.messagesTo(r).length;
    r.say('你好').to(wx.me);
    await wx.waitForMessage(r, (t) => !t.includes('不客气'), 5000, seen);
    expect(wx.messagesTo(r).filter((t) => t.includes('不客气'))).toHaveLength(1);
  });
});
