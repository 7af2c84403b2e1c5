import type Koa from 'koa';
import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { login } from '../helpers/auth';
import { buildClockedApp, signIn } from './fixtures';

let db: TestDatabase;
let app: Koa;
const clock = {
  get now() {
    return new Date();
  },
};
let admin: Awaited<ReturnType<typeof signIn>>;
let sup: Awaited<ReturnType<typeof signIn>>;
let officer: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = buildClockedApp(clock);
  admin = await signIn(app, 'adm_root', { username: 'adm_root', role: 'admin', name: '管理员' });
  sup = await signIn(app, 'adm_sup', { username: 'adm_sup', role: 'supervisor', district: 'XH' });
  officer = await signIn(app, 'adm_off', { username: 'adm_off', rooms: ['HPL'] });
});
afterAll(async () => db.stop());

describe('officers admin', () => {
  it('lists officers for admins and supervisors, never with password hashes', async () => {
    const res = await admin.agent.get('/api/officers').expect(200);
    expect(res.body.officers.length).toBeGreaterThan(5);
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
    expect(res.body.officers.find((o: { username: string }) => o.username === 'adm_off').hasPassword).toBe(true);
    const supList = await sup.agent.get('/api/officers?room=HPL').expect(200);
    expect(supList.body.officers.every((o: { rooms: string[] }) => o.rooms.includes('HPL'))).toBe(true);
    await officer.agent.get('/api/officers').expect(403);
    await request(app.callback()).get('/api/officers').expect(401);
  });

  it('creates an officer with a password who can then sign in; duplicate usernames are 409', async () => {
    const body = { username: 'new_cop', name: '孙丽', role: 'officer', rooms: ['LSC'], password: 'Sunli-2025-pass' };
    const res = await admin.agent.post('/api/officers').set('X-CSRF-Token', admin.csrf).send(body).expect(201);
    expect(res.body.officer).toMatchObject({ username: 'new_cop', rooms: ['LSC'], hasPassword: true, active: true });
    await login(app as never, 'new_cop', 'Sunli-2025-pass');
    const dup = await admin.agent.post('/api/officers').set('X-CSRF-Token', admin.csrf).send(body).expect(409);
    expect(dup.body.error.code).toBe('username_taken');
    await admin.agent.post('/api/officers').set('X-CSRF-Token', admin.csrf).send({ ...body, username: 'x', rooms: ['NOPE'] }).expect(400);
    await admin.agent.post('/api/officers').set('X-CSRF-Token', admin.csrf).send({ ...body, username: 'other_cop', rooms: ['NOPE'] }).expect(400);
    await admin.agent.post('/api/officers').set('X-CSRF-Token', admin.csrf).send({ ...body, username: 'weak_cop', password: 'short' }).expect(400);
    await sup.agent.post('/api/officers').set('X-CSRF-Token', sup.csrf).send({ ...body, username: 'sup_made' }).expect(403);
  });

  it('updates rooms, sets a password (signing the officer out), deactivates; refuses self-lockout', async () => {
    const target = await signIn(app, 'upd_cop', { username: 'upd_cop', rooms: ['HPL'] });
    await target.agent.get('/api/me').expect(200);
    const res = await admin.agent.put(`/api/officers/${target.id}`).set('X-CSRF-Token', admin.csrf).send({ rooms: ['HPL', 'DHL'], password: 'Brand-new-2025' }).expect(200);
    expect(res.body.officer.rooms).toEqual(['HPL', 'DHL']);
    await target.agent.get('/api/me').expect(401); // old session ended
    await login(app as never, 'upd_cop', 'Brand-new-2025');
    await admin.agent.put(`/api/officers/${target.id}`).set('X-CSRF-Token', admin.csrf).send({ active: false }).expect(200);
    expect((await OfficerModel.findById(target.id).lean())!.active).toBe(false);
    await admin.agent.put(`/api/officers/${admin.id}`).set('X-CSRF-Token', admin.csrf).send({ active: false }).expect(400);
    await admin.agent.put(`/api/officers/${target.id}`).set('X-CSRF-Token', admin.csrf).send({}).expect(400);
    await admin.agent.put('/api/officers/65f000000000000000000000').set('X-CSRF-Token', admin.csrf).send({ name: 'x' }).expect(404);
    await officer.agent.put(`/api/officers/${target.id}`).set('X-CSRF-Token', officer.csrf).send({ name: 'x' }).expect(403);
  });
});

describe('rooms admin', () => {
  const room = {
    code: 'QSH',
    name: '青山湖社区警务室',
    type: 'urban',
    district: 'XH',
    districtName: '新华区',
    address: '新华区青山湖路 18 号',
    phone: '0311-8765 0000',
    hoursText: '周一至周五 9:00–17:00',
    openingHours: [{ weekday: 1, open: '09:00', close: '17:00', breakStart: '12:00', breakEnd: '13:30' }],
  };

  it('lets admins create and edit rooms; others get 403', async () => {
    await officer.agent.post('/api/rooms').set('X-CSRF-Token', officer.csrf).send(room).expect(403);
    const created = await admin.agent.post('/api/rooms').set('X-CSRF-Token', admin.csrf).send(room).expect(201);
    expect(created.body.room).toMatchObject({ code: 'QSH', name: '青山湖社区警务室' });
    expect((await request(app.callback()).get('/api/rooms/QSH').expect(200)).body.room.address).toBe('新华区青山湖路 18 号');
    await admin.agent.post('/api/rooms').set('X-CSRF-Token', admin.csrf).send(room).expect(409);
    await admin.agent.post('/api/rooms').set('X-CSRF-Token', admin.csrf).send({ ...room, code: 'BAD1', openingHours: [{ weekday: 1, open: '18:00', close: '09:00' }] }).expect(400);
    const edited = await admin.agent.put('/api/rooms/QSH').set('X-CSRF-Token', admin.csrf).send({ phone: '0311-1111 2222', hoursText: '周一至周六 9:00–17:00' }).expect(200);
    expect(edited.body.room).toMatchObject({ phone: '0311-1111 2222', hoursText: '周一至周六 9:00–17:00' });
    await admin.agent.put('/api/rooms/NOPE').set('X-CSRF-Token', admin.csrf).send({ phone: '1' }).expect(404);
    await sup.agent.put('/api/rooms/QSH').set('X-CSRF-Token', sup.csrf).send({ phone: '1' }).expect(403);
    // the public GET routes still work alongside
    await request(app.callback()).get('/api/rooms').expect(200);
  });

  it('a room an admin closes takes no more bookings at once, though room reads are cached briefly', async () => {
    await admin.agent.post('/api/rooms').set('X-CSRF-Token', admin.csrf).send({ ...room, code: 'QSK', name: '青石口社区警务室' }).expect(201);
    const slots = () => request(app.callback()).get('/api/rooms/QSK/slots?service=id_card_renewal');
    expect((await slots()).status).toBe(200);
    await admin.agent.put('/api/rooms/QSK').set('X-CSRF-Token', admin.csrf).send({ active: false }).expect(200);
    const closed = await slots();
    expect(closed.status).toBe(404);
    expect(closed.body.error.code).toBe('room_not_found');
  });
});
