import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { seedAll } from '../../src/modules/seed/seed.service';
import { SessionModel } from '../../src/modules/auth/session.model';
import { accessibleRoomCodes } from '../../src/modules/auth';

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

  it('slows a username down from the address that failed 5 times, answering 429 with Retry-After', async () => {
    await createOfficer({ username: 'victim' });
    for (let i = 0; i < 5; i++) {
      await request(app.callback()).post('/api/auth/login').send({ username: 'victim', password: `guess-${i}` }).expect(401);
    }
    const slowed = await request(app.callback()).post('/api/auth/login').send({ username: 'victim', password: 'password-123' }).expect(429);
    expect(slowed.body.error.code).toBe('login_slowed_down');
    // 30 seconds after the last failure: the client is told when.
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(25);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(slowed.body.error.message).toMatch(/请\d+秒后再试/);
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
