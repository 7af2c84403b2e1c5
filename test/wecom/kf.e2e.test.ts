import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AttachmentModel } from '../../src/modules/attachments/attachment.model';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type Koa from 'koa';
import { createWecomRuntime, type WecomRuntime } from '../../src/channels/wecom/runtime';
import { HOLD_REASONS } from '../../src/channels/wecom-kf/kf.channel';
import { WecomKfCursorModel, WecomKfMessageModel } from '../../src/channels/wecom-kf/kf.models';
import { createApp } from '../../src/http/app';
import type { AppState } from '../../src/http/types';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createOfficer, login } from '../helpers/auth';
import { testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { FakeWecom } from '../helpers/fake-wecom';

/**
 * WeChat Customer Service end to end: the fake WeCom server plays the resident (messages,
 * encrypted callbacks, the 48-hour rule); the service runs with a real database.
 */
let db: TestDatabase;
let fake: FakeWecom;
// The clock runs an hour ahead of the real time (messages the outbox stamps with the real time are due) and jumps forward from there.
let clock = new Date(Date.now() + 3600_000);
const now = () => clock;
const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));
const KF = 'wkHPLdesk01';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kf-e2e-data-'));
// The database stamps updatedAt with the real time, an hour behind the test clock: a message
// another instance is sending must not look abandoned because of that offset.
const STALE_SENDING_MS = 3 * 3600_000;

interface Instance {
  runtime: WecomRuntime;
  app: Koa<AppState>;
  server: http.Server;
  url: string;
  stop(): Promise<void>;
}
const running: Instance[] = [];

