import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { seedAll } from '../../src/modules/seed/seed.service';

let db: TestDatabase;
const { app } = buildTestApp();
const server = () => app.callback();

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

describe('HTTP basics', () => {
  it('answers /healthz and puts a request id on every response', async () => {
    const res = await request(server()).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a safe incoming request id', async () => {
    const res = await request(server()).get('/healthz').set('X-Request-Id', 'abc12345-trace').expect(200);
    expect(res.headers['x-request-id']).toBe('abc12345-trace');
  });

  it('sends security headers', async () => {
    const res = await request(server()).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers unknown routes with the stable error shape in Chinese', async () => {
    const res = await request(server()).get('/api/nothing-here').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/^未找到/) } });
  });

  it('rejects malformed JSON with 400 and the error shape', async () => {
    const res = await request(server())
      .post('/api/rooms')
      .set('Content-Type', 'application/json')
      .send('{"room": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_body');
  });

  it('rejects oversized bodies with 413', async () => {
    const res = await request(server())
      .post('/api/rooms')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(400 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers 405 for a wrong method on a known route', async () => {
    const res = await request(server()).delete('/api/rooms');
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('method_not_allowed');
  });
});

describe('rooms API', () => {
  it('lists the demo district rooms, one of each type', async () => {
    const res = await request(server()).get('/api/rooms').expect(200);
    const types = res.body.rooms.map((r: { type: string }) => r.type).sort();
    expect(types).toEqual(['joint_villages', 'mobile', 'rural', 'urban']);
    expect(res.body.rooms[0]).toHaveProperty('hoursText');
  });

  it('shows one room with its officers, case-insensitively', async () => {
    const res = await request(server()).get('/api/rooms/hpl').expect(200);
    expect(res.body.room.name).toBe('和平里社区警务室');
    expect(res.body.room.officers.map((o: { name: string }) => o.name).sort()).toEqual(['张伟', '李娜'].sort());
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|username/);
  });

  it('404s an unknown room and 400s a malformed code', async () => {
    expect((await request(server()).get('/api/rooms/NOPE99').expect(404)).body.error.code).toBe('room_not_found');
    expect((await request(server()).get('/api/rooms/%24gt').expect(400)).body.error.code).toBe('validation_failed');
  });
});

describe('services catalog API', () => {
  it('lists exactly the 21 services in order', async () => {
    const res = await request(server()).get('/api/services').expect(200);
    expect(res.body.services).toHaveLength(21);
    expect(res.body.services[0]).toMatchObject({ key: 'birth_registration', name: '出生登记', order: 1 });
    expect(res.body.services[20]).toMatchObject({ key: 'entry_exit_proxy', name: '出入境证件代办咨询' });
  });

  it('shows one service with materials and what the room does with it', async () => {
    const res = await request(server()).get('/api/services/temporary_id_card').expect(200);
    expect(res.body.service.materials).toContain('近期一寸免冠照片');
    expect(res.body.service.modeText).toBe('警务室受理后转派出所/分局办理');
  });

  it('404s an unknown service key', async () => {
    const res = await request(server()).get('/api/services/passport_photo').expect(404);
    expect(res.body.error.code).toBe('service_not_found');
  });
});
