import { OutboxModel, OutboxSendModel } from '../../src/modules/outbox/outbox.model';
import { purgeDeliveredMessages } from '../../src/modules/outbox/outbox.sender';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { seedAll } from '../../src/modules/seed/seed.service';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockWechat } from '../helpers/mock-wechat';

/** Issue #17: a tip's one-time secret sent through WeChat does not stay readable in the outbox; delivered rows are purged. */
let db: TestDatabase;
let wx: MockWechat;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  wx = await startMockWechat();
});
afterAll(async () => {
  await wx?.stop();
  await db.stop();
});

it('once delivered, the tip code and secret are gone from the stored message', async () => {
  const r = wx.createResident('匿名的人');
  r.say('选择警务室 HPL').to(wx.me);
  await wx.waitForMessage(r, (t) => t.includes('和平里'));
  r.say('我要匿名举报 7号楼车库有人每晚卖假烟，面包车卸货').to(wx.me);
  const done = await wx.waitForMessage(r, (t) => t.includes('查询密码'), 8000);
  const code = /J[0-9A-Z]{7}/.exec(done)![0];
  const secret = /查询密码：(\S+)/.exec(done)![1];
  await new Promise((res) => setTimeout(res, 500));
  const stored = await OutboxModel.find({ conversationId: r.id }).lean();
  const all = stored.map((m) => m.text).join('\n');
  expect(stored.every((m) => m.status === 'sent')).toBe(true);
  expect(all).toContain('查询密码');
  expect(all).not.toContain(secret);
  expect(all).not.toContain(code);
});

it('delivered messages are purged after the retention; queued ones stay', async () => {
  // Not due yet, so the running bot's sender does not take it before the test marks it sent 40 days ago.
  const old = await enqueueMessage({ key: 'purge:old', to: { channel: 'wechat', conversationId: 'wx-x', isGroup: false }, text: '旧消息', notBefore: new Date(Date.now() + 86_400_000) });
  await OutboxModel.updateOne({ _id: old.message._id }, { $set: { status: 'sent', sentAt: new Date(Date.now() - 40 * 86_400_000) } });
  await OutboxSendModel.create({ message: old.message._id, attempt: 1, sender: 'test', claimedAt: new Date(Date.now() - 40 * 86_400_000) });
  const queued = await enqueueMessage({ key: 'purge:queued', to: { channel: 'web', conversationId: 'web-x', isGroup: false }, text: '待发', notBefore: new Date(Date.now() + 86_400_000) });
  await OutboxModel.updateOne({ _id: queued.message._id }, { $set: { createdAt: new Date(Date.now() - 40 * 86_400_000) } });
  const purged = await purgeDeliveredMessages(new Date(), wx.config.OUTBOX_RETENTION_DAYS);
  expect(purged).toBeGreaterThanOrEqual(1);
  expect(await OutboxModel.findById(old.message._id).lean()).toBeNull();
  expect(await OutboxSendModel.countDocuments({ message: old.message._id })).toBe(0);
  expect(await OutboxModel.findById(queued.message._id).lean()).not.toBeNull();
  expect(await OutboxModel.countDocuments({ status: 'sent', sentAt: { $gte: new Date(Date.now() - 86_400_000) } })).toBeGreaterThan(0);
});
