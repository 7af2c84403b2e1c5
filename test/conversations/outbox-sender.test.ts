import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { OutboxModel, OutboxOpenModel, OutboxSendModel, type OutboxMessage } from '../../src/modules/outbox/outbox.model';
import { backoffMs, createOutboxSender, OutboxGiveUp, OutboxHold, purgeDeliveredMessages } from '../../src/modules/outbox/outbox.sender';
import { createRateLimiter } from '../../src/modules/rate-limits/rate-limit';
import { testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => db.clear());

const to = (i: number) => ({ channel: 'wechat' as const, conversationId: `wxid_${i}`, isGroup: false });

describe('outbox sender', () => {
  it('two concurrent senders never send the same message', async () => {
    for (let i = 0; i < 20; i++) await enqueueMessage({ key: `k${i}`, to: to(i), text: `消息${i}` });
    const delivered: string[] = [];
    const make = (name: string) =>
      createOutboxSender({
        channel: 'wechat',
        senderId: name,
        logger: testLogger(),
        send: async (m: OutboxMessage) => {
          delivered.push(m.key);
          await new Promise((r) => setTimeout(r, 2));
        },
      });
    const a = make('bot-a');
    const b = make('bot-b');
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(delivered.sort()).toEqual([...Array(20).keys()].map((i) => `k${i}`).sort());
    expect(await OutboxModel.countDocuments({ status: 'sent' })).toBe(20);
  });

  it('polls the small open-row collection; a message without a row is still sent by the once-a-minute repair pass', async () => {
    let clock = new Date(Date.now() + 1000);
    const delivered: string[] = [];
    const sender = createOutboxSender({ channel: 'wechat', senderId: 's', logger: testLogger(), now: () => clock, send: async (m) => void delivered.push(m.key) });
    await enqueueMessage({ key: 'with-row', to: to(1), text: '有行' });
    expect(await OutboxOpenModel.countDocuments()).toBe(1);
    await sender.tick();
    expect(delivered).toEqual(['with-row']);
    expect(await OutboxOpenModel.countDocuments()).toBe(0); // delivered: the row is gone
    // A message whose row was lost (written by an older version, or the row insert failed).
    await enqueueMessage({ key: 'lost-row', to: to(2), text: '丢了行' });
    await OutboxOpenModel.deleteMany({});
    clock = new Date(clock.getTime() + 5_000);
    await sender.tick();
    expect(delivered).toEqual(['with-row']); // not seen until the repair pass …
    clock = new Date(clock.getTime() + 60_000);
    await sender.tick();
    expect(delivered).toEqual(['with-row', 'lost-row']); // … which runs once a minute
    expect((await OutboxModel.findOne({ key: 'lost-row' }).lean())!.status).toBe('sent');
  });

  it('retries with backoff, stores the reason, and gives up after maxAttempts', async () => {
    await enqueueMessage({ key: 'fail', to: to(1), text: '发不出去' });
    let clock = new Date(Date.now() + 1000);
    const sender = createOutboxSender({
      channel: 'wechat',
      senderId: 's',
      logger: testLogger(),
      now: () => clock,
      maxAttempts: 3,
      baseBackoffMs: 1000,
      send: async () => {
        throw new Error('微信接口超时');
      },
    });
    expect((await sender.tick()).failed).toBe(1);
    let msg = await OutboxModel.findOne({ key: 'fail' }).lean();
    expect(msg).toMatchObject({ status: 'queued', attempts: 1, lastError: '微信接口超时' });
    expect(msg!.nextAttemptAt.getTime()).toBe(clock.getTime() + 1000);
    expect((await sender.tick()).failed).toBe(0); // not due yet
    clock = new Date(clock.getTime() + 1000);
    await sender.tick();
    clock = new Date(clock.getTime() + 2000);
    await sender.tick();
    msg = await OutboxModel.findOne({ key: 'fail' }).lean();
    expect(msg).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await OutboxSendModel.countDocuments({ message: msg!._id })).toBe(3);
  });

  it('recovers a message left in "sending" by a crashed sender', async () => {
    const { message } = await enqueueMessage({ key: 'stuck', to: to(2), text: '卡住的' });
    await OutboxSendModel.create({ message: message._id, attempt: 1, sender: 'dead', claimedAt: new Date(Date.now() - 600_000) });
    await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { status: 'sending', attempts: 1, updatedAt: new Date(Date.now() - 600_000) } });
    const sent: string[] = [];
    const sender = createOutboxSender({ channel: 'wechat', senderId: 'alive', logger: testLogger(), send: async (m) => void sent.push(m.key) });
    await sender.tick();
    expect(sent).toEqual(['stuck']);
    expect((await OutboxModel.findById(message._id).lean())!.attempts).toBe(2);
  });
});

