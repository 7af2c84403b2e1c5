import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { OutboxModel, OutboxOpenModel, OutboxSendModel, type OutboxMessage } from '../../src/modules/outbox/outbox.model';
import { createOutboxSender } from '../../src/modules/outbox/outbox.sender';
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
