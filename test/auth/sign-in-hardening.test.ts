import http from 'node:http';
import { hash, parseOptions } from '@node-rs/argon2';
import request from 'supertest';
import { LoginFailureModel, SessionModel } from '../../src/modules/auth/session.model';
import { login as loginService } from '../../src/modules/auth/auth.service';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { ensureAdmin } from '../../src/modules/seed/seed.service';
import { buildTestApp, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startDemoServer, type DemoServer } from '../helpers/server';

/**
 * Sign-in that attackers cannot turn against officers (issue #17): failures counted atomically,
 * growing delays per username and address instead of a lock anyone can trigger, an idle timeout,
 * sign-out and deactivation closing live streams at once, officers changing their own password,
 * explicit argon2id parameters, forced change of first and temporary passwords.
 */

// One proxy hop is trusted, so X-Forwarded-For stands for the client's address in these tests.
const { app } = buildTestApp({ TRUST_PROXY_HOPS: '1', LIVE_POLL_MS: '200' });
let rig: DemoServer;

beforeAll(async () => {
  rig = await startDemoServer(app);
});
afterAll(async () => rig?.stop());
beforeEach(async () => {
  await LoginFailureModel.deleteMany({});
});

const from = (ip: string) => ({
  login: (username: string, password: string) => request(app.callback()).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password }),
});

