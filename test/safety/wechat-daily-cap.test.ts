import { channelLimits, createOutboxSender, enqueueMessage, takeCountedSend, wechatCapReason, type OutboxMessage } from '../../src/modules/outbox';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Issue #14/#17: the wechaty bot's daily send cap is a row of the outbox's limits table
 * (src/modules/outbox/limits.ts), enforced where every channel's limits are: a message over the
 * cap is held until the next Beijing day with a reason the officers see; an emergency answer is
 * never held; two bot processes share one count.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => db.clear());

const CAP = 5;
const config = testConfig({ BOT_DAILY_SEND_CAP: String(CAP) });
const limits = channelLimits(config).wechat!;
// 2026-12-03 23:00 in Beijing (15:00 UTC): the next Beijing day starts at 16:00 UTC.
let clock = new Date('2026-12-03T15:00:00Z');

function botSender(name: string, delivered: string[]) {
  return createOutboxSender({
    channel: 'wechat',
    senderId: `${name}#host#1`,
    logger: testLogger(),
    now: () => clock,
    send: async (m: OutboxMessage) => {
      await takeCountedSend({ limits, scope: 'wechat:警务室小助手', message: m, at: clock, zone: config.APP_TIMEZONE, reason: wechatCapReason(CAP) });
      delivered.push(m.key);
    },
  });
}

it('holds ordinary messages over the cap until the next Beijing day, shared by two bot processes; an emergency answer goes out at once', async () => {
  clock = new Date('2026-12-03T15:00:00Z');
  for (let i = 0; i < CAP + 3; i++) {
    await enqueueMessage({ key: `reply-${i}`, to: { channel: 'wechat', conversationId: `wxid_${i}`, isGroup: false }, text: `回复${i}`, notBefore: clock });
  }
  const delivered: string[] = [];
  const a = botSender('bot', delivered);
  const b = botSender('bot', delivered);
  await Promise.all([a.tick(), b.tick()]);
  await Promise.all([a.tick(), b.tick()]);
  expect(delivered).toHaveLength(CAP);

  const held = await OutboxModel.find({ channel: 'wechat', status: 'queued' }).lean();
  expect(held).toHaveLength(3);
  for (const m of held) {
    expect(m.lastError).toBe(wechatCapReason(CAP));
    expect(m.nextAttemptAt.toISOString()).toBe('2026-12-03T16:00:00.000Z'); // 00:00 Beijing
  }

  // An emergency answer is never held by the cap.
  await enqueueMessage({ key: 'emergency', to: { channel: 'wechat', conversationId: 'wxid_sos', isGroup: false }, text: '请立即拨打110', urgent: true, notBefore: clock });
  await a.tick();
  expect(delivered).toContain('emergency');
  expect(delivered).toHaveLength(CAP + 1);

  // Still held a minute later; the next Beijing day, the held ones go out.
  clock = new Date('2026-12-03T15:59:00Z');
  await a.tick();
  expect(delivered).toHaveLength(CAP + 1);
  clock = new Date('2026-12-03T16:00:30Z');
  await a.tick();
  expect(delivered).toHaveLength(CAP + 4);
  expect(await OutboxModel.countDocuments({ channel: 'wechat', status: 'sent' })).toBe(CAP + 4);
});
