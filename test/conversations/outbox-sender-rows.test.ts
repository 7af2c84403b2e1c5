import pino from 'pino';
import type { Types } from 'mongoose';
import { createLogger } from '../../src/logging/logger';
import { enqueueMessage, releaseHeld } from '../../src/modules/outbox/outbox.service';
import { OutboxModel, OutboxOpenModel, OutboxSendModel, type OutboxMessage } from '../../src/modules/outbox/outbox.model';
import { createOutboxSender, OutboxGiveUp, OutboxHold, type OutboxSenderOptions } from '../../src/modules/outbox/outbox.sender';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The outbox sender between its once-a-minute repair passes, when it reads only the small
 * collection of open rows: which rows it takes (channel, account, due, stuck, batch, order), that
 * each change to one message's row leaves the others' alone, what it counts and logs, and how
 * start / kick / stop pace its ticks. (The first tick of a sender runs the repair pass, which reads
 * the outbox itself and would hide a wrong open-row filter; so each sender here has run it first.)
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => db.clear());

type LogLine = Record<string, unknown> & { msg: string; level: number };
function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' });
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => void lines.push(s) };
  return { logger, logged: () => lines.map((l) => JSON.parse(l) as LogLine) };
}

const to = (i: number, account?: string) => ({ channel: 'wechat' as const, conversationId: `wxid_${i}`, isGroup: false, ...(account ? { account } : {}) });
const msg = async (key: string) => (await OutboxModel.findOne({ key }).lean<OutboxMessage>())!;
const SECOND = 1000;

