import { seedAll } from '../../src/modules/seed/seed.service';
import { OutboxModel, type OutboxMessage } from '../../src/modules/outbox/outbox.model';
import { createOutboxSender } from '../../src/modules/outbox/outbox.sender';
import { testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildClockedApp, makeItem, signIn } from './fixtures';

/**
 * The bot is offline while an officer answers: the replies wait in the outbox. When the bot
 * comes back, each reply reaches the resident exactly once and in the order the officer wrote
 * them. (Two senders never sending one message is tested in test/conversations/outbox-sender.test.ts.)
 */
let db: TestDatabase;
const clock = { now: new Date() };
const app = buildClockedApp(clock);

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

it('delivers replies written while the bot was offline once each, in order', async () => {
  const officer = await signIn(app, 'offline_zw', { username: 'offline_zw', rooms: ['HPL'], district: 'XH' });
  const item = await makeItem({
    room: 'HPL',
    origin: { channel: 'wechat', conversationId: 'wxid_resident_off', senderId: 'wxid_resident_off', isGroup: false, account: 'bot-a' },
  });
  const texts = ['您好，已收到您的反映。', '我们明天上午上门了解情况。', '如有变化会再联系您。'];
  for (const [i, text] of texts.entries()) {
    clock.now = new Date(Date.now() + i * 1000);
    await officer.agent.post(`/api/inbox/${item._id}/reply`).set('X-CSRF-Token', officer.csrf).send({ text }).expect(201);
  }
  // Nothing has been sent while no bot runs.
  expect(await OutboxModel.countDocuments({ item: item._id, status: 'queued' })).toBe(3);

  const delivered: string[] = [];
  const bot = (name: string) =>
    createOutboxSender({
      channel: 'wechat',
      senderId: name,
      account: 'bot-a',
      logger: testLogger(),
      now: () => new Date(Date.now() + 10_000),
      send: async (m: OutboxMessage) => {
        delivered.push(m.text);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
  const back = bot('bot-a');
  await back.tick();
  await back.tick(); // a second pass finds nothing left to send

  expect(delivered).toEqual(texts);
  expect(await OutboxModel.countDocuments({ item: item._id, status: 'sent' })).toBe(3);
});
