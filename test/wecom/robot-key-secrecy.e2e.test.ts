import http from 'node:http';
import { once } from 'node:events';
import { createWecomRuntime, type WecomRuntime } from '../../src/channels/wecom/runtime';
import { createApp } from '../../src/http/app';
import { checkStoredRobotKeys } from '../../src/modules/alerts';
import { RoomAlertSettingsModel } from '../../src/modules/alerts/alert-settings.model';
import { createItem } from '../../src/modules/items/item.service';
import { seedAll } from '../../src/modules/seed/seed.service';
import { secretsKey } from '../../src/lib/secret-box';
import { createOfficer, login } from '../helpers/auth';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { FakeWecom } from '../helpers/fake-wecom';

/**
 * Issue #14: a room's WeCom robot webhook key (whoever has it can post into the officers' group)
 * is stored encrypted (AES-256-GCM under SECRETS_KEY), shown masked, older plain values are
 * sealed, and the service refuses to start without the key once keys are stored.
 */
let db: TestDatabase;
let fake: FakeWecom;
const SECRETS_KEY = '5c'.repeat(32);
const KEY = 'robot-hpl-key-0000secret';
let runtime: WecomRuntime | null = null;
let server: http.Server | null = null;

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
  await createOfficer({ username: 'admin1', role: 'admin' });
  fake.robotMessages.length = 0;
});
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  server?.closeAllConnections();
  if (server) await new Promise((r) => server!.close(r));
  server = null;
});

async function instance(env: Record<string, string>) {
  const config = testConfig({ ...fake.env(), OUTBOX_POLL_MS: '60000', ...env });
  const logger = testLogger();
  runtime = createWecomRuntime({ config, logger, core: { ai: null }, clientOptions: { backoffMs: 5 }, alerts: { watcherPollMs: 60_000 } });
  const app = createApp({ config, logger, wecom: runtime });
  server = http.createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  await runtime.start();
  return { app, runtime, ...(await login(app, 'admin1')) };
}

async function until<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('is stored encrypted, shown masked, and still used to post the alerts', async () => {
  const { agent, csrf } = await instance({ SECRETS_KEY });
  const put = await agent.put('/api/channels/wecom/rooms/HPL/robot').set('x-csrf-token', csrf).send({ key: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}` }).expect(200);
  expect(put.body).toMatchObject({ robot: true, robotKeyMasked: 'robo****cret' });
  const stored = await RoomAlertSettingsModel.findById('HPL').lean();
  expect(stored!.robotKey).toMatch(/^gcm1:/);
  expect(stored!.robotKey).not.toContain(KEY);
  const rooms = await agent.get('/api/channels/wecom/rooms').expect(200);
  expect(rooms.body.rooms.find((r: { code: string }) => r.code === 'HPL')).toMatchObject({ robot: true, robotKeyMasked: 'robo****cret' });
  expect(JSON.stringify(rooms.body)).not.toContain(KEY);

  const tip = await createItem({ room: 'HPL', kind: 'tip', text: '线索' });
  const posted = await until(() => fake.robotMessages.find((m) => m.content.includes(tip.code)));
  expect(posted.key).toBe(KEY);
});

it('a plain key stored before encryption is sealed at start-up and keeps working', async () => {
  await RoomAlertSettingsModel.create({ _id: 'HPL', robotKey: KEY, updatedAt: new Date() });
  expect(await checkStoredRobotKeys(secretsKey(SECRETS_KEY))).toEqual({ sealed: 1 });
  const stored = await RoomAlertSettingsModel.findById('HPL').lean();
  expect(stored!.robotKey).toMatch(/^gcm1:/);
  await instance({ SECRETS_KEY });
  const tip = await createItem({ room: 'HPL', kind: 'tip', text: '线索' });
  expect((await until(() => fake.robotMessages.find((m) => m.content.includes(tip.code)))).key).toBe(KEY);
  // A different key does not open it: a clear start-up error, not silent failures.
  await expect(checkStoredRobotKeys(secretsKey('7e'.repeat(32)))).rejects.toThrow(/SECRETS_KEY 无法解开警务室 HPL 的群机器人 key/);
});

it('without SECRETS_KEY: setting a key is a clear 409, and stored keys stop the start-up with a clear error', async () => {
  const { agent, csrf } = await instance({});
  const res = await agent.put('/api/channels/wecom/rooms/HPL/robot').set('x-csrf-token', csrf).send({ key: KEY }).expect(409);
  expect(res.body.error).toMatchObject({ code: 'secrets_key_missing', message: expect.stringMatching(/^未配置 SECRETS_KEY/) });
  expect(await RoomAlertSettingsModel.findById('HPL').lean()).toBeNull();
  await RoomAlertSettingsModel.create({ _id: 'HPL', robotKey: KEY, updatedAt: new Date() });
  await expect(checkStoredRobotKeys(null)).rejects.toThrow(/未配置 SECRETS_KEY/);
  expect(await checkStoredRobotKeys(null).catch((e: Error) => e.message)).toContain('HPL');
});