describe('outbox sender: holds, give-ups, hand-overs and order', () => {
  const sender = (send: (m: OutboxMessage) => Promise<unknown>, extra: Partial<Parameters<typeof createOutboxSender>[0]> = {}, clock = () => new Date(Date.now() + 1000)) =>
    createOutboxSender({ channel: 'wechat', senderId: 's', logger: testLogger(), now: clock, send: send as never, ...extra });
  const msg = async (key: string) => (await OutboxModel.findOne({ key }).lean())!;

  it('a hold until a time puts the message back in the queue until then, and is not a failed attempt', async () => {
    await enqueueMessage({ key: 'quiet', to: to(1), text: '明早再发' });
    let clock = new Date(Date.now() + 1000);
    const until = new Date(clock.getTime() + 3_600_000);
    let holding = true;
    const sent: string[] = [];
    const s = sender(async (m) => {
      if (holding) throw new OutboxHold(until, '静默时段（22:00–07:00）');
      sent.push(m.key);
    }, { maxAttempts: 1 }, () => clock);
    expect(await s.tick()).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(await msg('quiet')).toMatchObject({ status: 'queued', lastError: '静默时段（22:00–07:00）', holds: 1, attempts: 1 });
    expect((await msg('quiet')).nextAttemptAt).toEqual(until);
    expect((await OutboxOpenModel.findById((await msg('quiet'))._id).lean())!.nextAttemptAt).toEqual(until);
    clock = new Date(until.getTime() - 1);
    await s.tick();
    expect(sent).toEqual([]); // not before the hold ends
    clock = until;
    holding = false;
    expect(await s.tick()).toEqual({ sent: 1, failed: 0, skipped: 0 }); // maxAttempts 1: the hold did not use it up
    expect(await msg('quiet')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a hold without a time (the resident must write first) parks the message as held, not retried', async () => {
    await enqueueMessage({ key: 'kf', to: to(1), text: '客服窗口已关' });
    const calls: string[] = [];
    const s = sender(async (m) => {
      calls.push(m.key);
      throw new OutboxHold(null, '超过48小时，等居民再次发消息');
    });
    expect(await s.tick()).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(await msg('kf')).toMatchObject({ status: 'held', lastError: '超过48小时，等居民再次发消息', holds: 1 });
    expect(await OutboxOpenModel.countDocuments()).toBe(0);
    await s.tick();
    expect(calls).toEqual(['kf']);
  });

  it('a message that can never go out fails at once, with its reason', async () => {
    await enqueueMessage({ key: 'bad', to: to(1), text: '号码无效' });
    const s = sender(async () => {
      throw new OutboxGiveUp('号码已停机');
    }, { maxAttempts: 5 });
    expect(await s.tick()).toEqual({ sent: 0, failed: 1, skipped: 0 });
    expect(await msg('bad')).toMatchObject({ status: 'failed', lastError: '号码已停机', attempts: 1 });
    expect(await OutboxOpenModel.countDocuments()).toBe(0);
  });

  it('holds before a failure do not count towards the failure limit', async () => {
    await enqueueMessage({ key: 'mix', to: to(1), text: '先等后失败' });
    let clock = new Date(Date.now() + 1000);
    let n = 0;
    const s = sender(async () => {
      n++;
      if (n === 1) throw new OutboxHold(new Date(clock.getTime() + 10), '每分钟限额');
      throw new Error('接口超时');
    }, { maxAttempts: 2, baseBackoffMs: 10 }, () => clock);
    await s.tick(); // hold (claim 1)
    clock = new Date(clock.getTime() + 10);
    expect((await s.tick()).failed).toBe(1); // failure 1 of 2 (claim 2)
    expect((await msg('mix')).status).toBe('queued');
    clock = new Date(clock.getTime() + 20); // backoff after claim 2: 10 ms · 2
    expect((await s.tick()).failed).toBe(1); // failure 2 of 2 (claim 3)
    expect(await msg('mix')).toMatchObject({ status: 'failed', attempts: 3, lastError: '接口超时' });
  });

  it('a failure reason is kept readable: at most 500 characters, non-errors as text', async () => {
    await enqueueMessage({ key: 'long', to: to(1), text: 'x' });
    await sender(async () => {
      throw 'y'.repeat(700);
    }).tick();
    expect((await msg('long')).lastError).toBe('y'.repeat(500));
  });

  it('a send handed over for confirmation is awaiting, with the channel’s id; a plain send is sent', async () => {
    await enqueueMessage({ key: 'task', to: to(1), text: '群发任务' });
    const at = new Date(Date.now() + 1000);
    await sender(async () => ({ status: 'awaiting', externalId: 'msgid-42' }), {}, () => at).tick();
    expect(await msg('task')).toMatchObject({ status: 'awaiting', externalId: 'msgid-42', lastError: null, sentAt: null });
    expect((await msg('task')).handedOverAt).toEqual(at);
    await enqueueMessage({ key: 'plain', to: to(2), text: '普通' });
    await sender(async () => undefined, {}, () => at).tick();
    expect(await msg('plain')).toMatchObject({ status: 'sent', handedOverAt: null });
    expect((await msg('plain')).sentAt).toEqual(at);
  });

  it('once handed over, codes in the text are blanked; other texts stay as they were', async () => {
    await enqueueMessage({ key: 'code', to: to(1), text: '您的验证码：123456，5分钟内有效' });
    await enqueueMessage({ key: 'text', to: to(2), text: '明天上午九点办理' });
    const seen: string[] = [];
    await sender(async (m) => void seen.push(m.text)).tick();
    expect(seen.sort()).toEqual(['明天上午九点办理', '您的验证码：123456，5分钟内有效'].sort()); // sent in full
    expect((await msg('code')).text).toBe('您的验证码：[已删除]，5分钟内有效');
    expect((await msg('text')).text).toBe('明天上午九点办理');
    await enqueueMessage({ key: 'code2', to: to(3), text: '绑定码 ABCD-1234' });
    await sender(async () => ({ status: 'awaiting', externalId: 'e' })).tick();
    expect((await msg('code2')).text).toBe('绑定码 [已删除]');
  });

  it('urgent messages first, then the oldest; at most a batch per tick', async () => {
    const base = Date.now();
    const order: string[] = [];
    const s = sender(async (m) => void order.push(m.key), { batchSize: 3 }, () => new Date(base + 1000));
    await s.tick(); // the once-a-minute repair pass runs now, on an empty outbox
    for (let i = 0; i < 4; i++) await enqueueMessage({ key: `n${i}`, to: to(i), text: '普通', notBefore: new Date(base - (10 - i) * 1000) });
    await enqueueMessage({ key: 'u', to: to(9), text: '紧急', urgent: true, notBefore: new Date(base) });
    expect((await s.tick()).sent).toBe(3);
    expect(order).toEqual(['u', 'n0', 'n1']);
    await s.tick();
    expect(order).toEqual(['u', 'n0', 'n1', 'n2', 'n3']);
  });

  it('a message not yet due waits; one due to the millisecond goes', async () => {
    const at = new Date(Date.now() + 60_000);
    await enqueueMessage({ key: 'later', to: to(1), text: '稍后', notBefore: at });
    const order: string[] = [];
    let clock = new Date(at.getTime() - 1);
    const s = sender(async (m) => void order.push(m.key), {}, () => clock);
    await s.tick();
    expect(order).toEqual([]);
    clock = at;
    await s.tick();
    expect(order).toEqual(['later']);
  });

  it('canSend false skips a message for this tick without claiming it', async () => {
    await enqueueMessage({ key: 'capped', to: to(1), text: '今日已达上限' });
    let allow = false;
    const sent: string[] = [];
    const s = sender(async (m) => void sent.push(m.key), { canSend: () => allow });
    expect(await s.tick()).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(await msg('capped')).toMatchObject({ status: 'queued', attempts: 0 });
    allow = true;
    expect((await s.tick()).sent).toBe(1);
  });

  it('a sender for one account sends that account’s messages and those for any account, not another’s', async () => {
    await enqueueMessage({ key: 'mine', to: { ...to(1), account: 'bot-1' }, text: '1' });
    await enqueueMessage({ key: 'any', to: to(2), text: '2' });
    await enqueueMessage({ key: 'theirs', to: { ...to(3), account: 'bot-2' }, text: '3' });
    const sent: string[] = [];
    await sender(async (m) => void sent.push(m.key), { account: 'bot-1' }).tick();
    expect(sent.sort()).toEqual(['any', 'mine']);
    // The repair pass (rows lost) keeps to the same accounts.
    await OutboxOpenModel.deleteMany({});
    await enqueueMessage({ key: 'mine2', to: { ...to(4), account: 'bot-1' }, text: '4' });
    await enqueueMessage({ key: 'theirs2', to: { ...to(5), account: 'bot-2' }, text: '5' });
    await OutboxOpenModel.deleteMany({});
    const repaired: string[] = [];
    await sender(async (m) => void repaired.push(m.key), { account: 'bot-1' }).tick();
    expect(repaired).toEqual(['mine2']);
    expect((await msg('theirs2')).status).toBe('queued');
  });

  it('a message only just claimed by another sender is left to it; one stuck in sending is retried after staleSendingMs', async () => {
    const { message } = await enqueueMessage({ key: 'busy', to: to(1), text: '别人在发' });
    const now = new Date(Date.now() + 1000);
    await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { status: 'sending', attempts: 1, updatedAt: new Date(now.getTime() - 30_000) } });
    await OutboxOpenModel.updateOne({ _id: message._id }, { $set: { status: 'sending', updatedAt: new Date(now.getTime() - 30_000) } });
    const sent: string[] = [];
    const s = sender(async (m) => void sent.push(m.key), { staleSendingMs: 60_000 }, () => now);
    await s.tick();
    expect(sent).toEqual([]);
    const later = sender(async (m) => void sent.push(m.key), { staleSendingMs: 30_000 }, () => now);
    await later.tick();
    expect(sent).toEqual(['busy']);
    expect(await msg('busy')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('an open row of a message already sent or gone is dropped, and nothing is sent twice', async () => {
    const { message } = await enqueueMessage({ key: 'done', to: to(1), text: '已发' });
    await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { status: 'sent' } });
    const sent: string[] = [];
    await sender(async (m) => void sent.push(m.key)).tick();
    expect(sent).toEqual([]);
    expect(await OutboxOpenModel.countDocuments()).toBe(0);
  });

  it('start polls, kick sends soon after an enqueue, stop waits for the tick under way', async () => {
    const sent: string[] = [];
    const s = createOutboxSender({ channel: 'wechat', senderId: 's', logger: testLogger(), send: async (m) => void sent.push(m.key) });
    await enqueueMessage({ key: 'first', to: to(1), text: '1' });
    s.start(60_000); // runs a tick at once
    for (let i = 0; i < 100 && sent.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual(['first']);
    await enqueueMessage({ key: 'kicked', to: to(2), text: '2' });
    s.kick();
    for (let i = 0; i < 100 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual(['first', 'kicked']);
    await s.stop();
    await enqueueMessage({ key: 'after-stop', to: to(3), text: '3' });
    s.kick();
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toEqual(['first', 'kicked']);
  });

  it('backoff doubles from the base up to the maximum', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffMs(0, 1000)).toBe(1000);
    expect(backoffMs(1)).toBe(2000);
    expect(backoffMs(20)).toBe(600_000);
  });

  it('purges delivered and failed messages past the retention, with their claims, and keeps the rest', async () => {
    const now = new Date();
    const day = 86_400_000;
    const mk = async (key: string, status: string, at: Date) => {
      const { message } = await enqueueMessage({ key, to: to(1), text: key });
      await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { status, sentAt: status === 'sent' ? at : null, updatedAt: at } });
      await OutboxSendModel.create({ message: message._id, attempt: 1, sender: 's', claimedAt: at });
    };
    await mk('old-sent', 'sent', new Date(now.getTime() - 31 * day));
    await mk('old-failed', 'failed', new Date(now.getTime() - 31 * day));
    await mk('new-sent', 'sent', new Date(now.getTime() - 29 * day));
    await mk('old-queued', 'queued', new Date(now.getTime() - 31 * day));
    expect(await purgeDeliveredMessages(now, 30)).toBe(2);
    expect((await OutboxModel.find({}).lean()).map((m) => m.key).sort()).toEqual(['new-sent', 'old-queued']);
    expect(await OutboxSendModel.countDocuments()).toBe(2);
  });
});

describe('shared rate limiter', () => {
  it('allows exactly `points` hits per window even under concurrency, across limiter instances', async () => {
    const a = createRateLimiter({ name: 't', points: 5, windowMs: 60_000 });
    const b = createRateLimiter({ name: 't', points: 5, windowMs: 60_000 });
    const now = new Date('2025-01-01T00:00:10Z');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).consume('k', now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect((await a.consume('k', new Date('2025-01-01T00:01:10Z'))).allowed).toBe(true);
  });
});
