import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';

let db: TestDatabase;
const { app } = buildTestApp();

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());

async function waitFor(status: number, path = '/readyz', timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await request(app.callback()).get(path)).status;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

it('is ready while the database answers, 503 while it is stopped, ready again when it returns', async () => {
  await request(app.callback()).get('/readyz').expect(200, { status: 'ready', database: 'up' });

  await db.embedded.stop();
  expect(await waitFor(503)).toBe(503);
  const down = await request(app.callback()).get('/readyz');
  expect(down.body.error.code).toBe('database_unavailable');
  // The process itself is still healthy, and data endpoints fail fast with 503, not a hang.
  await request(app.callback()).get('/healthz').expect(200);
  const started = Date.now();
  const rooms = await request(app.callback()).get('/api/rooms');
  expect(rooms.status).toBe(503);
  expect(rooms.body.error.code).toBe('database_unavailable');
  expect(Date.now() - started).toBeLessThan(10000);

  await db.embedded.start();
  expect(await waitFor(200)).toBe(200);
  await request(app.callback()).get('/api/rooms').expect(200);
});
