import http from 'node:http';
import { once } from 'node:events';
import request from 'supertest';
import type Koa from 'koa';
import { createWecomRuntime, type WecomRuntime } from '../../src/channels/wecom/runtime';
import { ROBOT_HOLD_REASON } from '../../src/channels/wecom/alerts';
import { createApp } from '../../src/http/app';
import type { AppState } from '../../src/http/types';
import { ItemModel } from '../../src/modules/items/item.model';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem } from '../../src/modules/items/item.service';
import { createOfficer, login } from '../helpers/auth';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { FakeWecom } from '../helpers/fake-wecom';
import { FakeClock, makeScheduler, sh } from '../jobs/helpers';

/**
 * Officers' alerts through the fake WeCom: app messages to the officers' WeCom userids and the
 * room's group robot, carrying the item code, kind, room and link and nothing the resident said.
 */
let db: TestDatabase;
let fake: FakeWecom;
// WeCom (and the fake) count a robot's 20 a minute across tests: each test gets its own robot.
let ROBOT_KEY = 'robot-hpl-0000';
let robots = 0;
const PUBLIC_URL = 'https://jws.example.gov.cn';
// Robot keys are stored encrypted with it.
const SECRETS_KEY = 'a3'.repeat(32);

interface Instance {
  runtime: WecomRuntime;
  app: Koa<AppState>;
  server: http.Server;
  stop(): Promise<void>;
}
const running: Instance[] = [];