async function startInstance(extra: { beforeHandle?: (msgid: string) => void; env?: Record<string, string> } = {}): Promise<Instance> {
  // OUTBOX_POLL_MS is long on purpose: a reply goes out because the channel pushes it at once, not because a poll came by.
  const config = testConfig({ ...fake.env(), OUTBOX_POLL_MS: '60000', DATA_DIR: dataDir, ...extra.env });
  const logger = testLogger();
  const runtime = createWecomRuntime({ config, logger, now, core: { ai: null }, kf: { staleMs: 1_000, beforeHandle: extra.beforeHandle, outbox: { baseBackoffMs: 20, staleSendingMs: STALE_SENDING_MS } }, clientOptions: { backoffMs: 5 } });
  const app = createApp({ config, logger, now, wecom: runtime });
  const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  await runtime.start();
  const inst: Instance = {
    runtime,
    app,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/channels/wecom/callback`,
    async stop() {
      await runtime.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  running.push(inst);
  return inst;
}

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Lets a pull that may be running finish (the callback answers before it). */
async function settle(inst: Instance[]): Promise<void> {
  for (let i = 0; i < 3; i++) {
    for (const x of inst) await x.runtime.kf!.wake(KF);
    for (const x of inst) await x.runtime.kf!.sender.tick();
  }
}

beforeAll(async () => {
  db = await startTestDatabase();
  fake = await new FakeWecom({ now }).start();
});
afterAll(async () => {
  await fake.stop();
  await db.stop();
});
beforeEach(async () => {
  await db.clear();
  await seedAll({ demo: true });
  clock = new Date(Date.now() + 3600_000);
  fake.calls.length = 0;
  fake.sent.length = 0;
  fake.log.clear();
  fake.pageSize = 1000;
  fake.clearFailures();
});
afterEach(async () => {
  for (const i of running.splice(0)) await i.stop();
});

test('the callback URL is verified with the decrypted echostr; a forged callback is refused; admins see the state', async () => {
  const a = await startInstance();
  const v = fake.verification();
  const ok = await fetch(`${a.url}?${new URLSearchParams(v.query)}`);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe(v.echo);

  const forged = fake.callback(KF);
  const bad = await fetch(`${a.url}?${new URLSearchParams({ ...forged.query, msg_signature: '0'.repeat(40) })}`, { method: 'POST', body: forged.body });
  expect(bad.status).toBe(403);
  expect((await bad.json()).error).toMatchObject({ code: 'callback_rejected', message: expect.stringMatching(/^企业微信回调签名校验失败/) });

  await createOfficer({ username: 'admin1', role: 'admin' });
  const { agent } = await login(a.app, 'admin1');
  const status = await agent.get('/api/channels/status').expect(200);
  const kf = status.body.wecom.find((r: { road: string }) => r.road === 'kf');
  expect(kf).toMatchObject({ on: true, missing: [] });
  expect(new Date(kf.callbackVerifiedAt).getTime()).toBe(clock.getTime());
  const off = createApp({ config: testConfig(), logger: testLogger() });
  const { agent: other } = await login(off, 'admin1');
  const offStatus = await other.get('/api/channels/status').expect(200);
  expect(offStatus.body.wecom.find((r: { road: string }) => r.road === 'kf')).toMatchObject({ on: false, missing: expect.arrayContaining(['WECOM_KF_SECRET']) });
  const res = await request(off.callback()).get('/channels/wecom/callback').query(v.query).expect(404);
  expect(res.body.error.code).toBe('channel_off');
});

test("a resident from a room's contact link gets the room's welcome menu, and a question is answered from the catalog with its materials", async () => {
  const a = await startInstance();
  fake.enterSession(KF, 'wmResident1', 'HPL');
  expect((await fake.notify(a.url, KF)).text).toBe('success');
  await waitFor('welcome', () => fake.welcomes.length === 1);
  expect(JSON.stringify(fake.welcomes[0])).toContain('和平里社区警务室');
  expect(fake.welcomes[0].msgtype).toBe('msgmenu');

  tick(1000);
  fake.residentSays(KF, 'wmResident1', '孩子刚出生怎么上户口？');
  await fake.notify(a.url, KF);
  await waitFor('answer', () => fake.sentTo('wmResident1').length > 0);
  const sent = fake.sentTo('wmResident1');
  const text = JSON.stringify(sent);
  expect(text).toContain('出生登记');
  expect(text).toContain('出生医学证明');
  expect(text).toContain('和平里社区警务室办公时间'); // the scene put the resident in HPL
  // Quick replies are a tappable menu; tapping one sends its id back, which the core takes as the choice.
  const menu = sent.find((s) => s.msgtype === 'msgmenu')!;
  const book = menu.msgmenu!.list.find((o) => o.click?.id.includes('预约'))!;
  expect(book).toBeTruthy();
  tick(1000);
  fake.residentPicks(KF, 'wmResident1', '菜单', '返回菜单');
  await fake.notify(a.url, KF);
  await waitFor('menu answer', () => fake.sentTo('wmResident1').length > sent.length);
  expect(fake.sentTo('wmResident1').at(-1)!.msgmenu!.list.map((o) => o.click!.content)).toContain('办事指南');
  // The sync used the event's token and a cursor that moves on.
  const syncs = fake.callsTo('kf/sync_msg');
  expect(syncs.every((c) => String(c.body?.token ?? '').startsWith('ENC'))).toBe(true);
  expect(syncs.at(-1)!.body!.cursor).toBe('c2');
});

test('an emergency is answered with 110 at once, pushed by the channel rather than waiting for a poll', async () => {
  const a = await startInstance();
  fake.residentSays(KF, 'wmUrgent', '有人持刀抢劫，快来人');
  await fake.notify(a.url, KF);
  const sent = await waitFor('emergency answer', () => fake.sentTo('wmUrgent')[0]);
  expect(sent.text?.content ?? sent.msgmenu?.head_content).toMatch(/110/);
  expect((await OutboxModel.findOne({ conversationId: `${KF}:wmUrgent` }).lean())!.urgent).toBe(true);
});

test('a duplicate callback and a restart in the middle of the pages answer each message exactly once', async () => {
  fake.pageSize = 2;
  const users = ['wmA', 'wmB', 'wmC', 'wmD', 'wmE'];
  let crashAt: string | null = null;
  const a = await startInstance({
    beforeHandle: (msgid) => {
      if (msgid === crashAt) throw new Error('simulated crash between pull and answer');
    },
  });
  for (const u of users) fake.enterSession(KF, u, 'HPL');
  // Questions the bot cannot answer: each one files an item for the officers (a side effect that must happen once).
  const ids = users.map((u) => {
    tick(1000);
    return fake.residentSays(KF, u, '公积金怎么提取呀');
  });
  crashAt = ids[1]; // the first message of the fourth page: [ev ev] [ev ev] [ev A] [B C] [D E]
  // The same event twice (WeCom retries when the answer is slow), at the same time.
  const cb = fake.callback(KF);
  const post = () => fetch(`${a.url}?${new URLSearchParams(cb.query)}`, { method: 'POST', body: cb.body });
  await Promise.all([post(), post()]);
  await waitFor('first answer', () => fake.sentTo('wmA').length >= 1);
  await a.runtime.kf!.wake(KF);
  await a.stop();
  running.splice(running.indexOf(a), 1);
  // B and C were claimed and the process "died" before answering them.
  expect((await WecomKfMessageModel.findById(ids[1]).lean())!.status).toBe('received');
  // Worse: the cursor write was lost too, so the next pull starts from the beginning again.
  await WecomKfCursorModel.deleteMany({});

  tick(5_000); // the claims are stale now
  const b = await startInstance();
  await fake.notify(b.url, KF);
  await fake.notify(b.url, KF);
  await settle([b]);
  await waitFor('all answered', () => users.every((u) => fake.sentTo(u).length >= 1));
  await settle([b]);
  expect(users.map((u) => fake.sentTo(u).length)).toEqual([1, 1, 1, 1, 1]);
  expect(await ItemModel.countDocuments({ kind: 'question' })).toBe(5);
  // …and each item's thread holds the resident's words once.
  expect(await ItemMessageModel.countDocuments({ author: 'resident' })).toBe(5);
  const docs = await WecomKfMessageModel.find({ origin: 3 }).lean();
  expect(docs.map((d) => d.status)).toEqual(['handled', 'handled', 'handled', 'handled', 'handled']);
});

test('two instances share the work: callbacks to both, every message answered once', async () => {
  const a = await startInstance();
  const b = await startInstance();
  const users = Array.from({ length: 12 }, (_, i) => `wmTwo${i}`);
  for (const [i, u] of users.entries()) {
    tick(100);
    fake.residentSays(KF, u, '你好');
    // Each new message makes WeCom call back; the load balancer spreads the calls.
    await fake.notify((i % 2 ? a : b).url, KF);
  }
  await waitFor('all answered', () => users.every((u) => fake.sentTo(u).length >= 1));
  await settle([a, b]);
  expect(users.map((u) => fake.sentTo(u).length)).toEqual(users.map(() => 1));
});

test('the 48-hour rule: an officer reply after the window is held with a reason on the item, and goes out when the resident writes again; a held item is not auto-answered', async () => {
  const a = await startInstance();
  fake.enterSession(KF, 'wmLate', 'HPL');
  await fake.notify(a.url, KF);
  tick(1000);
  fake.residentSays(KF, 'wmLate', '公积金怎么提取呀');
  await fake.notify(a.url, KF);
  const first = await waitFor('escalation reply', () => fake.sentTo('wmLate')[0]);
  const code = /S[0-9A-Z]{7}/.exec(first.text?.content ?? first.msgmenu?.head_content ?? '')![0];
  const item = (await ItemModel.findOne({ code }).lean())!;
  expect(item.origin).toMatchObject({ channel: 'wecom-kf', conversationId: `${KF}:wmLate` });

  await createOfficer({ username: 'hpl1', rooms: ['HPL'], name: '张伟' });
  const { agent, csrf } = await login(a.app, 'hpl1');
  // Inside the window: the officer's reply reaches the resident.
  await agent.post(`/api/inbox/${item._id}/reply`).set('x-csrf-token', csrf).send({ text: '您好，公积金请到住房公积金中心办理。' }).expect(201);
  await a.runtime.kf!.sender.tick();
  expect(fake.textsTo('wmLate')).toContain('您好，公积金请到住房公积金中心办理。');

  // 49 hours later the window is closed: the reply is held, the officer sees why on the item.
  tick(49 * 3600_000);
  await agent.post(`/api/inbox/${item._id}/reply`).set('x-csrf-token', csrf).send({ text: '请问您办好了吗？' }).expect(201);
  await a.runtime.kf!.sender.tick();
  expect(fake.textsTo('wmLate')).not.toContain('请问您办好了吗？');
  const held = (await OutboxModel.findOne({ text: '请问您办好了吗？' }).lean())!;
  expect(held).toMatchObject({ status: 'held', lastError: HOLD_REASONS.windowClosed });
  const thread = await agent.get(`/api/inbox/${item._id}`).expect(200);
  expect(JSON.stringify(thread.body)).toContain('客服会话已超过48小时，居民再次发消息后才能回复；可电话联系');

  // The resident writes again: the held reply goes out; the officer holds the item, so the bot stays quiet.
  tick(1000);
  fake.residentSays(KF, 'wmLate', '还没有，周末去');
  await fake.notify(a.url, KF);
  await waitFor('released reply', () => fake.textsTo('wmLate').includes('请问您办好了吗？'));
  await settle([a]);
  expect(fake.textsTo('wmLate').slice(-1)).toEqual(['请问您办好了吗？']);
  const residentSaid = await ItemMessageModel.find({ item: item._id, author: 'resident' }).lean();
  expect(residentSaid.map((m) => m.text)).toContain('还没有，周末去');
});

test('automatic text never takes the last two sends of a window: they stay for the officer', async () => {
  const a = await startInstance();
  fake.enterSession(KF, 'wmChatty', 'HPL');
  await fake.notify(a.url, KF);
  tick(1000);
  fake.residentSays(KF, 'wmChatty', '公积金怎么提取呀');
  await fake.notify(a.url, KF);
  const first = await waitFor('escalation reply', () => fake.sentTo('wmChatty')[0]);
  const code = /S[0-9A-Z]{7}/.exec(first.text?.content ?? first.msgmenu?.head_content ?? '')![0];
  const item = (await ItemModel.findOne({ code }).lean())!;
  // Three more automatic messages in the same window (a survey, a notice…): only two fit.
  const { enqueueMessage } = await import('../../src/modules/outbox/outbox.service');
  for (const n of [1, 2, 3]) {
    await enqueueMessage({ key: `test:auto:${n}`, to: { channel: 'wecom-kf', conversationId: `${KF}:wmChatty`, isGroup: false }, text: `自动消息${n}`, purpose: 'notice' });
  }
  await a.runtime.kf!.sender.tick();
  expect(fake.textsTo('wmChatty').filter((t) => t.startsWith('自动消息'))).toEqual(['自动消息1', '自动消息2']);
  expect((await OutboxModel.findOne({ key: 'test:auto:3' }).lean())).toMatchObject({ status: 'held', lastError: HOLD_REASONS.keptForOfficer });
  // The officer's reply still gets through (slot 4).
  await createOfficer({ username: 'hpl2', rooms: ['HPL'] });
  const { agent, csrf } = await login(a.app, 'hpl2');
  await agent.post(`/api/inbox/${item._id}/reply`).set('x-csrf-token', csrf).send({ text: '民警回复' }).expect(201);
  await a.runtime.kf!.sender.tick();
  expect(fake.textsTo('wmChatty')).toContain('民警回复');
});

test("a resident's image joins their item: downloaded with media/get and stored as the item's attachment", async () => {
  const a = await startInstance();
  const welcomed = fake.welcomes.length;
  fake.enterSession(KF, 'wmPhoto', 'HPL');
  await fake.notify(a.url, KF);
  await waitFor('welcome', () => fake.welcomes.length === welcomed + 1);
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  fake.media.set('MEDIA_broken_window', { data: png, type: 'image/png' });
  tick(1000);
  fake.residentSays(KF, 'wmPhoto', { msgtype: 'image', image: { media_id: 'MEDIA_broken_window' } });
  await fake.notify(a.url, KF);
  const reply = await waitFor('image receipt', () => fake.textsTo('wmPhoto').find((t) => t.includes('已收到您的图片')));
  const code = /编号 (\S+?)）/.exec(reply ?? '')![1]!;
  const item = (await ItemModel.findOne({ code }).lean())!;
  expect(item).toMatchObject({ room: 'HPL', origin: { channel: 'wecom-kf' } });
  const withImage = (await ItemMessageModel.find({ item: item._id }).lean()).find((mm) => (mm.attachments ?? []).length > 0)!;
  expect(withImage).toMatchObject({ author: 'resident', text: '[图片]' });
  const stored = (await AttachmentModel.findById(withImage.attachments![0]).lean())!;
  expect(stored).toMatchObject({ mime: 'image/png', source: 'wechat', uploadedBy: 'resident', room: 'HPL' });
  expect(readFileSync(path.join(dataDir, 'attachments', stored.storedName)).length).toBeGreaterThan(0);
  expect(fake.callsTo('media/get').map((c) => c.query.media_id)).toEqual(['MEDIA_broken_window']);
});

/** A stand-in for an OpenAI-compatible audio/transcriptions endpoint: answers `text` for each upload it receives. */
async function fakeTranscriptionServer(text: string) {
  const uploads: Array<{ path: string; auth: string; body: Buffer }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      uploads.push({ path: req.url ?? '', auth: String(req.headers.authorization ?? ''), body: Buffer.concat(chunks) });
      if (req.method !== 'POST' || !req.url?.endsWith('/audio/transcriptions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { uploads, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise((r) => server.close(r)) };
}

// A real WeChat-style voice message: a spoken sentence, AMR-NB 12.2 kbps, 10.4 s (scripts/make-voice-fixture.ts).
const AMR = readFileSync(path.join(__dirname, '../fixtures/voice/resident.amr'));

async function fetchBytes(agent: ReturnType<typeof request.agent>, url: string, status = 200) {
  const res = await agent
    .get(url)
    .buffer(true)
    .parse((r, cb) => {
      const parts: Buffer[] = [];
      r.on('data', (c: Buffer) => parts.push(c));
      r.on('end', () => cb(null, Buffer.concat(parts)));
    });
  expect(res.status).toBe(status);
  return res;
}

/** The WAV a browser gets: RIFF/WAVE, 8 kHz mono 16-bit PCM, as long as the recording (10.4 s). */
function expectPlayableWav(wav: Buffer): void {
  expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
  expect(wav.toString('latin1', 8, 12)).toBe('WAVE');
  expect(wav.readUInt16LE(20)).toBe(1); // PCM
  expect(wav.readUInt16LE(22)).toBe(1); // mono
  expect(wav.readUInt32LE(24)).toBe(8000);
  expect(wav.readUInt16LE(34)).toBe(16);
  expect(wav.toString('latin1', 36, 40)).toBe('data');
  const size = wav.readUInt32LE(40);
  expect(wav.length).toBeGreaterThanOrEqual(44 + size);
  const seconds = size / 16000;
  expect(seconds).toBeGreaterThan(10);
  expect(seconds).toBeLessThan(11);
  // Speech, not silence.
  const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + 44 + size));
  expect(Math.max(...pcm.map(Math.abs))).toBeGreaterThan(5000);
}

test("without a model, a resident's voice message is kept on their item, playable in the inbox as WAV and downloadable as recorded; the resident is told an officer will listen", async () => {
  const a = await startInstance();
  fake.enterSession(KF, 'wmVoice', 'HPL');
  await fake.notify(a.url, KF);
  fake.media.set('MEDIA_voice_1', { data: AMR, type: 'audio/amr' });
  tick(1000);
  fake.residentSays(KF, 'wmVoice', { msgtype: 'voice', voice: { media_id: 'MEDIA_voice_1' } });
  await fake.notify(a.url, KF);
  const reply = await waitFor('voice receipt', () => fake.textsTo('wmVoice').find((t) => t.includes('已收到您的语音')));
  expect(reply).toContain('民警会收听后回复您');
  const code = /编号 (\S+?)）/.exec(reply ?? '')![1]!;
  const item = (await ItemModel.findOne({ code }).lean())!;
  expect(item).toMatchObject({ room: 'HPL', origin: { channel: 'wecom-kf' } });
  const msg = (await ItemMessageModel.find({ item: item._id }).lean()).find((mm) => (mm.attachments ?? []).length > 0)!;
  expect(msg.text).toContain('[语音');

  // The room's officer sees it in the inbox: a player for the WAV rendition, and the original to download.
  await createOfficer({ username: 'hplvoice', rooms: ['HPL'] });
  const { agent } = await login(a.app, 'hplvoice');
  const detail = await agent.get(`/api/inbox/${item._id}`).expect(200);
  const att = JSON.stringify(detail.body).match(/"url":"(\/api\/attachments\/[a-f0-9]+)","playUrl":"([^"]+)","mime":"audio\/amr"/);
  expect(att).not.toBeNull();
  const file = await fetchBytes(agent, att![1]);
  expect(file.headers['content-type']).toBe('audio/amr');
  expect(file.headers['content-disposition']).toMatch(/^attachment; filename="voice-[a-f0-9]+\.amr"$/);
  expect(Buffer.compare(file.body as Buffer, AMR)).toBe(0);
  const played = await fetchBytes(agent, att![2]);
  expect(played.headers['content-type']).toBe('audio/wav');
  expect(played.headers['content-disposition']).toMatch(/^inline/);
  expectPlayableWav(played.body as Buffer);
  // Another room's officer gets nothing of it.
  await createOfficer({ username: 'othervoice', rooms: ['LSC'] });
  const { agent: other } = await login(a.app, 'othervoice');
  await other.get(att![2]).expect(404);
});

test('a voice message from a resident who has not picked a room: the room picker answers, and the recording joins their item in the room they pick', async () => {
  const a = await startInstance();
  fake.enterSession(KF, 'wmNoRoom', '');
  await fake.notify(a.url, KF);
  fake.media.set('MEDIA_voice_3', { data: AMR, type: 'audio/amr' });
  tick(1000);
  fake.residentSays(KF, 'wmNoRoom', { msgtype: 'voice', voice: { media_id: 'MEDIA_voice_3' } });
  await fake.notify(a.url, KF);
  const picker = await waitFor('the room picker', () => fake.sentTo('wmNoRoom').find((s) => s.msgmenu?.head_content?.includes('已收到您的语音')));
  expect(picker!.msgmenu!.head_content).toContain('请先选择您所在的警务室');
  const hpl = picker!.msgmenu!.list.find((o) => o.click?.content === '和平里社区警务室')!;
  expect(hpl).toBeTruthy();
  // Not on any room's item yet.
  expect(await ItemModel.countDocuments({ 'origin.conversationId': `${KF}:wmNoRoom` })).toBe(0);

  tick(1000);
  fake.residentPicks(KF, 'wmNoRoom', hpl.click!.id, hpl.click!.content);
  await fake.notify(a.url, KF);
  const told = await waitFor('the voice receipt', () => fake.textsTo('wmNoRoom').find((t) => t.includes('您之前发来的语音已附在您的事项'))).catch((err) => {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(fake.textsTo('wmNoRoom'))}`);
  });
  expect(fake.textsTo('wmNoRoom').some((t) => t.includes('已为您切换到和平里社区警务室'))).toBe(true);
  const code = /编号 (\S+?)）/.exec(told ?? '')![1]!;
  const item = (await ItemModel.findOne({ code }).lean())!;
  expect(item).toMatchObject({ room: 'HPL', origin: { channel: 'wecom-kf', conversationId: `${KF}:wmNoRoom` } });
  const msg = (await ItemMessageModel.find({ item: item._id }).lean()).find((mm) => (mm.attachments ?? []).length > 0)!;
  const stored = (await AttachmentModel.findById(msg.attachments![0]).lean())!;
  expect(stored).toMatchObject({ mime: 'audio/amr', size: AMR.length, room: 'HPL' });
});