describe('failed sign-ins', () => {
  it('counts parallel guesses atomically: of 20 simultaneous wrong passwords at most 5 are checked, the rest are slowed down', async () => {
    await createOfficer({ username: 'burst_target', password: 'Right-pass-2025' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => from('203.0.113.7').login('burst_target', `Wrong-${i}-pass`)));
    const checked = results.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429).length).toBe(20 - checked);
    for (const r of results.filter((x) => x.status === 429)) expect(r.body.error.code).toBe('login_slowed_down');
  });

  it("an attacker's failures never keep the officer out: the same username from another address signs in at once", async () => {
    await createOfficer({ username: 'admin_like', role: 'admin', password: 'Right-pass-2025' });
    for (let i = 0; i < 12; i++) await from('198.51.100.66').login('admin_like', `Guess-${i}-pass`);
    const attacker = await from('198.51.100.66').login('admin_like', 'Right-pass-2025');
    expect(attacker.status).toBe(429);
    expect(attacker.headers['set-cookie']).toBeUndefined();
    const officer = await from('192.0.2.10').login('admin_like', 'Right-pass-2025');
    expect(officer.status).toBe(200);
  });

  it('keeps no address: a failed sign-in is recorded under a keyed hash of the address, never the address itself', async () => {
    await createOfficer({ username: 'ip_kept', password: 'Right-pass-2025' });
    expect((await from('203.0.113.77').login('ip_kept', 'Wrong-pass-2025')).status).toBe(401);
    const rows = await LoginFailureModel.find({ username: 'ip_kept' }).lean();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('203.0.113.77');
    expect(rows[0].ip).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('slows down with growing delays (30 s, 1 min, 2 min …) instead of a 15-minute lock', async () => {
    await createOfficer({ username: 'slow_guesser', password: 'Right-pass-2025' });
    const t0 = Date.UTC(2026, 10, 29, 1, 0, 0);
    const attempt = (seconds: number, password: string) => loginService({ username: 'slow_guesser', password, ip: '203.0.113.9', now: new Date(t0 + seconds * 1000) });
    for (let s = 0; s < 5; s++) await expect(attempt(s, 'wrong-guess-1')).rejects.toMatchObject({ kind: 'unauthenticated', code: 'invalid_credentials' });
    // Five failures: the next try waits 30 s after the last one (at 4 s), so until 34 s.
    await expect(attempt(10, 'wrong-guess-1')).rejects.toMatchObject({ kind: 'rate_limited', code: 'login_slowed_down', retryAfterSeconds: 24 });
    await expect(attempt(34, 'wrong-guess-1')).rejects.toMatchObject({ kind: 'unauthenticated', code: 'invalid_credentials' });
    // Six failures: now 60 s after the last.
    await expect(attempt(60, 'Right-pass-2025')).rejects.toMatchObject({ kind: 'rate_limited', code: 'login_slowed_down', retryAfterSeconds: 34 });
    await expect(attempt(94, 'Right-pass-2025')).resolves.toMatchObject({ officer: { username: 'slow_guesser' } });
    // Success clears that address's failures for the username.
    expect(await LoginFailureModel.countDocuments({ username: 'slow_guesser' })).toBe(0);
  });

  it('an admin lifts the delays of a username from every address', async () => {
    const target = await createOfficer({ username: 'unlock_me', password: 'Right-pass-2025' });
    await createOfficer({ username: 'unlock_admin', role: 'admin' });
    for (let i = 0; i < 6; i++) await from('203.0.113.50').login('unlock_me', `Guess-${i}-pass`);
    expect((await from('203.0.113.50').login('unlock_me', 'Right-pass-2025')).status).toBe(429);
    const admin = await login(app, 'unlock_admin');
    const list = await admin.agent.get('/api/officers?q=unlock_me').expect(200);
    expect(list.body.officers[0].failedSignIns).toBeGreaterThanOrEqual(5);
    await admin.agent.post(`/api/officers/${target.id}/unlock`).set('X-CSRF-Token', admin.csrf).send({}).expect(200);
    expect((await from('203.0.113.50').login('unlock_me', 'Right-pass-2025')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('end after SESSION_IDLE_MINUTES without a request, besides the absolute expiry', async () => {
    await createOfficer({ username: 'idle_cop', rooms: ['HPL'] });
    const s = await login(app, 'idle_cop');
    const session = await SessionModel.findOne({ officer: (await OfficerModel.findOne({ username: 'idle_cop' }))!._id });
    await SessionModel.updateOne({ _id: session!._id }, { $set: { lastSeenAt: new Date(Date.now() - 29 * 60_000) } });
    await s.agent.get('/api/me').expect(200);
    // The request above counted as activity (written in the background: wait for it).
    for (let i = 0; i < 50 && (await SessionModel.findById(session!._id).lean())!.lastSeenAt.getTime() < Date.now() - 60_000; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await SessionModel.findById(session!._id).lean())!.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // 31 idle minutes end the session.
    await SessionModel.updateOne({ _id: session!._id }, { $set: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    const expired = await s.agent.get('/api/me').expect(401);
    expect(expired.body.error.message).toMatch(/登录已过期/);
    expect(await SessionModel.countDocuments({ _id: session!._id })).toBe(0);
  });

  it('the idle timeout is configurable', async () => {
    const short = buildTestApp({ SESSION_IDLE_MINUTES: '5' }).app;
    await createOfficer({ username: 'idle_short', rooms: ['HPL'] });
    const s = await login(short, 'idle_short');
    await SessionModel.updateOne({ officer: (await OfficerModel.findOne({ username: 'idle_short' }))!._id }, { $set: { lastSeenAt: new Date(Date.now() - 6 * 60_000) } });
    await s.agent.get('/api/me').expect(401);
  });
});

/** Opens the inbox's live stream over real HTTP; resolves `ended` when the server hangs up. */
function openStream(cookie: string) {
  const seen: string[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  let endResolve!: () => void;
  const ended = new Promise<void>((r) => (endResolve = r));
  const req = http.get(`${rig.base}/api/inbox/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      for (const m of chunk.matchAll(/event: ([a-z-]+)/g)) seen.push(m[1]);
      if (seen.includes('ready')) readyResolve();
    });
    res.on('end', () => endResolve());
    res.on('close', () => endResolve());
  });
  req.on('error', () => endResolve());
  return { seen, ready, ended, destroy: () => req.destroy() };
}

async function signInForStream(username: string, password = 'password-123') {
  const res = await fetch(`${rig.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe('live inbox streams', () => {
  it('signing out closes that session’s open stream at once (and only that one)', async () => {
    await createOfficer({ username: 'stream_out', rooms: ['HPL'] });
    const a = await signInForStream('stream_out');
    const b = await signInForStream('stream_out');
    const streamA = openStream(a.cookie);
    const streamB = openStream(b.cookie);
    await Promise.all([streamA.ready, streamB.ready]);
    const out = await fetch(`${rig.base}/api/auth/logout`, { method: 'POST', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf } });
    expect(out.status).toBe(200);
    await within(streamA.ended, 2000);
    expect(streamA.seen).toContain('signed-out');
    await new Promise((r) => setTimeout(r, 400));
    expect(streamB.seen).not.toContain('signed-out');
    streamB.destroy();
  });

  it('deactivating an officer closes every stream of theirs at once', async () => {
    const target = await createOfficer({ username: 'stream_deact', rooms: ['HPL'] });
    await createOfficer({ username: 'stream_admin', role: 'admin' });
    const s = await signInForStream('stream_deact');
    const stream = openStream(s.cookie);
    await stream.ready;
    const admin = await login(app, 'stream_admin');
    await admin.agent.put(`/api/officers/${target.id}`).set('X-CSRF-Token', admin.csrf).send({ active: false }).expect(200);
    await within(stream.ended, 2000);
    expect(stream.seen).toContain('signed-out');
    const again = await fetch(`${rig.base}/api/inbox/events`, { headers: { cookie: s.cookie } });
    expect(again.status).toBe(401);
  });
});

describe('passwords', () => {
  it('an officer changes their own password: current one required, other sessions end, this one stays', async () => {
    await createOfficer({ username: 'self_change', rooms: ['HPL'], password: 'Old-pass-2025' });
    const here = await login(app, 'self_change', 'Old-pass-2025');
    const elsewhere = await login(app, 'self_change', 'Old-pass-2025');
    const wrong = await here.agent.post('/api/account/password').set('X-CSRF-Token', here.csrf).send({ currentPassword: 'nope-nope-1', newPassword: 'New-pass-2026' }).expect(400);
    expect(wrong.body.error.code).toBe('wrong_current_password');
    expect(wrong.body.error.message).toMatch(/当前密码不正确/);
    const weak = await here.agent.post('/api/account/password').set('X-CSRF-Token', here.csrf).send({ currentPassword: 'Old-pass-2025', newPassword: 'short' }).expect(400);
    expect(weak.body.error.message).toMatch(/密码至少 10 位/);
    await here.agent.post('/api/account/password').send({ currentPassword: 'Old-pass-2025', newPassword: 'New-pass-2026' }).expect(403); // CSRF
    await here.agent.post('/api/account/password').set('X-CSRF-Token', here.csrf).send({ currentPassword: 'Old-pass-2025', newPassword: 'New-pass-2026' }).expect(200);
    await here.agent.get('/api/me').expect(200);
    await elsewhere.agent.get('/api/me').expect(401);
    await expect(login(app, 'self_change', 'Old-pass-2025')).rejects.toThrow(/401/);
    await login(app, 'self_change', 'New-pass-2026');
  });

  it('lists the officer’s own sessions and signs one out', async () => {
    await createOfficer({ username: 'sess_list', rooms: ['HPL'] });
    const here = await login(app, 'sess_list');
    const other = await login(app, 'sess_list');
    const list = await here.agent.get('/api/account/sessions').expect(200);
    expect(list.body.sessions).toHaveLength(2);
    const otherSession = list.body.sessions.find((s: { current: boolean }) => !s.current);
    await here.agent.delete(`/api/account/sessions/${otherSession.id}`).set('X-CSRF-Token', here.csrf).expect(204);
    await other.agent.get('/api/me').expect(401);
    await here.agent.get('/api/me').expect(200);
    // Someone else's session id ends nothing.
    await createOfficer({ username: 'sess_stranger', rooms: ['LSC'] });
    const stranger = await login(app, 'sess_stranger');
    const strangerSession = (await stranger.agent.get('/api/account/sessions').expect(200)).body.sessions[0].id;
    await here.agent.delete(`/api/account/sessions/${strangerSession}`).set('X-CSRF-Token', here.csrf).expect(204);
    await stranger.agent.get('/api/me').expect(200);
  });

  it('hashes with explicit argon2id parameters at OWASP’s minimum or above, and upgrades weaker hashes at sign-in', async () => {
    const weak = await hash('Legacy-pass-2025', { memoryCost: 4096, timeCost: 3, parallelism: 1 });
    await OfficerModel.deleteOne({ username: 'legacy_hash' });
    await OfficerModel.create({ username: 'legacy_hash', name: '旧哈希', role: 'officer', rooms: ['HPL'], passwordHash: weak });
    await login(app, 'legacy_hash', 'Legacy-pass-2025');
    const stored = (await OfficerModel.findOne({ username: 'legacy_hash' }).select('+passwordHash').lean())!.passwordHash!;
    expect(stored).toMatch(/^\$argon2id\$/);
    const p = parseOptions(stored);
    expect(p.memoryCost).toBeGreaterThanOrEqual(19456);
    expect(p.timeCost).toBeGreaterThanOrEqual(2);
    expect(p.parallelism).toBe(1);
    await login(app, 'legacy_hash', 'Legacy-pass-2025');
  });

  it('the admin’s random first password must be changed before anything else works', async () => {
    const lines: string[] = [];
    await OfficerModel.deleteOne({ username: 'first_admin' });
    await ensureAdmin({ username: 'first_admin', logger: testLogger(), print: (l) => lines.push(l) });
    const printed = /初始密码 password: (\S+)/.exec(lines.join('\n'))![1];
    const admin = await login(app, 'first_admin', printed);
    expect(admin.officer.mustChangePassword).toBe(true);
    const refused = await admin.agent.get('/api/officers').expect(403);
    expect(refused.body.error.code).toBe('password_change_required');
    expect(refused.body.error.message).toMatch(/请先修改/);
    await admin.agent.get('/api/me').expect(200);
    await admin.agent.post('/api/account/password').set('X-CSRF-Token', admin.csrf).send({ currentPassword: printed, newPassword: 'Chosen-pass-2026' }).expect(200);
    expect((await admin.agent.get('/api/me').expect(200)).body.officer.mustChangePassword).toBe(false);
    await admin.agent.get('/api/officers').expect(200);
  });

  it('an admin’s reset gives a temporary password shown once, ends the officer’s sessions, and forces a change', async () => {
    const target = await createOfficer({ username: 'reset_me', rooms: ['HPL'] });
    await createOfficer({ username: 'reset_admin', role: 'admin' });
    const before = await login(app, 'reset_me');
    const admin = await login(app, 'reset_admin');
    const res = await admin.agent.post(`/api/officers/${target.id}/reset-password`).set('X-CSRF-Token', admin.csrf).send({}).expect(200);
    const temp = res.body.temporaryPassword as string;
    expect(temp).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(res.body.officer.mustChangePassword).toBe(true);
    await before.agent.get('/api/me').expect(401);
    // The temporary password is nowhere to be read again.
    expect(JSON.stringify((await admin.agent.get('/api/officers?q=reset_me').expect(200)).body)).not.toContain(temp);
    const officer = await login(app, 'reset_me', temp);
    expect((await officer.agent.get('/api/inbox').expect(403)).body.error.code).toBe('password_change_required');
    await officer.agent.post('/api/account/password').set('X-CSRF-Token', officer.csrf).send({ currentPassword: temp, newPassword: 'Mine-now-2026' }).expect(200);
    await officer.agent.get('/api/inbox').expect(200);
  });
});

describe('scopes', () => {
  it('a supervisor with no district lists nobody, and no supervisor ever lists admin accounts', async () => {
    await createOfficer({ username: 'lost_sup', role: 'supervisor', district: null });
    await createOfficer({ username: 'xh_sup', role: 'supervisor', district: 'XH' });
    await createOfficer({ username: 'scope_admin', role: 'admin' });
    const lost = await login(app, 'lost_sup');
    expect((await lost.agent.get('/api/officers').expect(200)).body.officers).toEqual([]);
    const xh = await login(app, 'xh_sup');
    const listed = (await xh.agent.get('/api/officers').expect(200)).body.officers as Array<{ role: string; username: string }>;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((o) => o.role === 'admin')).toEqual([]);
  });
});
