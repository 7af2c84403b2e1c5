import request from 'supertest';
import { LoginFailureModel } from '../../src/modules/auth/session.model';
import { ItemModel } from '../../src/modules/items/item.model';
import { RateSeatModel } from '../../src/modules/rate-limits/rate-limit';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildCapturingApp, errorShapeProblem } from './helpers';

/**
 * Rate limits answer 429 with the standard error shape once exceeded (small limits through
 * config overrides): login slow-down (per user and address, and per address), web chat (per conversation and per
 * client IP), tip submission and tip look-up (per IP). The limits are fixed windows shared
 * through the database; every test drives the app's injected clock, pinned inside one window
 * (then moved to the next one), so none depends on where the real clock stands.
 */

jest.setTimeout(60_000);

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'rl_hpl', rooms: ['HPL'], password: 'Right-pass-2025' });
  await createOfficer({ username: 'rl_other', rooms: ['LSC'], password: 'Right-pass-2025' });
}, 60_000);
afterAll(async () => db?.stop());
beforeEach(async () => {
  await RateSeatModel.deleteMany({});
  await LoginFailureModel.deleteMany({});
});

/**
 * A clock pinned 1 s into the current window of `windowMs` (fixed windows start at multiples of
 * it); `clock.advance(ms)` moves it. Nothing the test does depends on the real clock's position.
 */