/** A sender on a clock the test moves, whose repair pass has just run: for the next minute its ticks read the open rows only. */
async function warmSender(extra: Partial<OutboxSenderOptions> = {}) {
  let clock = new Date(Date.now() + SECOND);
  const { logger, logged } = capture();
  const sent: string[] = [];
  const sender = createOutboxSender({
    channel: 'wechat',
    senderId: 'warm-1',
    logger,
    now: () => clock,
    send: async (m) => void sent.push(m.key),
    ...extra,
  });
  expect(await sender.tick()).toEqual({ sent: 0, failed: 0, skipped: 0 }); // the repair pass, on an empty outbox
  clock = new Date(clock.getTime() + SECOND);
  return {
    sender,
    sent,
    logged,
    now: () => clock,
    advance(ms: number) {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

/** Marks a message as taken by another sender at `at` (its claim, the message and its row), as that sender would. */
async function inFlight(id: Types.ObjectId, at: Date, attempts = 1) {
  await OutboxModel.collection.updateOne({ _id: id }, { $set: { status: 'sending', attempts, updatedAt: at } });
  await OutboxOpenModel.updateOne({ _id: id }, { $set: { status: 'sending', updatedAt: at } });
}

describe('which open rows a sender takes', () => {
  it('keeps to its channel and account', async () => {
    const w = await warmSender({ account: 'bot-1' });
    const all = await warmSender();
    await enqueueMessage({ key: 'mine', to: to(1, 'bot-1'), text: '1' });
    await enqueueMessage({ key: 'any', to: to(2), text: '2' });
    await enqueueMessage({ key: 'theirs', to: to(3, 'bot-2'), text: '3' });
    await enqueueMessage({ key: 'sms', to: { channel: 'sms', conversationId: '13900000001', isGroup: false }, text: '4' });
    expect(await w.sender.tick()).toEqual({ sent: 2, failed: 0, skipped: 0 });
    expect(w.sent.sort()).toEqual(['any', 'mine']);
    // A sender for no particular account takes every account's WeChat messages, still not the SMS.
    await all.sender.tick();
    expect(all.sent).toEqual(['theirs']);
    expect((await msg('sms')).status).toBe('queued');
  });

  it.each([
    ['an urgent message not due for an hour', async () => void (await enqueueMessage({ key: 'blocker', to: to(1), text: '稍后', urgent: true, notBefore: new Date(Date.now() + 3_600_000) }))],
    [
      'an urgent message another sender is sending right now',
      async (now: Date) => {
        const { message } = await enqueueMessage({ key: 'blocker', to: to(1), text: '正在发', urgent: true });
        await inFlight(message._id, now);
      },
    ],
  ])('a batch of one is not taken up by %s: the due message goes', async (_what, block) => {
    const w = await warmSender({ batchSize: 1 });
    await block(w.now());
    await enqueueMessage({ key: 'due', to: to(2), text: '该发了' });
    expect(await w.sender.tick()).toMatchObject({ sent: 1 });
    expect(w.sent).toEqual(['due']);
    expect((await msg('blocker')).status).not.toBe('sent');
  });

  it('takes due messages oldest first, a batch per tick', async () => {
    const w = await warmSender({ batchSize: 1 });
    const ago = (ms: number) => new Date(Date.now() - ms);
    await enqueueMessage({ key: 'newer', to: to(1), text: '1', notBefore: ago(1_000) });
    await enqueueMessage({ key: 'oldest', to: to(2), text: '2', notBefore: ago(120_000) });
    await enqueueMessage({ key: 'older', to: to(3), text: '3', notBefore: ago(60_000) });
    for (let i = 0; i < 3; i++) expect(await w.sender.tick()).toMatchObject({ sent: 1 });
    expect(w.sent).toEqual(['oldest', 'older', 'newer']);
  });

  it('retries messages stuck in "sending" from the time they count as stale (to the millisecond), a batch per tick, and says the resident may get one twice', async () => {
    const w = await warmSender({ batchSize: 1, staleSendingMs: 30 * SECOND });
    const stuck = async (key: string, age: number) => {
      const { message } = await enqueueMessage({ key, to: to(key.length), text: key });
      await inFlight(message._id, new Date(w.now().getTime() - age));
      return message._id;
    };
    await stuck('fresh', 0); // first in the collection: a wrong filter would take it first
    const first = await stuck('stale-exactly', 30 * SECOND);
    await stuck('stale-older', 40 * SECOND);
    expect(await w.sender.tick()).toMatchObject({ sent: 1 });
    expect(w.sent).toEqual(['stale-exactly']);
    expect(await msg('stale-exactly')).toMatchObject({ status: 'sent', attempts: 2 });
    await w.sender.tick();
    expect(w.sent).toEqual(['stale-exactly', 'stale-older']);
    await w.sender.tick();
    expect(w.sent).toEqual(['stale-exactly', 'stale-older']); // the fresh one stays with its sender
    const warnings = w.logged().filter((l) => l.msg.includes('may receive it twice'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ level: 40, message: String(first), attempt: 2, outbox: 'wechat', sender: 'warm-1' });
  });

  it('says nothing of duplicates for a first attempt', async () => {
    const w = await warmSender();
    await enqueueMessage({ key: 'plain', to: to(1), text: '普通' });
    await w.sender.tick();
    expect(w.sent).toEqual(['plain']);
    expect(w.logged().filter((l) => l.level >= 40)).toEqual([]);
  });

  it('runs its repair pass again exactly a minute after the last, and logs only the rows it put back', async () => {
    // 'waiting' has its row and stays queued (skipped): the repair pass finds it too, but has nothing to put back.
    const w = await warmSender({ canSend: (m) => m.key !== 'waiting' });
    const repairedAt = w.now().getTime() - SECOND; // the warm-up tick
    await enqueueMessage({ key: 'waiting', to: to(1), text: '有行，暂不能发' });
    const { message: lost } = await enqueueMessage({ key: 'lost', to: to(2), text: '丢了行' });
    await OutboxOpenModel.deleteOne({ _id: lost._id });
    w.advance(repairedAt + 60_000 - 1 - w.now().getTime());
    await w.sender.tick();
    expect(w.sent).toEqual([]); // not before the minute is up
    w.advance(1);
    await w.sender.tick();
    expect(w.sent).toEqual(['lost']);
    const repaired = w.logged().filter((l) => l.msg === 'outbox row repaired');
    expect(repaired).toHaveLength(1);
    expect(repaired[0]).toMatchObject({ level: 30, message: String(lost._id), outbox: 'wechat' });
  });

  it('drops the row of a message that failed for good without sending it again, and no other row', async () => {
    let allowNext = false;
    const w2 = await warmSender({ staleSendingMs: 30 * SECOND, canSend: (m) => m.key !== 'next' || allowNext });
    await enqueueMessage({ key: 'next', to: to(1), text: '下一条' });
    const { message } = await enqueueMessage({ key: 'given-up', to: to(2), text: '已放弃' });
    await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { status: 'failed', updatedAt: new Date(w2.now().getTime() - 600_000) } });
    expect(await w2.sender.tick()).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(w2.sent).toEqual([]);
    expect(await OutboxOpenModel.exists({ _id: message._id })).toBeNull();
    expect((await msg('given-up')).status).toBe('failed');
    allowNext = true;
    await w2.sender.tick();
    expect(w2.sent).toEqual(['next']);
  });

  it('leaves a message another sender has just put off, although its row still says due', async () => {
    const w = await warmSender();
    const { message } = await enqueueMessage({ key: 'backed-off', to: to(1), text: '稍后重试' });
    await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { nextAttemptAt: new Date(w.now().getTime() + 60_000), attempts: 1 } });
    await w.sender.tick();
    expect(w.sent).toEqual([]);
  });

  it('leaves a message another sender has just taken again, although its row still says stuck', async () => {
    const w = await warmSender({ staleSendingMs: 30 * SECOND });
    const { message } = await enqueueMessage({ key: 'retaken', to: to(1), text: '别人刚接手' });
    // The other sender has written the message (attempt 2, just now) but not yet its row.
    await OutboxModel.collection.updateOne({ _id: message._id }, { $set: { status: 'sending', attempts: 2, updatedAt: w.now() } });
    await OutboxOpenModel.updateOne({ _id: message._id }, { $set: { status: 'sending', updatedAt: new Date(w.now().getTime() - 60 * SECOND) } });
    await w.sender.tick();
    expect(w.sent).toEqual([]);
  });

  it('the repair pass also finds a message stuck in "sending" whose row was lost', async () => {
    const { message } = await enqueueMessage({ key: 'stuck-no-row', to: to(1), text: '卡住了' });
    await inFlight(message._id, new Date(Date.now() - 10 * 60_000));
    await OutboxOpenModel.deleteOne({ _id: message._id });
    const sent: string[] = [];
    const s = createOutboxSender({ channel: 'wechat', senderId: 'fresh', logger: capture().logger, staleSendingMs: 60 * SECOND, send: async (m) => void sent.push(m.key) });
    await s.tick(); // a new sender's first tick runs the repair pass
    expect(sent).toEqual(['stuck-no-row']);
    expect(await msg('stuck-no-row')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it("a message one sender is sending does not take up another sender's batch", async () => {
    const gate = { open: () => {} };
    const opened = new Promise<void>((r) => (gate.open = r));
    let sendingSlow = false;
    const slow = createOutboxSender({
      channel: 'wechat',
      senderId: 'slow',
      logger: capture().logger,
      canSend: (m) => m.key === 'slow-urgent',
      send: async () => {
        sendingSlow = true;
        await opened;
      },
    });
    const w = await warmSender({ batchSize: 1, senderId: 'other' });
    await enqueueMessage({ key: 'slow-urgent', to: to(1), text: '慢', urgent: true });
    await enqueueMessage({ key: 'normal', to: to(2), text: '普通' });
    const slowTick = slow.tick();
    for (let i = 0; i < 500 && !sendingSlow; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sendingSlow).toBe(true);
    await w.sender.tick();
    expect(w.sent).toEqual(['normal']);
    gate.open();
    await slowTick;
  });

  it('a message under way is not taken for stuck by a sender whose clock is days ahead of the database (jobs run on a test or replay clock)', async () => {
    const future = new Date(Date.now() + 4 * 86_400_000);
    const gate = { open: () => {} };
    const opened = new Promise<void>((r) => (gate.open = r));
    const sent: string[] = [];
    let underWay = false;
    const make = (id: string, slow: boolean) =>
      createOutboxSender({
        channel: 'wechat',
        senderId: id,
        logger: capture().logger,
        now: () => future,
        send: async (m) => {
          if (slow) {
            underWay = true;
            await opened;
          }
          sent.push(`${id}:${m.key}`);
        },
      });
    await enqueueMessage({ key: 'once', to: to(1), text: '只发一次' });
    const first = make('a', true);
    const second = make('b', false);
    const firstTick = first.tick();
    for (let i = 0; i < 500 && !underWay; i++) await new Promise((r) => setTimeout(r, 10));
    expect(underWay).toBe(true);
    await second.tick();
    gate.open();
    await firstTick;
    expect(sent).toEqual(['a:once']);
  });

  it('a message it finds claimed for this attempt already is skipped, not sent', async () => {
    const w = await warmSender();
    const { message } = await enqueueMessage({ key: 'claimed', to: to(1), text: '已被领取' });
    await OutboxSendModel.create({ message: message._id, attempt: 1, sender: 'other', claimedAt: new Date() });
    expect(await w.sender.tick()).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(w.sent).toEqual([]);
  });
});

describe("one message's outcome leaves the other messages alone", () => {
  const long = '原因'.repeat(300); // 600 characters
  it.each([
    ['held until the resident writes', () => new OutboxHold(null, long), { status: 'held', holds: 1 }],
    ['held until a time', (now: Date) => new OutboxHold(new Date(now.getTime() + 3_600_000), long), { status: 'queued', holds: 1 }],
    ['failed, to be retried', () => new Error(long), { status: 'queued', attempts: 1 }],
    ['given up', () => new OutboxGiveUp(long), { status: 'failed' }],
    ['sent', () => null, { status: 'sent' }],
  ] as const)('%s', async (_what, outcome, expected) => {
    let allowFirst = false;
    const w = await warmSender({
      canSend: (m) => m.key !== 'first' || allowFirst,
      send: async (m) => {
        if (m.key === 'first') return void w.sent.push(m.key);
        const err = outcome(w.now());
        if (err) throw err;
        w.sent.push(m.key);
      },
    });
    // 'first' comes first in both collections: a write meant for 'x' that lost its filter would land on it.
    await enqueueMessage({ key: 'first', to: to(1), text: '先到' });
    await enqueueMessage({ key: 'x', to: to(2), text: '这一条' });
    await w.sender.tick();
    expect(await msg('x')).toMatchObject(expected);
    if (expected.status !== 'sent') expect((await msg('x')).lastError).toHaveLength(500);
    expect(await msg('first')).toMatchObject({ status: 'queued', attempts: 0, lastError: null });
    allowFirst = true;
    w.advance(SECOND);
    await w.sender.tick();
    expect(w.sent).toContain('first');
    expect(await msg('first')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('while a send is under way the message reads "sending" with its attempt', async () => {
    let seen: Partial<OutboxMessage> | null = null;
    const w = await warmSender({ send: async (m) => void (seen = await msg(m.key)) });
    await enqueueMessage({ key: 'watch', to: to(1), text: '看状态' });
    await w.sender.tick();
    expect(seen).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('holds of both kinds are counted, and a failure limit counts only real attempts', async () => {
    let mode: 'held' | 'timed' | 'fail' = 'held';
    const w = await warmSender({
      maxAttempts: 2,
      baseBackoffMs: SECOND,
      send: async (m) => {
        if (mode === 'held') throw new OutboxHold(null, '客服会话已超过48小时');
        if (mode === 'timed') throw new OutboxHold(new Date(w.now().getTime() + SECOND), '静默时段');
        throw new Error(`${m.key} 接口超时`);
      },
    });
    await enqueueMessage({ key: 'h', to: to(1), text: '被拦住的消息' });
    await w.sender.tick();
    expect(await msg('h')).toMatchObject({ status: 'held', holds: 1 });
    await releaseHeld({ channel: 'wechat', conversationId: 'wxid_1', now: new Date(w.now().getTime() - 1) });
    await w.sender.tick();
    expect(await msg('h')).toMatchObject({ status: 'held', holds: 2 });
    await releaseHeld({ channel: 'wechat', conversationId: 'wxid_1', now: new Date(w.now().getTime() - 1) });
    mode = 'timed';
    await w.sender.tick();
    expect(await msg('h')).toMatchObject({ status: 'queued', holds: 3, attempts: 3 });
    mode = 'fail';
    w.advance(SECOND);
    await w.sender.tick();
    expect(await msg('h')).toMatchObject({ status: 'queued', attempts: 4 }); // the first real attempt
    w.advance(10 * SECOND);
    await w.sender.tick();
    expect(await msg('h')).toMatchObject({ status: 'failed', attempts: 5 }); // the second: maxAttempts 2
  });
});

describe('what the operators read in the log', () => {
  it('holds, failures and sends each leave one line with the message, short reasons and the sender', async () => {
    const long = 'x'.repeat(600);
    const until = new Date(Date.now() + 3_600_000);
    const w = await warmSender({
      send: async (m) => {
        if (m.key === 'held') throw new OutboxHold(null, '客服会话已超过48小时');
        if (m.key === 'timed') throw new OutboxHold(until, long);
        if (m.key === 'failing') throw new Error(long);
      },
    });
    const ids: Record<string, string> = {};
    for (const key of ['held', 'timed', 'failing', 'ok']) ids[key] = String((await enqueueMessage({ key, to: to(key.length), text: key, purpose: `p-${key}` })).message._id);
    await w.sender.tick();
    const line = (msgText: string) => {
      const found = w.logged().filter((l) => l.msg === msgText);
      expect(found).toHaveLength(1);
      return found[0];
    };
    expect(line('outbox message held until the resident writes again')).toMatchObject({ level: 30, message: ids.held, reason: '客服会话已超过48小时', sender: 'warm-1' });
    const timed = line('outbox message held');
    expect(timed).toMatchObject({ level: 30, message: ids.timed, until: until.toISOString(), outbox: 'wechat' });
    expect(timed.reason).toBe('x'.repeat(200));
    const failed = line('outbox send failed');
    expect(failed).toMatchObject({ level: 40, message: ids.failing, attempt: 1, final: false });
    expect(failed.reason).toBe('x'.repeat(200));
    expect(line('outbox message sent')).toMatchObject({ level: 20, message: ids.ok, attempt: 1, purpose: 'p-ok' });
  });
});

describe('start, kick and stop', () => {
  const waitFor = async (check: () => boolean, ms = 15_000) => {
    for (let waited = 0; waited < ms && !check(); waited += 20) await new Promise((r) => setTimeout(r, 20));
    return check();
  };
  function gated() {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    return { gate, open };
  }

  it('a kick during a tick runs one more tick right after it; without a kick the sender waits for its interval', async () => {
    const { logger } = capture();
    const first = gated();
    const sent: string[] = [];
    let atGate = false;
    const s = createOutboxSender({
      channel: 'wechat',
      senderId: 's',
      logger,
      send: async (m) => {
        if (m.key === 'first') {
          atGate = true;
          await first.gate;
        }
        sent.push(m.key);
      },
    });
    await enqueueMessage({ key: 'first', to: to(1), text: '1' });
    s.start(60_000);
    expect(await waitFor(() => atGate)).toBe(true); // the first tick has read its messages and is sending
    await enqueueMessage({ key: 'second', to: to(2), text: '2' });
    s.kick();
    await new Promise((r) => setTimeout(r, 50));
    first.open();
    expect(await waitFor(() => sent.length === 2)).toBe(true);
    expect(sent).toEqual(['first', 'second']);
    // Quiet now: a message enqueued without a kick waits for the next interval.
    await enqueueMessage({ key: 'third', to: to(3), text: '3' });
    await new Promise((r) => setTimeout(r, 400));
    expect(sent).toEqual(['first', 'second']);
    await s.stop();
  });

  it('stop during a tick lets the send under way finish and sends nothing more', async () => {
    const { logger } = capture();
    const first = gated();
    const sent: string[] = [];
    let started = false;
    const s = createOutboxSender({
      channel: 'wechat',
      senderId: 's',
      logger,
      send: async (m) => {
        started = true;
        await first.gate;
        sent.push(m.key);
      },
    });
    for (let i = 0; i < 3; i++) await enqueueMessage({ key: `m${i}`, to: to(i), text: String(i) });
    s.start(60_000);
    expect(await waitFor(() => started)).toBe(true);
    const stopping = s.stop();
    first.open();
    await stopping;
    expect(sent).toHaveLength(1);
    expect(await OutboxModel.countDocuments({ status: 'queued' })).toBe(2);
  });

  it('a tick that fails is logged as an error, one that finds the database away as a warning, and the sender goes on', async () => {
    const { logger, logged } = capture();
    let failure: Error | null = new Error('配额服务不可用');
    const sent: string[] = [];
    const s = createOutboxSender({
      channel: 'wechat',
      senderId: 's',
      logger,
      canSend: () => {
        if (failure) throw failure;
        return true;
      },
      send: async (m) => void sent.push(m.key),
    });
    await enqueueMessage({ key: 'later', to: to(1), text: '1' });
    s.start(60_000);
    expect(await waitFor(() => logged().some((l) => l.msg === 'outbox tick failed'))).toBe(true);
    expect(logged().find((l) => l.msg === 'outbox tick failed')).toMatchObject({ level: 50, err: { message: '配额服务不可用' } });
    failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoNetworkError' });
    s.kick();
    expect(await waitFor(() => logged().some((l) => l.msg.includes('the database is away')))).toBe(true);
    expect(logged().find((l) => l.msg.includes('the database is away'))).toMatchObject({ level: 40, databaseAway: true });
    expect(logged().filter((l) => l.level >= 50)).toHaveLength(1);
    failure = null;
    s.kick();
    expect(await waitFor(() => sent.length === 1)).toBe(true);
    await s.stop();
  });
});