async function startInstance(now?: () => Date): Promise<Instance> {
  const config = testConfig({ ...fake.env(), OUTBOX_POLL_MS: '60000', PUBLIC_URL, SECRETS_KEY });
  const logger = testLogger();
  // The watcher's own poll is slow on purpose: an alert of this instance's item goes out because the item was heard at once.
  const runtime = createWecomRuntime({ config, logger, now, core: { ai: null }, clientOptions: { backoffMs: 5 }, alerts: { watcherPollMs: 60_000 } });
  const app = createApp({ config, logger, now, wecom: runtime });
  const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  await runtime.start();
  const inst: Instance = {
    runtime,
    app,
    server,
    async stop() {
      await runtime.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  running.push(inst);
  return inst;
}

type Maybe<T> = T | null | undefined | false;
async function waitFor<T>(what: string, probe: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An admin sets the officer's WeCom userid through the officers API and the room's robot through the channels API. */
async function configureRoom(app: Koa<AppState>): Promise<void> {
  await createOfficer({ username: 'admin1', role: 'admin' });
  const officer = await createOfficer({ username: 'wangjing', rooms: ['HPL'], name: '王警官' });
  const { agent, csrf } = await login(app, 'admin1');
  await agent.put(`/api/officers/${officer.id}`).set('x-csrf-token', csrf).send({ wecomUserId: 'WangJing' }).expect(200);
  const listed = await agent.get('/api/officers').query({ room: 'HPL' }).expect(200);
  expect(listed.body.officers.find((o: { username: string }) => o.username === 'wangjing')).toMatchObject({ wecomUserId: 'WangJing' });
  const bad = await agent.put('/api/channels/wecom/rooms/HPL/robot').set('x-csrf-token', csrf).send({ key: 'not a key!' }).expect(400);
  expect(bad.body.error).toMatchObject({ code: 'invalid_robot_key', message: expect.stringMatching(/^群机器人/) });
  await agent
    .put('/api/channels/wecom/rooms/HPL/robot')
    .set('x-csrf-token', csrf)
    .send({ key: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${ROBOT_KEY}` })
    .expect(200);
  const rooms = await agent.get('/api/channels/wecom/rooms').expect(200);
  const hpl = rooms.body.rooms.find((r: { code: string }) => r.code === 'HPL');
  expect(hpl).toMatchObject({ robot: true });
  expect(JSON.stringify(rooms.body)).not.toContain(ROBOT_KEY);
}

beforeAll(async () => {
  db = await startTestDatabase();
  fake = await new FakeWecom().start();
});
afterAll(async () => {
  await fake.stop();
  await db.stop();
});
beforeEach(async () => {
  await db.clear();
  await seedAll({ demo: true });
  fake.calls.length = 0;
  fake.appMessages.length = 0;
  fake.robotMessages.length = 0;
  fake.clearFailures();
  ROBOT_KEY = `robot-hpl-${String(++robots).padStart(4, '0')}`;
});
afterEach(async () => {
  for (const i of running.splice(0)) await i.stop();
});

const PRIVATE = ['李秀英', '13812345678', '持刀', '3单元', '赌博', '110105199001011234'];

test("an emergency and a tip reach the room's officers in WeCom at once, with the code, kind, room and link only, once across two instances", async () => {
  const a = await startInstance();
  const b = await startInstance();
  await configureRoom(a.app);

  const chat = await request(a.app.callback())
    .post('/api/chat/messages')
    .send({ room: 'HPL', text: '救命！我是李秀英，电话13812345678，3单元有人持刀砍人' })
    .expect(200);
  expect(JSON.stringify(chat.body)).toContain('110');
  const emergency = await waitFor('the emergency item', () => ItemModel.findOne({ kind: 'emergency', room: 'HPL' }).lean());

  const app = await waitFor('the app message', () => fake.appMessages.find((m) => m.content.includes(emergency.code)));
  expect(app.touser).toBe('WangJing');
  expect(app.agentid).toBe(1000002);
  expect(app.content).toContain('紧急警情');
  expect(app.content).toContain('和平里社区警务室');
  expect(app.content).toContain(`${PUBLIC_URL}/inbox/?item=${emergency.code}`);
  const robot = await waitFor('the robot message', () => fake.robotMessages.find((m) => m.content.includes(emergency.code)));
  expect(robot.key).toBe(ROBOT_KEY);

  const tip = await request(b.app.callback())
    .post('/api/tips')
    .send({ room: 'HPL', text: '5号楼3单元每晚聚众赌博，我是李秀英 13812345678，身份证110105199001011234', anonymous: false, contact: { name: '李秀英', phone: '13812345678' } })
    .expect(201);
  await waitFor('the tip alert', () => fake.appMessages.find((m) => m.content.includes(tip.body.code)));
  await waitFor('the tip on the robot', () => fake.robotMessages.find((m) => m.content.includes(tip.body.code)));
  expect(fake.appMessages.find((m) => m.content.includes(tip.body.code))!.content).toContain('线索举报');

  // Both instances look at the shared events: nothing goes out twice.
  await a.runtime.alerts.watcher.poll();
  await b.runtime.alerts.watcher.poll();
  await a.runtime.alerts.app!.tick();
  await b.runtime.alerts.robot.tick();
  expect(fake.appMessages.filter((m) => m.content.includes(emergency.code))).toHaveLength(1);
  expect(fake.robotMessages.filter((m) => m.content.includes(emergency.code))).toHaveLength(1);
  expect(fake.appMessages).toHaveLength(2);
  expect(fake.robotMessages).toHaveLength(2);
  // A question is not announced.
  for (const m of [...fake.appMessages, ...fake.robotMessages]) {
    for (const word of PRIVATE) expect(m.content).not.toContain(word);
    expect(m.content).not.toMatch(/\d{11}/);
  }
});

test('an item created by another process (the WeChat bot) is found by the shared events and alerted once', async () => {
  const a = await startInstance();
  await configureRoom(a.app);
  // Written straight to the database as another process would; this instance's live listener does not hear it.
  const { LiveEventModel } = await import('../../src/modules/live/live-event.model');
  const item = await ItemModel.create({ code: 'K7M2Q9', room: 'HPL', kind: 'tip', status: 'new', priority: 2, summary: '线索', dueAt: new Date(Date.now() + 3600_000), lastActivityAt: new Date(), createdAt: new Date() });
  await LiveEventModel.create({ at: new Date(), type: 'item.created', item: item._id, room: 'HPL', kind: 'tip' });
  expect(await a.runtime.alerts.watcher.poll()).toBe(2);
  expect(await a.runtime.alerts.watcher.poll()).toBe(0);
  await waitFor('the alert', () => fake.appMessages.find((m) => m.content.includes('K7M2Q9')));
});

test('the robot takes 20 a minute: other alerts stop at 18 and wait for the next minute with a reason; an emergency is never held', async () => {
  // One minute that does not end during the test (an hour ahead, so what the database stamps with the real time is due).
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 3600_000 + 1_000);
  const a = await startInstance(() => minute);
  await configureRoom(a.app);
  await OfficerModel.updateMany({}, { $set: { wecomUserId: null } });
  const tips = [];
  for (let i = 0; i < 19; i++) tips.push(await createItem({ room: 'HPL', kind: 'tip', text: `线索${i}` }));
  await waitFor('18 robot messages', async () => fake.robotMessages.length >= 18 && (await OutboxModel.exists({ channel: 'wecom-robot', lastError: ROBOT_HOLD_REASON })));
  await a.runtime.alerts.robot.tick();
  expect(fake.robotMessages).toHaveLength(18);
  const held = await OutboxModel.findOne({ channel: 'wecom-robot', lastError: ROBOT_HOLD_REASON }).lean();
  expect(held).toMatchObject({ status: 'queued', holds: 1 });
  expect(held!.nextAttemptAt.getTime()).toBe(minute.getTime() - 1_000 + 60_000);

  const emergency = await createItem({ room: 'HPL', kind: 'emergency', text: '有人持刀' });
  await waitFor('the emergency on the robot', () => fake.robotMessages.find((m) => m.content.includes(emergency.code)));
  expect(fake.robotMessages).toHaveLength(19);
  expect(tips).toHaveLength(19);
});

test('an SLA escalation goes to the officers in WeCom (and the second level to the supervisors), once', async () => {
  const a = await startInstance();
  await configureRoom(a.app);
  await createOfficer({ username: 'super1', role: 'supervisor', district: 'XH', name: '李所长' });
  await OfficerModel.updateOne({ username: 'super1' }, { $set: { wecomUserId: 'LiSuo' } });
  const clock = new FakeClock(sh('2026-03-02T10:00:00'));
  const item = await createItem({ room: 'HPL', kind: 'complaint', text: '投诉张三13812345678', now: clock.now() });
  await ItemModel.updateOne({ _id: item._id }, { $set: { dueAt: sh('2026-03-02T10:02:00') } });
  const scheduler = makeScheduler(clock, 'sla-a', { ...fake.env(), PUBLIC_URL });
  clock.set(sh('2026-03-02T10:05:30'));
  await scheduler.tick();
  await a.runtime.alerts.app!.tick();
  const first = fake.appMessages.filter((m) => m.content.includes(item.code));
  expect(first).toHaveLength(1);
  expect(first[0]).toMatchObject({ touser: 'WangJing' });
  expect(first[0].content).toContain('超时提醒');
  clock.set(sh('2026-03-02T12:10:30'));
  await scheduler.tick();
  await scheduler.tick();
  await a.runtime.alerts.app!.tick();
  const all = fake.appMessages.filter((m) => m.content.includes(item.code));
  expect(all.map((m) => m.touser)).toEqual(['WangJing', 'LiSuo']);
  for (const m of all) expect(m.content).not.toContain('13812345678');
});

test('items created while no instance watched for more than 10 minutes are alerted once when instances start, saying they are late', async () => {
  // The last alert pass of any instance was 45 minutes ago (the service was down; the WeChat bot kept taking tips).
  const { AlertWatchMarkModel } = await import('../../src/modules/alerts/alert-settings.model');
  const t0 = Date.now();
  await AlertWatchMarkModel.create({ _id: 'watcher', at: new Date(t0 - 45 * 60_000) });
  const at = (minAgo: number) => new Date(t0 - minAgo * 60_000);
  const base = { room: 'HPL', status: 'new' as const, priority: 2, summary: '线索', dueAt: new Date(t0 + 3600_000), lastActivityAt: new Date() };
  const gapTip = await ItemModel.create({ ...base, code: 'G4P7T1', kind: 'tip', createdAt: at(30) });
  const gapEmergency = await ItemModel.create({ ...base, code: 'G4P7E2', kind: 'emergency', createdAt: at(20) });
  await ItemModel.create({ ...base, code: 'G4P7Q3', kind: 'question', createdAt: at(25) }); // questions are never announced
  await ItemModel.create({ ...base, code: 'G4P7R4', kind: 'tip', status: 'resolved' as const, createdAt: at(15) }); // already dealt with
  await ItemModel.create({ ...base, code: 'G4P7O5', kind: 'tip', createdAt: at(60) }); // before the gap: it had its chance

  // The admin configures the room first (through the API of an instance that is not watching yet).
  const setup = createApp({ config: testConfig({ ...fake.env(), PUBLIC_URL, SECRETS_KEY }), logger: testLogger() });
  await configureRoom(setup);
  // Two instances start at once.
  await Promise.all([startInstance(), startInstance()]);
  // Each late item reaches both roads (app message and robot); the sends of the two instances may still be in flight.
  for (const code of ['G4P7T1', 'G4P7E2']) {
    await waitFor(`the late alert of ${code} by app message`, () => fake.appMessages.find((m) => m.content.includes(code)));
    await waitFor(`the late alert of ${code} by robot`, () => fake.robotMessages.find((m) => m.content.includes(code)));
  }
  for (const inst of running) {
    await inst.runtime.alerts.watcher.poll();
    await inst.runtime.alerts.app!.tick();
    await inst.runtime.alerts.robot.tick();
  }
  for (const code of [gapTip.code, gapEmergency.code]) {
    const app = fake.appMessages.filter((m) => m.content.includes(code));
    expect(app).toHaveLength(1);
    expect(fake.robotMessages.filter((m) => m.content.includes(code))).toHaveLength(1);
    expect(app[0].content).toContain('延迟提醒');
  }
  // The time the tip came in, Beijing time.
  const created = new Date(t0 - 30 * 60_000);
  const beijing = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(created);
  expect(fake.appMessages.find((m) => m.content.includes('G4P7T1'))!.content).toContain(beijing);
  for (const code of ['G4P7Q3', 'G4P7R4', 'G4P7O5']) expect(JSON.stringify([...fake.appMessages, ...fake.robotMessages])).not.toContain(code);
  expect(fake.appMessages).toHaveLength(2);

  // A later restart after a short pause finds no gap: nothing goes out again.
  for (const i of running.splice(0)) await i.stop();
  await startInstance();
  await new Promise((r) => setTimeout(r, 500));
  expect(fake.appMessages).toHaveLength(2);
  // An alert sent on time does not say it is late.
  const fresh = await createItem({ room: 'HPL', kind: 'tip', text: '新的线索' });
  const onTime = await waitFor('the on-time alert', () => fake.appMessages.find((m) => m.content.includes(fresh.code)));
  expect(onTime.content).not.toContain('延迟提醒');
});