function pinnedClock(windowMs: number) {
  let t = Math.floor(Date.now() / windowMs) * windowMs + 1000;
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

function expect429(res: request.Response, code = 'rate_limited') {
  expect(res.status).toBe(429);
  expect(errorShapeProblem(res)).toBeNull();
  expect(res.body.error.code).toBe(code);
}

describe('login slow-down', () => {
  const { app } = buildCapturingApp();
  const login = (username: string, password: string) => request(app.callback()).post('/api/auth/login').send({ username, password });

  it('slows a username down after 5 wrong passwords from one address: the 6th attempt, even with the right password, is 429; other users are unaffected', async () => {
    for (let i = 0; i < 5; i++) expect((await login('rl_hpl', `Wrong-${i}-pass`)).status).toBe(401);
    expect429(await login('rl_hpl', 'Wrong-again-pass'), 'login_slowed_down');
    const right = await login('rl_hpl', 'Right-pass-2025');
    expect429(right, 'login_slowed_down');
    expect(right.headers['set-cookie']).toBeUndefined();
    expect((await login('rl_other', 'Right-pass-2025')).status).toBe(200);
  });

  it('slows the client address down after 20 failures spread over many usernames', async () => {
    for (let i = 0; i < 20; i++) expect((await login(`guess_${i}`, 'Whatever-pass-1')).status).toBe(401);
    expect429(await login('rl_other', 'Right-pass-2025'), 'login_slowed_down');
  });
});

describe('web chat', () => {
  it('per conversation: the 4th message of a conversation in a minute is 429 (with Retry-After); a new conversation still gets answers', async () => {
    const clock = pinnedClock(60_000);
    const { app } = buildCapturingApp({ CHAT_RATE_CONVERSATION_PER_MIN: '3', CHAT_RATE_IP_PER_MIN: '100' }, clock.now);
    const say = (text: string, conversationId?: string) => request(app.callback()).post('/api/chat/messages').send({ room: 'HPL', text, ...(conversationId ? { conversationId } : {}) });
    const first = await say('你好');
    expect(first.status).toBe(200);
    const cid = first.body.conversationId as string;
    expect((await say('身份证丢了怎么办', cid)).status).toBe(200);
    expect((await say('要带什么材料', cid)).status).toBe(200);
    const limited = await say('在吗', cid);
    expect429(limited);
    // The clock stands 1 s into the minute: 59 s until the window ends.
    expect(limited.headers['retry-after']).toBe('59');
    expect(limited.body.error.message).toContain('110');
    // An emergency is never held back by the limit: the same limited conversation still gets the numbers.
    const emergency = await say('救命 有人拿刀在楼下追人', cid);
    expect(emergency.status).toBe(200);
    expect(emergency.body.replies[0].text).toContain('110');
    // The next minute the same conversation is answered again.
    clock.advance(60_000);
    expect((await say('现在呢', cid)).status).toBe(200);
    clock.advance(-60_000);
    const other = await say('你好');
    expect(other.status).toBe(200);
    expect(other.body.conversationId).not.toBe(cid);
  });

  it('per client IP: the 5th message from one IP in a minute is 429, across conversations; X-Forwarded-For does not evade it', async () => {
    const clock = pinnedClock(60_000);
    const { app } = buildCapturingApp({ CHAT_RATE_CONVERSATION_PER_MIN: '100', CHAT_RATE_IP_PER_MIN: '4' }, clock.now);
    for (let i = 0; i < 4; i++) {
      const res = await request(app.callback()).post('/api/chat/messages').set('X-Forwarded-For', `10.0.0.${i + 1}`).send({ room: 'HPL', text: `你好${i}` });
      expect(res.status).toBe(200);
    }
    expect429(await request(app.callback()).post('/api/chat/messages').set('X-Forwarded-For', '10.9.9.9').send({ room: 'HPL', text: '再来一条' }));
  });

  it('behind a proxy (TRUST_PROXY_HOPS=1), clients are told apart by the address the proxy appended, whatever they wrote themselves', async () => {
    const clock = pinnedClock(60_000);
    const { app } = buildCapturingApp({ CHAT_RATE_CONVERSATION_PER_MIN: '100', CHAT_RATE_IP_PER_MIN: '2', TRUST_PROXY_HOPS: '1' }, clock.now);
    const from = (forwarded: string, text: string) => request(app.callback()).post('/api/chat/messages').set('X-Forwarded-For', forwarded).send({ room: 'HPL', text });
    expect((await from('203.0.113.1', '一')).status).toBe(200);
    // A forged entry in front of the proxy's own does not make a new client.
    expect((await from('198.51.100.7, 203.0.113.1', '二')).status).toBe(200);
    expect429(await from('198.51.100.8, 203.0.113.1', '三'));
    expect((await from('203.0.113.2', '一')).status).toBe(200);
  });
});

describe('tips', () => {
  it('submission: the 4th tip from one IP in an hour is 429 with the standard shape, and creates nothing', async () => {
    const clock = pinnedClock(3600_000);
    const { app, logs } = buildCapturingApp({ TIP_RATE_SUBMIT_PER_HOUR: '3' }, clock.now);
    const submit = (text: string) => request(app.callback()).post('/api/tips').send({ room: 'HPL', text, anonymous: true });
    const before = await ItemModel.countDocuments({ kind: 'tip' });
    for (let i = 0; i < 3; i++) expect((await submit(`第${i + 1}条线索：小区门口有可疑车辆`)).status).toBe(201);
    const limited = await submit('第4条线索：被限流');
    expect429(limited);
    expect(limited.headers['retry-after']).toBe('3599');
    expect(limited.body.code).toBeUndefined();
    expect(await ItemModel.countDocuments({ kind: 'tip' })).toBe(before + 3);
    expect(await ItemModel.countDocuments({ summary: /被限流/ })).toBe(0);
    expect(logs.lines().some((l) => l.msg === 'rate limited' && l.path === '/api/tips')).toBe(true);
  });

  it('look-up: guessing secrets is limited too (the 6th look-up in 10 minutes is 429, even with the right secret)', async () => {
    const clock = pinnedClock(600_000);
    const { app } = buildCapturingApp({ TIP_RATE_LOOKUP_PER_10MIN: '5', TIP_RATE_SUBMIT_PER_HOUR: '10' }, clock.now);
    const tip = await request(app.callback()).post('/api/tips').send({ room: 'HPL', text: '查询限流测试线索', anonymous: true });
    expect(tip.status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await request(app.callback()).get(`/api/tips/${tip.body.code}`).set('X-Tip-Secret', `guess-${i}-xxxxxxxx`)).status).toBe(404);
    expect429(await request(app.callback()).get(`/api/tips/${tip.body.code}`).set('X-Tip-Secret', tip.body.secret));
    // Ten minutes later the right secret opens the tip again.
    clock.advance(600_000);
    expect((await request(app.callback()).get(`/api/tips/${tip.body.code}`).set('X-Tip-Secret', tip.body.secret)).status).toBe(200);
  });
});
