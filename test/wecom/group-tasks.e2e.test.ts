import { createWecomRuntime, type WecomRuntime } from '../../src/channels/wecom/runtime';
import { createApp } from '../../src/http/app';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { TalkDaySettingsModel } from '../../src/modules/talk-day/talk-day.model';
import { createOfficer, login } from '../helpers/auth';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { FakeWecom } from '../helpers/fake-wecom';
import { FakeClock, makeScheduler, sh } from '../jobs/helpers';

/** The talk day reaches a WeCom customer group as a group-send task the owner confirms; /api/jobs shows each group's state. */
let db: TestDatabase;
let fake: FakeWecom;
let runtime: WecomRuntime;
// The scheduler runs on its slot's clock; the WeCom side runs a day ahead of the real time (messages stamped with the real time are due).
const wecomClock = new FakeClock(new Date(Date.now() + 24 * 3600_000));

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  fake = await new FakeWecom({ now: wecomClock.now }).start();
});
afterAll(async () => {
  await runtime?.stop();
  await fake.stop();
  await db.stop();
});

test('a talk-day announcement becomes a group-send task, waits for the officer, is reminded, and shows as sent once confirmed', async () => {
  const env = { ...fake.env(), OUTBOX_POLL_MS: '60000', WECOM_GROUP_REMIND_HOURS: '2' };
  const config = testConfig(env);
  runtime = createWecomRuntime({ config, logger: testLogger(), now: wecomClock.now, core: { ai: null }, clientOptions: { backoffMs: 5 } });
  const app = createApp({ config, logger: testLogger(), wecom: runtime });
  await createOfficer({ username: 'admin9', role: 'admin' });
  const { agent, csrf } = await login(app, 'admin9');

  // The officer's customer groups are found in WeCom and bound to the room by an admin.
  fake.addCustomerGroup('wrGroupA', 'zhangwei', '和平里1号楼');
  fake.addCustomerGroup('wrGroupB', 'zhangwei', '和平里2号楼');
  fake.addCustomerGroup('wrOther', 'lina', '别的群');
  const synced = await agent.post('/api/channels/wecom/groups/sync').set('x-csrf-token', csrf).send({ owners: ['zhangwei'] }).expect(200);
  expect(synced.body.synced).toBe(2);
  await agent.put('/api/channels/wecom/groups/wrGroupA').set('x-csrf-token', csrf).send({ room: 'HPL' }).expect(200);
  await agent.put('/api/channels/wecom/groups/wrGroupB').set('x-csrf-token', csrf).send({ room: 'HPL' }).expect(200);
  const bad = await agent.put('/api/channels/wecom/groups/wrGroupB').set('x-csrf-token', csrf).send({ room: 'nope!' }).expect(400);
  expect(bad.body.error.message).toMatch(/^警务室编号格式不正确|[\u4e00-\u9fa5]/);

  await TalkDaySettingsModel.create({ room: 'HPL', enabled: true, place: '和平里社区服务中心二楼', startTime: '09:00', endTime: '11:30', topic: '防范电信网络诈骗', rule: 'next_working_day', daysBefore: 3, createdAt: sh('2026-03-01T09:00'), updatedAt: sh('2026-03-01T09:00') });
  const clock = new FakeClock(sh('2026-04-17T09:59'));
  const scheduler = makeScheduler(clock, 'a', env);
  await scheduler.tick();
  clock.set(sh('2026-04-17T10:00'));
  await scheduler.tick();

  await runtime.groups!.sender.tick();
  const tasks = [...fake.tasks.values()];
  expect(tasks.map((t) => t.chatIds[0]).sort()).toEqual(['wrGroupA', 'wrGroupB']);
  expect(tasks[0]).toMatchObject({ sender: 'zhangwei' });
  expect(tasks[0].text).toContain('警民恳谈日');

  const runs = async () => {
    await runtime.groups!.poll();
    const res = await agent.get('/api/jobs/runs').expect(200);
    const run = res.body.runs.find((r: { job: string }) => r.job === 'talk-day');
    return run.deliveries as Array<{ recipient: string; status: string; error: string | null }>;
  };
  let deliveries = await runs();
  expect(deliveries.map((d) => d.status)).toEqual(['awaiting', 'awaiting']);
  expect(deliveries[0].error).toBe('等待群主（民警）在企业微信中确认发送');

  // The officer confirms group A's task in WeCom; B waits past the reminder time and is reminded once.
  const taskA = tasks.find((t) => t.chatIds[0] === 'wrGroupA')!;
  const taskB = tasks.find((t) => t.chatIds[0] === 'wrGroupB')!;
  fake.confirmTask(taskA.msgid);
  wecomClock.advance(3 * 3600_000);
  deliveries = await runs();
  await runs();
  const byGroup = (tail: string) => deliveries.find((d) => d.recipient === `客户群 ${tail}（企业微信）`)!;
  expect(byGroup('GroupA').status).toBe('sent');
  expect(byGroup('GroupB')).toMatchObject({ status: 'awaiting', error: '等待群主（民警）在企业微信中确认发送；已提醒' });
  expect(fake.reminders).toEqual([taskB.msgid]);
  expect((await OutboxModel.find({ channel: 'wecom-group' }).lean()).map((m) => m.status).sort()).toEqual(['awaiting', 'sent']);
});
