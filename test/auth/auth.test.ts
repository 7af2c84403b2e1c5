import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { seedAll } from '../../src/modules/seed/seed.service';
import { SessionModel } from '../../src/modules/auth/session.model';
import { accessibleRoomCodes } from '../../src/modules/auth';
import { login as loginService } from '../../src/modules/auth/auth.service';

let db: TestDatabase;
const { app } = buildTestApp();

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'officer_hpl', rooms: ['HPL'], district: 'XH' });
  await createOfficer({ username: 'super_xh', role: 'supervisor', district: 'XH' });
  await createOfficer({ username: 'root', role: 'admin' });
});
afterAll(async () => db.stop());

describe('login and sessions', () => {
  it('signs in, sets an httpOnly SameSite cookie, and returns the CSRF token and officer', async () => {
    const res = await request(app.callback()).post('/api/auth/login').send({ username: 'officer_hpl', password: 'password-123' }).expect(200);
    const cookie = res.headers['set-cookie'][0];
    expect(cookie).toMatch(/^pr_session=/);
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    expect(res.body.csrfToken).toEqual(expect.any(String));
    expect(res.body.officer).toMatchObject({ username: 'officer_hpl', role: 'officer', rooms: ['HPL'] });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash/);
    // Only the token's hash is stored.
    const token = /pr_session=([^;]+)/.exec(cookie)![1];
    expect(await SessionModel.countDocuments({ tokenHash: token })).toBe(0);
  });

  it('GET /api/me answers for a session and 401s without one or with a forged one', async () => {
    const { agent } = await login(app, 'officer_hpl');
    expect((await agent.get('/api/me').expect(200)).body.officer.username).toBe('officer_hpl');
    expect((await request(app.callback()).get('/api/me').expect(401)).body.error.code).toBe('unauthorized');
    const forged = await request(app.callback()).get('/api/me').set('Cookie', 'pr_session=forged-token-value').expect(401);
    expect(forged.body.error.message).toMatch(/登录已过期/);
  });

  it('refuses a wrong password with the same answer as an unknown user', async () => {
    const wrong = await request(app.callback()).post('/api/auth/login').send({ username: 'super_xh', password: 'nope-nope' }).expect(401);
    const unknown = await request(app.callback()).post('/api/auth/login').send({ username: 'ghost', password: 'nope-nope' }).expect(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('locks an account after 5 failures within 15 minutes', async () => {
    await createOfficer({ username: 'victim' });
    for (let i = 0; i < 5; i++) {
      await request(app.callback()).post('/api/auth/login').send({ username: 'victim', password: `guess-${i}` }).expect(401);
    }
    const locked = await request(app.callback()).post('/api/auth/login').send({ username: 'victim', password: 'password-123' }).expect(429);
    expect(locked.body.error.code).toBe('account_locked');
    // The lock lifts 15 minutes after the first of the 5 failures: the client is told when.
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(850);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(locked.body.error.message).toContain('请15分钟后再试');
  });

  it('lifts the lock 15 minutes after the oldest of the failures, not 15 minutes after the last attempt', async () => {
    await createOfficer({ username: 'slow_guesser' });
    const t0 = Date.UTC(2026, 10, 29, 1, 0, 0);
    const attempt = (minute: number, password: string) => loginService({ username: 'slow_guesser', password, now: new Date(t0 + minute * 60_000) });
    for (let minute = 0; minute < 5; minute++) await expect(attempt(minute, 'wrong-guess')).rejects.toMatchObject({ kind: 'unauthenticated', code: 'invalid_credentials' });
    // At minute 5 the failures of minutes 0–4 count: locked until minute 15, i.e. 10 more minutes.
    await expect(attempt(5, 'password-123')).rejects.toMatchObject({ kind: 'rate_limited', code: 'account_locked', retryAfterSeconds: 600 });
    await expect(attempt(14.5, 'password-123')).rejects.toMatchObject({ kind: 'rate_limited', code: 'account_locked', retryAfterSeconds: 30 });
    // At minute 15 the first failure has left the window: 4 remain, so the right password works.
    await expect(attempt(15, 'password-123')).resolves.toMatchObject({ officer: { username: 'slow_guesser' } });
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const { agent, csrf } = await login(app, 'officer_hpl');
    const without = await agent.post('/api/auth/logout').expect(403);
    expect(without.body.error.code).toBe('csrf_failed');
    await agent.post('/api/auth/logout').set('X-CSRF-Token', 'wrong').expect(403);
    await agent.post('/api/auth/logout').set('X-CSRF-Token', csrf).expect(200);
    await agent.get('/api/me').expect(401);
  });

  it('validates the login body', async () => {
    const res = await request(app.callback()).post('/api/auth/login').send({ username: { $gt: '' }, password: 'x' }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('room scope', () => {
  it('gives officers their rooms, supervisors their district, admins everything', async () => {
    expect(await accessibleRoomCodes({ role: 'officer', rooms: ['HPL'], district: 'XH' })).toEqual(['HPL']);
    expect((await accessibleRoomCodes({ role: 'supervisor', rooms: [], district: 'XH' }) as string[]).sort()).toEqual(['DHL', 'HPL', 'LD01', 'LSC']);
    expect(await accessibleRoomCodes({ role: 'supervisor', rooms: [], district: 'OTHER' })).toEqual([]);
    expect(await accessibleRoomCodes({ role: 'admin', rooms: [], district: null })).toBe('all');
  });
});
