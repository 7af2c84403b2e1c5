import type Koa from 'koa';
import { createApp } from '../../src/http/app';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Every router reads the app's clock (createApp's `now`), not the machine's: what "today" and
 * "this month" mean on the pages follows it. The clock stands at 01:30 on 1 July 2024 in
 * Beijing (still 30 June in UTC), years before the machine's own date.
 */
const NOW = new Date('2024-06-30T17:30:00Z');

let db: TestDatabase;
let app: Koa;
type Session = Awaited<ReturnType<typeof login>>;
let officer: Session;
let admin: Session;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = createApp({ config: testConfig(), logger: testLogger(), now: () => NOW }) as unknown as Koa;
  await createOfficer({ username: 'clock_off', rooms: ['HPL'], name: '钟民警' });
  await createOfficer({ username: 'clock_admin', role: 'admin', name: '钟管理员' });
  officer = await login(app as never, 'clock_off');
  admin = await login(app as never, 'clock_admin');
});
afterAll(() => db?.stop());

it("the monthly report opens on the clock's month in Beijing, and a later month is the future", async () => {
  expect((await officer.agent.get('/api/reports/scope').expect(200)).body.month).toBe('2024-07');
  expect((await officer.agent.get('/api/reports/monthly').expect(200)).body.month).toBe('2024-07');
  const future = await officer.agent.get('/api/reports/monthly?month=2024-08');
  expect(future.status).toBe(400);
  expect(future.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
});

it("a room's bookable slots start on the clock's day", async () => {
  const res = await officer.agent.get('/api/rooms/HPL/slots?service=hukou_item_change').expect(200);
  expect(res.body.days[0].date).toBe('2024-07-01');
});

it("the scheduled-jobs page and the audit export are stamped with the clock's time", async () => {
  expect((await officer.agent.get('/api/jobs/upcoming').expect(200)).body.now).toBe(NOW.toISOString());
  const csv = await admin.agent.get('/api/audit/export.csv').expect(200);
  expect(csv.headers['content-disposition']).toContain('audit-20240701-0130.csv');
});
