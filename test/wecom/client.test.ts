import { createWecomClient, WecomApiError } from '../../src/channels/wecom/client';
import { openEvent, verifyUrl, CallbackError } from '../../src/channels/wecom/callback-crypto';
import { roadStates } from '../../src/channels/wecom/settings';
import { WecomCallModel, WecomRoadStateModel } from '../../src/channels/wecom/wecom.models';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { FakeWecom } from '../helpers/fake-wecom';
import { testConfig, testLogger } from '../helpers/app';

let db: TestDatabase;
let fake: FakeWecom;
let clock = new Date('2026-12-03T02:00:00Z');
const now = () => clock;
const kf = { name: 'kf' as const, secret: 'kf-secret' };

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
  fake.calls.length = 0;
  fake.clearFailures();
  clock = new Date('2026-12-03T02:00:00Z');
});

const client = () => createWecomClient({ base: fake.base, corpId: fake.corpId, logger: testLogger(), now, backoffMs: 5 });

test('one token serves many calls and is shared by instances through the database', async () => {
  const a = client();
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  // A second instance (own memory) reads the stored token instead of asking for a new one.
  await client().call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  expect(fake.callsTo('gettoken')).toHaveLength(1);
  expect(fake.callsTo('kf/sync_msg').map((c) => c.errcode)).toEqual([0, 0, 0]);
});

test('a token is refreshed early before it expires, and again when WeCom says it expired (42001) or is invalid (40014)', async () => {
  const a = client();
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  // 7200 s tokens: at 6990 s (less than 5 minutes left) a new one is fetched before the call.
  clock = new Date(clock.getTime() + 6990_000);
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  expect(fake.callsTo('gettoken')).toHaveLength(2);
  expect(fake.callsTo('kf/sync_msg').every((c) => c.errcode === 0)).toBe(true);

  // WeCom expires it anyway: 42001, refresh, the call is repeated and succeeds.
  fake.expireAllTokens();
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  expect(fake.callsTo('gettoken')).toHaveLength(3);
  expect(fake.callsTo('kf/sync_msg').map((c) => c.errcode).slice(-2)).toEqual([42001, 0]);

  fake.tokens.clear(); // revoked: 40014
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  expect(fake.callsTo('kf/sync_msg').map((c) => c.errcode).slice(-2)).toEqual([40014, 0]);
});

test('busy (-1) and rate limits (45009) are retried with backoff; other errors surface with the errcode', async () => {
  const a = client();
  fake.failNext('kf/sync_msg', 45009, 2);
  fake.failNext('kf/send_msg', -1, 1);
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  expect(fake.callsTo('kf/sync_msg').map((c) => c.errcode)).toEqual([45009, 45009, 0]);
  await expect(a.call(kf, { api: 'kf/send_msg', body: { open_kfid: 'wkA', touser: 'u1', msgtype: 'text', text: { content: 'hi' } }, purpose: 'reply' })).rejects.toMatchObject({
    errcode: 95001,
  });
  expect(fake.callsTo('kf/send_msg').map((c) => c.errcode)).toEqual([-1, 95001]);

  fake.failNext('kf/sync_msg', 45009, 10);
  const err = await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WecomApiError);
  expect((err as WecomApiError).errcode).toBe(45009);
  expect(fake.callsTo('kf/sync_msg').length).toBe(3 + 4); // 4 attempts, then it gives up
});

test('every call is recorded with its errcode and purpose; the road keeps its last error', async () => {
  const a = client();
  await a.call(kf, { api: 'kf/sync_msg', body: { open_kfid: 'wkA' }, purpose: 'pull' });
  await a.call(kf, { api: 'kf/send_msg', body: { open_kfid: 'wkA', touser: 'u1', msgtype: 'text', text: { content: 'hi' } }, purpose: 'reply' }).catch(() => undefined);
  const calls = await WecomCallModel.find({}).sort({ at: 1, _id: 1 }).lean();
  expect(calls.map((c) => [c.api, c.purpose, c.errcode])).toEqual([
    ['gettoken', 'token:kf', 0],
    ['kf/sync_msg', 'pull', 0],
    ['kf/send_msg', 'reply', 95001],
  ]);
  const state = await WecomRoadStateModel.findById('kf').lean();
  expect(state?.lastError).toContain('95001');
  expect(state?.tokenExpiresAt?.getTime()).toBe(clock.getTime() + 7200_000);
});

test('callbacks: the URL check answers the decrypted echostr; events decrypt; a wrong signature or corp is refused', () => {
  const keys = { token: fake.callbackToken, aesKey: fake.aesKey, corpId: fake.corpId };
  const v = fake.verification();
  expect(verifyUrl(keys, v.query, clock)).toBe(v.echo);
  expect(() => verifyUrl(keys, { ...v.query, msg_signature: 'f'.repeat(40) }, clock)).toThrow(CallbackError);

  const cb = fake.callback('wkROOM');
  const event = openEvent(keys, cb.query, cb.body, clock);
  expect(event).toMatchObject({ Event: 'kf_msg_or_event', OpenKfId: 'wkROOM' });
  expect(String(event.Token)).toMatch(/^ENC/);
  expect(() => openEvent(keys, { ...cb.query, nonce: 'other' }, cb.body, clock)).toThrow(/signature/);
  const foreign = fake.sign('<xml><Event>kf_msg_or_event</Event></xml>', 'wwOTHERCORP');
  expect(() => openEvent(keys, foreign.query, foreign.body, clock)).toThrow(/corp/);
  // A captured callback replayed two hours later is refused.
  expect(() => openEvent(keys, cb.query, cb.body, new Date(clock.getTime() + 2 * 3600_000))).toThrow(/timestamp/);
});

test('a road with missing settings is off and names what is missing', () => {
  const none = roadStates(testConfig());
  expect(none.kf).toEqual({ on: false, missing: ['WECOM_CORP_ID', 'WECOM_CALLBACK_TOKEN', 'WECOM_CALLBACK_AES_KEY', 'WECOM_KF_SECRET'] });
  expect(none.alerts.on).toBe(false);
  const all = roadStates(testConfig(fake.env()));
  expect(all.kf.on && all.groups.on && all.alerts.on).toBe(true);
  expect(() => testConfig({ WECOM_CALLBACK_AES_KEY: 'short' })).toThrow(/WECOM_CALLBACK_AES_KEY/);
});
