import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockContact, type MockRoom, type MockWechat } from '../helpers/mock-wechat';

/**
 * Issue #17, "Emergencies are never dropped", through a real Wechaty on the mock puppet, the
 * real outbox and a real database: a bound group's unaddressed emergency, rate limits and the
 * daily send cap, and group binding commands as a way to silence the bot.
 */
let db: TestDatabase;
let wx: MockWechat;
let officer: MockContact;
let resident: MockContact;
let group: MockRoom;

const quiet = (ms = 700) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, timeoutMs = 8000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await quiet(100);
  }
}
/** What the bot has sent today to everyone (what the daily cap counts). */
const sentToday = () => OutboxModel.countDocuments({ channel: 'wechat', status: 'sent' });

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  wx = await startMockWechat({ env: { BOT_RATE_SENDER_PER_MIN: '3', BOT_RATE_GROUP_PER_MIN: '100', BOT_DAILY_SEND_CAP: '12' } });
  officer = wx.createResident('张伟警官');
  resident = wx.createResident('王阿姨');
  await createOfficer({ username: 'zhangwei_wx', role: 'officer', rooms: ['HPL'], district: 'XH', wechatIds: [officer.id] });
  group = wx.createGroup('和平里警民群', [officer, resident]);
  officer.say('绑定 HPL').to(group);
  await wx.waitForMessage(group, (t) => t.includes('本群已绑定'));
});
afterAll(async () => {
  await wx?.stop();
  await db.stop();
});

describe('emergencies in WeChat are never dropped', () => {
  it('answers an unaddressed emergency in a bound group and alerts the room, once per sender per few minutes', async () => {
    const before = wx.messagesTo(group).length;
    resident.say('快来人 有人晕倒了').to(group); // no mention, no keyword
    const answer = await wx.waitForMessage(group, (t) => t.includes('120'), 5000);
    expect(answer).toContain('@王阿姨');
    const item = await ItemModel.findOne({ kind: 'emergency', room: 'HPL', 'origin.conversationId': group.id }).lean();
    expect(item?.flagged).toBe(true);

    resident.say('快来人啊 有人晕倒了 快').to(group); // the same panicking resident again
    await quiet(2000);
    expect(wx.messagesTo(group).length).toBe(before + 1);
    // Ordinary unaddressed chatter stays unanswered.
    resident.say('今天天气不错').to(group);
    await quiet();
    expect(wx.messagesTo(group).length).toBe(before + 1);
  });

  it('binding commands are rate-limited: a member spamming "解绑" cannot use up the daily cap, the binding stays', async () => {
    const before = await sentToday();
    for (let i = 0; i < 25; i++) resident.say('解绑').to(group);
    await quiet(2500);
    const replies = (await sentToday()) - before;
    expect(replies).toBeLessThanOrEqual(wx.config.BOT_BIND_COMMANDS_PER_10MIN);
    expect(await GroupBindingModel.findOne({ groupId: group.id }).lean()).toMatchObject({ room: 'HPL' });
    // An officer is not locked out by someone else's spam.
    const boundBefore = wx.messagesTo(group).filter((x) => x.includes('本群已绑定')).length;
    officer.say('绑定 HPL').to(group);
    await quiet(1200);
    expect(wx.messagesTo(group).filter((x) => x.includes('本群已绑定')).length).toBe(boundBefore + 1);
  });

  it('a rate-limited sender still gets the emergency answer', async () => {
    const r = wx.createResident('着急的居民');
    for (let i = 0; i < 5; i++) r.say('你好').to(wx.me);
    await quiet(1500);
    expect(wx.messagesTo(r).length).toBeLessThanOrEqual(3);
    r.say('有人持刀抢劫 就在楼下').to(wx.me);
    const answer = await wx.waitForMessage(r, (t) => t.includes('本平台不是报警渠道'), 5000);
    expect(answer).toContain('110');
  });

  it('the daily send cap holds ordinary replies but never an emergency answer', async () => {
    // Use up the cap with ordinary private chats (each resident stays under the sender limit).
    for (let i = 0; (await sentToday()) < wx.config.BOT_DAILY_SEND_CAP && i < 20; i++) {
      const r = wx.createResident(`居民${i}`);
      r.say('谢谢').to(wx.me);
      await quiet(400);
    }
    expect(await sentToday()).toBeGreaterThanOrEqual(wx.config.BOT_DAILY_SEND_CAP);
    const late = wx.createResident('晚来的居民');
    late.say('谢谢').to(wx.me);
    await quiet(1200);
    expect(wx.messagesTo(late)).toEqual([]); // ordinary replies wait for tomorrow

    const urgent = wx.createResident('遇险的居民');
    urgent.say('着火了！3号楼冒烟了').to(wx.me);
    const answer = await wx.waitForMessage(urgent, (t) => t.includes('本平台不是报警渠道'), 5000);
    expect(answer).toContain('119');
  });

  it('repeated emergencies from one conversation page the officers once: one item gathers the repeats', async () => {
    const r = wx.createResident('反复报警的人');
    r.say('选择警务室 HPL').to(wx.me);
    await quiet(600);
    const before = await ItemModel.countDocuments({ kind: 'emergency', 'origin.conversationId': r.id });
    for (let i = 0; i < 3; i++) {
      r.say(`有人打架了 快来 ${i}`).to(wx.me);
      await until(async () => wx.messagesTo(r).filter((t) => t.includes('本平台不是报警渠道')).length === i + 1);
    }
    const items = await ItemModel.find({ kind: 'emergency', 'origin.conversationId': r.id }).lean();
    expect(items.length - before).toBe(1);
    const thread = await ItemMessageModel.find({ item: items[items.length - 1]._id, author: 'resident' }).lean();
    expect(thread.length).toBe(3);
  });
});
