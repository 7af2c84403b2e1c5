import { DateTime } from 'luxon';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { seedAll } from '../../src/modules/seed/seed.service';
import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { bindGroup, FakeClock, makeScheduler } from './helpers';

/**
 * Issue #17, "Scopes": a mobile-visit notice reaches exactly the groups a broadcast by the same
 * officer to the same rooms would — not every group of the district. Through the API and the
 * scheduler, on a real database.
 */
let db: TestDatabase;
const { app } = buildTestApp();
type Agent = Awaited<ReturnType<typeof login>>;
let mobile: Agent;
let sup: Agent;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  // The mobile station's officer also serves 和平里 (HPL), not 柳树村 (LSC), both in district XH.
  await createOfficer({ username: 'officer_ld', rooms: ['LD01', 'HPL'], district: 'XH' });
  await createOfficer({ username: 'super_xh', role: 'supervisor', district: 'XH' });
  await bindGroup('g-hpl-1', 'HPL', '和平里1号楼居民群');
  await bindGroup('g-hpl-2', 'HPL', '和平里2号楼居民群');
  await bindGroup('g-lsc-1', 'LSC', '柳树村村民群');
  await bindGroup('g-ld-1', 'LD01', '流动警务室服务群');
  [mobile, sup] = await Promise.all(['officer_ld', 'super_xh'].map((u) => login(app, u)));
});
afterAll(async () => db.stop());

const day = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
const visit = { room: 'LD01', place: '和平广场东门', start: day.toISO(), end: day.set({ hour: 16 }).toISO(), note: '现场办理居住登记' };
const post = (who: Agent, body: object) => who.agent.post('/api/mobile-visits').set('X-CSRF-Token', who.csrf).send(body);

it("refuses another room's groups in the district, as a broadcast does, with a clear 400", async () => {
  const room = await post(mobile, { ...visit, targetRooms: ['HPL', 'LSC'] });
  expect(room.status).toBe(400);
  expect(room.body.error).toMatchObject({ code: 'invalid_target_room', message: expect.stringMatching(/^以下警务室不在您负责的范围内：LSC/) });
  const group = await post(mobile, { ...visit, targetGroups: ['g-lsc-1'] });
  expect(group.status).toBe(400);
  expect(group.body.error.code).toBe('invalid_target_group');
  // A broadcast by the same officer is refused the same group.
  const b = await mobile.agent.post('/api/broadcasts').set('X-CSRF-Token', mobile.csrf).send({ room: 'HPL', kind: 'prevention_tip', title: '防范提示', body: '正文', groups: ['g-lsc-1'], sendAt: day.toISO() });
  expect(b.status).toBe(400);
  // The district's supervisor may reach both rooms, for a visit as for a broadcast.
  expect((await post(sup, { ...visit, targetRooms: ['HPL', 'LSC'] })).status).toBe(201);
});

it('the notice goes to exactly the groups a broadcast by the visit officer reaches, checked again when it goes out', async () => {
  await OutboxModel.deleteMany({});
  const created = await post(mobile, { ...visit, place: '和平里小区北门', targetRooms: ['HPL'], targetGroups: ['g-ld-1'] });
  expect(created.status).toBe(201);
  // What a broadcast by this officer can reach in those rooms: the groups the broadcast page offers.
  const offered = (await mobile.agent.get('/api/broadcasts/groups').expect(200)).body.groups as Array<{ groupId: string; room: string }>;
  const broadcastReach = offered.filter((g) => g.room === 'HPL' || g.groupId === 'g-ld-1').map((g) => g.groupId).sort();
  expect(broadcastReach).toEqual(['g-hpl-1', 'g-hpl-2', 'g-ld-1']);

  // Before the notice goes out, the group named in the visit is rebound to LSC (outside the officer's rooms).
  await GroupBindingModel.updateOne({ groupId: 'g-ld-1' }, { $set: { room: 'LSC' } });
  const clock = new FakeClock(day.minus({ days: 1 }).set({ hour: 9, minute: 55 }).toJSDate());
  const scheduler = makeScheduler(clock, 'scope-a');
  await scheduler.tick();
  clock.advance(10 * 60_000);
  await scheduler.tick();
  const sent = await OutboxModel.find({ key: { $regex: '^job:mobile-visit:' }, text: { $regex: '和平里小区北门' } }).lean();
  expect(sent.map((m) => m.conversationId).sort()).toEqual(['g-hpl-1', 'g-hpl-2']);
});
