import { DateTime } from 'luxon';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { seedAll } from '../../src/modules/seed/seed.service';

jest.setTimeout(120_000);

/**
 * Issue #16: a district supervisor sees the district's room setup read-only in the console, and
 * the API says the same: every room-setup write (rooms, their officers, the booking schedule,
 * closed days and make-up working days, the talk day) is refused with 403, the stable error
 * shape and a Chinese-first message, and nothing stored changes. Admins (and the room's own
 * officers, for their room's schedule, closed days and talk day) still make the same changes.
 */
let db: TestDatabase;
const { app } = buildTestApp();
type Agent = Awaited<ReturnType<typeof login>>;
let sup: Agent, admin: Agent, roomOfficer: Agent;
const ZONE = 'Asia/Shanghai';
const day = DateTime.now().setZone(ZONE).plus({ days: 20 }).toISODate()!;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'setup_sup', role: 'supervisor', district: 'XH' });
  await createOfficer({ username: 'setup_admin', role: 'admin' });
  await createOfficer({ username: 'setup_hpl', rooms: ['HPL'], district: 'XH' });
  [sup, admin, roomOfficer] = await Promise.all(['setup_sup', 'setup_admin', 'setup_hpl'].map((u) => login(app, u)));
});
afterAll(async () => db.stop());

const talkDay = { enabled: true, place: '社区活动室', startTime: '09:00', endTime: '11:00', topic: '防范电信诈骗', rule: 'next_working_day', daysBefore: 3, months: [] };

/** What a room's setup looks like through the API (what a supervisor must not be able to change). */
async function snapshot() {
  const [schedule, talk, calendar, rooms] = await Promise.all([
    admin.agent.get('/api/rooms/HPL/schedule'),
    admin.agent.get('/api/rooms/HPL/talk-day'),
    admin.agent.get(`/api/holidays?room=HPL&from=${day}&to=${day}`),
    admin.agent.get('/api/admin/rooms'),
  ]);
  const hpl = rooms.body.rooms.find((r: { code: string }) => r.code === 'HPL');
  return { schedule: schedule.body.schedule, talk: talk.body.settings, calendar: calendar.body.data, room: hpl, roomCount: rooms.body.rooms.length };
}

it('a district supervisor reads the room setup but every write is refused with 403 room_setup_read_only (or forbidden), and nothing changes', async () => {
  // The supervisor may read the district's room setup.
  expect((await sup.agent.get('/api/rooms/HPL/schedule')).status).toBe(200);
  expect((await sup.agent.get('/api/rooms/HPL/talk-day')).status).toBe(200);
  expect((await sup.agent.get('/api/admin/rooms')).status).toBe(200);

  // A room closed day an officer entered: the supervisor may not delete it.
  const entry = await roomOfficer.agent.post('/api/holidays').set('X-CSRF-Token', roomOfficer.csrf).send({ room: 'HPL', date: day, kind: 'closure', name: '设备检修' });
  expect(entry.status).toBe(201);
  const schedule = (await sup.agent.get('/api/rooms/HPL/schedule')).body.schedule;
  delete schedule.stored;
  const before = await snapshot();
  const officers = (await admin.agent.get('/api/officers?role=officer&active=true')).body.officers as Array<{ id: string }>;

  const s = (method: 'put' | 'post' | 'delete', path: string) => sup.agent[method](path).set('X-CSRF-Token', sup.csrf);
  const writes: Array<[string, () => Promise<{ status: number; body: { error?: { code: string; message: string } } }>]> = [
    ['PUT /api/rooms/:code/schedule', () => s('put', '/api/rooms/HPL/schedule').send({ ...schedule, capacity: schedule.capacity + 3 })],
    ['PUT /api/rooms/:code/talk-day', () => s('put', '/api/rooms/HPL/talk-day').send(talkDay)],
    ['POST /api/holidays (room closed day)', () => s('post', '/api/holidays').send({ room: 'HPL', date: DateTime.fromISO(day).plus({ days: 1 }).toISODate(), kind: 'closure', name: '督导闭室' })],
    ['POST /api/holidays (make-up working day)', () => s('post', '/api/holidays').send({ room: 'HPL', date: DateTime.fromISO(day).plus({ days: 2 }).toISODate(), kind: 'workday', followsWeekday: 1 })],
    ['DELETE /api/holidays/:id', () => s('delete', `/api/holidays/${entry.body.entry.id}`)],
    ['PUT /api/rooms/:code', () => s('put', '/api/rooms/HPL').send({ phone: '010-00000000' })],
    ['POST /api/rooms', () => s('post', '/api/rooms').send({ code: 'SUPNEW', name: '督导新建室', type: 'urban', district: 'XH', districtName: '西湖区', address: '某路1号', phone: '010-1', hoursText: '工作日' })],
    ['PUT /api/admin/rooms/:code/officers', () => s('put', '/api/admin/rooms/HPL/officers').send({ officerIds: officers.map((o) => o.id) })],
  ];
  for (const [name, write] of writes) {
    const res = await write();
    expect({ name, status: res.status }).toEqual({ name, status: 403 });
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(['room_setup_read_only', 'forbidden']).toContain(res.body.error!.code);
    // Chinese first, the English gloss after.
    expect(res.body.error!.message).toMatch(/^[\u4e00-\u9fa5]/);
  }
  // The schedule, talk day and closed days say exactly why.
  const refused = await writes[0][1]();
  expect(refused.body.error).toEqual({ code: 'room_setup_read_only', message: expect.stringMatching(/^督导账号只能查看警务室设置，不能修改/) });

  expect(await snapshot()).toEqual(before);
});

it('admins and the room\'s own officers still change the same setup', async () => {
  const schedule = (await admin.agent.get('/api/rooms/HPL/schedule')).body.schedule;
  delete schedule.stored;
  const a = (method: 'put' | 'post', path: string) => admin.agent[method](path).set('X-CSRF-Token', admin.csrf);
  expect((await a('put', '/api/rooms/HPL/schedule').send({ ...schedule, capacity: 7 })).status).toBe(200);
  expect((await a('put', '/api/rooms/HPL/talk-day').send(talkDay)).status).toBe(200);
  const next = DateTime.fromISO(day).plus({ days: 3 }).toISODate();
  expect((await a('post', '/api/holidays').send({ room: 'HPL', date: next, kind: 'closure', name: '管理员闭室' })).status).toBe(201);
  const o = (method: 'put' | 'post', path: string) => roomOfficer.agent[method](path).set('X-CSRF-Token', roomOfficer.csrf);
  expect((await o('put', '/api/rooms/HPL/schedule').send({ ...schedule, capacity: 6 })).status).toBe(200);
  expect((await o('put', '/api/rooms/HPL/talk-day').send({ ...talkDay, topic: '夏季防溺水' })).status).toBe(200);
  expect((await admin.agent.get('/api/rooms/HPL/schedule')).body.schedule.capacity).toBe(6);
});