test('with a model, a voice message is transcribed and answered like text: an emergency said aloud gets the emergency answer at once, the recording on the item', async () => {
  const model = await fakeTranscriptionServer('救命，有人持刀抢劫，就在3号楼下面');
  try {
    const a = await startInstance({ env: { OPENAI_API_KEY: 'sk-test-local', OPENAI_BASE_URL: model.url } });
    fake.enterSession(KF, 'wmShout', 'HPL');
    await fake.notify(a.url, KF);
    fake.media.set('MEDIA_voice_2', { data: AMR, type: 'audio/amr' });
    tick(1000);
    fake.residentSays(KF, 'wmShout', { msgtype: 'voice', voice: { media_id: 'MEDIA_voice_2' } });
    await fake.notify(a.url, KF);
    const answer = await waitFor('the emergency answer', () => fake.textsTo('wmShout').find((t) => t.includes('110')));
    expect(answer).toContain('本平台不是报警渠道');
    expect(fake.textsTo('wmShout').some((t) => t.includes('民警会收听'))).toBe(false);
    // The recording went to the transcription endpoint as a file, with the configured model.
    const upload = model.uploads.find((u) => u.path.endsWith('/audio/transcriptions'))!;
    expect(upload.auth).toBe('Bearer sk-test-local');
    // As WAV (OpenAI-compatible endpoints refuse AMR), not the AMR as WeCom gave it.
    expect(upload.body.includes(AMR.subarray(6, 200))).toBe(false);
    const sent = upload.body.toString('latin1');
    expect(sent).toMatch(/filename="voice\.wav"/);
    expect(sent).toContain('whisper-1');
    expectPlayableWav(upload.body.subarray(upload.body.indexOf('RIFF')));
    const item = (await waitFor('the emergency item', () => ItemModel.findOne({ kind: 'emergency', 'origin.conversationId': `${KF}:wmShout` }).lean()))!;
    const withVoice = await waitFor('the recording on the item', async () =>
      (await ItemMessageModel.find({ item: item._id }).lean()).find((mm) => (mm.attachments ?? []).length > 0),
    );
    expect(withVoice!.text).toContain('[语音] 救命，有人持刀抢劫');
    expect((await AttachmentModel.findById(withVoice!.attachments![0]).lean())!.mime).toBe('audio/amr');
  } finally {
    await model.close();
  }
});
