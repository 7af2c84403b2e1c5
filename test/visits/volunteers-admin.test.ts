import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { createItem } from '../../src/modules/items/item.service';
import { countOfficersWithPassword } from '../../src/modules/officers';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { VolunteerModel } from '../../src/modules/volunteers/volunteer.model';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Admins manage the four volunteer teams over HTTP on a real database: create, edit (name, team,
 * room, phone), deactivate (the open session is refused on its very next request, sign-in is
 * refused, the disputes given stop being visible) and reactivate, reset the sign-in; the list is
 * scoped to the rooms one may see, phones masked; others are refused; bad input is a 4xx in the
 * stable shape that changes nothing; every change is in the audit log.
 */
jest.setTimeout(120_000);

let db: TestDatabase;
let app: Koa;
type Session = Awaited<ReturnType<typeof login>>;
let admin: Session;
let hplOfficer: Session;
let lscOfficer: Session;
let chief: Session; // supervisor of XH (HPL's district)
let otherChief: Session; // supervisor of another district
const PASSWORD = 'Volunteer-pass-1';

const as = (s: Session) => ({
  get: (p: string) => s.agent.get(p),
  post: (p: string, body: object = {}) => s.agent.post(p).set('X-CSRF-Token', s.csrf).send(body),
  patch: (p: string, body: unknown) => s.agent.patch(p).set('X-CSRF-Token', s.csrf).send(body as object),
  put: (p: string, body: object) => s.agent.put(p).set('X-CSRF-Token', s.csrf).send(body),
});

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = createApp({ config: testConfig(), logger: testLogger() }) as unknown as Koa;
  const make = async (props: Parameters<typeof createOfficer>[0]) => {
    await createOfficer(props);
    return login(app as never, props.username);
  };
  admin = await make({ username: 'va_admin', role: 'admin', name: '管理员' });
  hplOfficer = await make({ username: 'va_hpl', rooms: ['HPL'], district: 'XH', name: '张伟' });
  lscOfficer = await make({ username: 'va_lsc', rooms: ['LSC'], district: 'XH', name: '王强' });
  chief = await make({ username: 'va_chief', role: 'supervisor', district: 'XH', name: '陈杰' });
  otherChief = await make({ username: 'va_qt', role: 'supervisor', district: 'QT', name: '外区督导' });
});
afterAll(() => db?.stop());

async function volunteerSignIn(username: string, password = PASSWORD) {
  const agent = request.agent(app.callback());
  const res = await agent.post('/api/auth/login').send({ username, password });
  return { res, agent, csrf: res.body.csrfToken as string };
}

it('an admin adds, edits, deactivates and reactivates a volunteer; the deactivated one is refused at once and cannot sign in', async () => {
  const created = await as(admin).post('/api/volunteers', { username: 'va_mediator', name: '周调解', room: 'HPL', team: 'mediator', phone: '13912340061', password: PASSWORD });
  expect(created.status).toBe(201);
  expect(created.body.volunteer).toMatchObject({ name: '周调解', team: 'mediator', room: 'HPL', active: true, phoneMasked: '139****0061' });
  const id = created.body.volunteer.id as string;

  // The room's list shows it, phone masked; the full number only through the admin's audited look-up.
  const list = await as(admin).get('/api/volunteers?room=HPL');
  expect(list.status).toBe(200);
  expect(list.body.volunteers).toEqual([expect.objectContaining({ id, phoneMasked: '139****0061', teamLabel: '调解员', active: true })]);
  expect(list.text).not.toContain('13912340061');
  expect((await as(admin).get(`/api/volunteers/${id}/phone`)).body).toEqual({ phone: '13912340061' });
  expect(await AuditModel.countDocuments({ action: 'volunteer.phone_view', officerUsername: 'va_admin' })).toBe(1);

  // Edit name, team, room and phone: the account and the profile both change.
  const edited = await as(admin).patch(`/api/volunteers/${id}`, { name: '周建国', team: 'safety', room: 'lsc', phone: '13700001234' });
  expect(edited.status).toBe(200);
  expect(edited.body.volunteer).toMatchObject({ name: '周建国', team: 'safety', teamLabel: '安全员', room: 'LSC', phoneMasked: '137****1234' });
  const account = await OfficerModel.findById(id).lean();
  expect(account).toMatchObject({ name: '周建国', rooms: ['LSC'], phone: '13700001234', role: 'volunteer' });
  expect((await as(admin).get('/api/volunteers?room=HPL')).body.volunteers).toEqual([]);
  // Back to an HPL 调解员, without a phone.
  expect((await as(admin).patch(`/api/volunteers/${id}`, { team: 'mediator', room: 'HPL', phone: null })).body.volunteer).toMatchObject({ team: 'mediator', room: 'HPL', phoneMasked: null });
  expect((await OfficerModel.findById(id).lean())?.phone).toBeUndefined();

  // A dispute is given; the mediator sees it in an open session.
  const dispute = await createItem({ room: 'HPL', kind: 'dispute', text: '楼上漏水到楼下，双方争执' });
  expect((await as(hplOfficer).post(`/api/volunteers/${id}/disputes`, { item: dispute.code })).status).toBe(201);
  const mediator = await volunteerSignIn('va_mediator');
  expect(mediator.res.status).toBe(200);
  expect((await mediator.agent.get(`/api/volunteer/disputes/${dispute.code}`)).status).toBe(200);

  // Deactivated: the open session is refused on its next request, sign-in too, the dispute with it.
  const off = await as(admin).patch(`/api/volunteers/${id}`, { active: false });
  expect(off.status).toBe(200);
  expect(off.body.volunteer.active).toBe(false);
  const next = await mediator.agent.get(`/api/volunteer/disputes/${dispute.code}`);
  expect(next.status).toBe(401);
  expect(next.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
  expect((await mediator.agent.get('/api/volunteer/disputes')).status).toBe(401);
  const refused = await volunteerSignIn('va_mediator');
  expect(refused.res.status).toBe(401);
  expect((await as(admin).get('/api/volunteers?room=HPL')).body.volunteers[0]).toMatchObject({ id, active: false });
  // Its profile alone (were the account switched back on behind the admin's back) still shows nothing.
  await OfficerModel.updateOne({ _id: id }, { $set: { active: true } });
  const sneaky = await volunteerSignIn('va_mediator');
  expect((await sneaky.agent.get(`/api/volunteer/disputes/${dispute.code}`)).status).toBe(403);
  await OfficerModel.updateOne({ _id: id }, { $set: { active: false } });

  // Reactivated: signs in again and sees the dispute.
  expect((await as(admin).patch(`/api/volunteers/${id}`, { active: true })).body.volunteer.active).toBe(true);
  const back = await volunteerSignIn('va_mediator');
  expect(back.res.status).toBe(200);
  expect((await back.agent.get(`/api/volunteer/disputes/${dispute.code}`)).status).toBe(200);

  // Every change is in the audit log, as the admin, without the phone number.
  const entries = await AuditModel.find({ officerUsername: 'va_admin', action: /^volunteer\./ }).sort({ at: 1 }).lean();
  expect(entries.map((e) => e.action)).toEqual(['volunteer.create', 'volunteer.phone_view', 'volunteer.update', 'volunteer.update', 'volunteer.deactivate', 'volunteer.activate']);
  expect(entries[2].detail).toContain('HPL → LSC');
  expect(JSON.stringify(entries)).not.toContain('13700001234');
});

it('resetting the sign-in gives a one-time temporary password, ends open sessions, and the volunteer must change it first', async () => {
  const created = await as(admin).post('/api/volunteers', { username: 'va_safety', name: '孙安全', room: 'HPL', team: 'safety', password: PASSWORD });
  const id = created.body.volunteer.id as string;
  const open = await volunteerSignIn('va_safety');
  expect((await open.agent.get('/api/volunteer/me')).status).toBe(200);
  const reset = await as(admin).post(`/api/volunteers/${id}/reset-password`);
  expect(reset.status).toBe(200);
  expect(reset.body.temporaryPassword).toEqual(expect.any(String));
  expect(reset.body.volunteer.mustChangePassword).toBe(true);
  expect((await open.agent.get('/api/volunteer/me')).status).toBe(401);
  expect((await volunteerSignIn('va_safety')).res.status).toBe(401);
  const temp = await volunteerSignIn('va_safety', reset.body.temporaryPassword);
  expect(temp.res.status).toBe(200);
  expect((await temp.agent.get('/api/volunteer/me')).body.error.code).toBe('password_change_required');
  expect(await AuditModel.countDocuments({ action: 'volunteer.reset_password', detail: 'va_safety' })).toBe(1);
});

it('only admins manage volunteers: officers and supervisors of this or another room are refused, and nothing changes', async () => {
  const created = await as(admin).post('/api/volunteers', { username: 'va_spec', name: '吴专管', room: 'HPL', team: 'specialist', phone: '13812345678', password: PASSWORD });
  const id = created.body.volunteer.id as string;
  const before = await VolunteerModel.findById(id).lean();
  for (const who of [lscOfficer, otherChief, hplOfficer, chief]) {
    for (const res of [
      await as(who).patch(`/api/volunteers/${id}`, { name: '越权改名', active: false }),
      await as(who).post(`/api/volunteers/${id}/reset-password`),
      await as(who).get(`/api/volunteers/${id}/phone`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
      expect(res.text).not.toContain('13812345678');
    }
  }
  expect(await VolunteerModel.findById(id).lean()).toEqual(before);
  expect((await OfficerModel.findById(id).lean())?.active).toBe(true);

  // The lists: the room's officer and the district's supervisor see HPL's volunteers (masked);
  // another room's officer and another district's supervisor are refused HPL and see none of it.
  expect((await as(hplOfficer).get('/api/volunteers?room=HPL')).body.volunteers.map((v: { id: string }) => v.id)).toContain(id);
  expect((await as(chief).get('/api/volunteers')).body.volunteers.map((v: { id: string }) => v.id)).toContain(id);
  for (const who of [lscOfficer, otherChief]) {
    expect((await as(who).get('/api/volunteers?room=HPL')).status).toBe(403);
    const own = await as(who).get('/api/volunteers');
    expect(own.status).toBe(200);
    expect(own.body.volunteers.every((v: { room: string }) => v.room !== 'HPL')).toBe(true);
  }
});

it('bad input gets a 4xx in the stable shape, Chinese first, and changes nothing stored', async () => {
  const created = await as(admin).post('/api/volunteers', { username: 'va_info', name: '钱信息', room: 'HPL', team: 'informant', phone: '13611112222', password: PASSWORD });
  const id = created.body.volunteer.id as string;
  const before = { profile: await VolunteerModel.findById(id).lean(), account: await OfficerModel.findById(id).lean() };
  const cases: Array<[unknown, number, string]> = [
    [{}, 400, 'validation_failed'],
    [{ team: 'spy' }, 400, 'validation_failed'],
    [{ phone: '12345' }, 400, 'validation_failed'],
    [{ name: '' }, 400, 'validation_failed'],
    [{ name: 'x'.repeat(41) }, 400, 'validation_failed'],
    [{ active: 'no' }, 400, 'validation_failed'],
    [{ role: 'admin' }, 400, 'validation_failed'],
    [{ room: { $ne: null } }, 400, 'validation_failed'],
    [{ room: 'NOPE99', name: '改名' }, 400, 'room_not_found'],
  ];
  for (const [body, status, code] of cases) {
    const res = await as(admin).patch(`/api/volunteers/${id}`, body);
    expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
  }
  expect((await as(admin).patch('/api/volunteers/not-an-id', { name: '某' })).status).toBe(400);
  expect((await as(admin).patch('/api/volunteers/0123456789abcdef01234567', { name: '某' })).body.error.code).toBe('volunteer_not_found');
  expect((await as(admin).post('/api/volunteers/0123456789abcdef01234567/reset-password')).status).toBe(404);
  expect((await as(admin).post('/api/volunteers', { username: 'va_info', name: '重名', room: 'HPL', team: 'safety', password: PASSWORD })).status).toBe(409);
  expect({ profile: await VolunteerModel.findById(id).lean(), account: await OfficerModel.findById(id).lean() }).toEqual(before);
});

it('the officers API leaves volunteer accounts to the volunteers page: not listed, not edited, never made one, not taken out of their room', async () => {
  const created = await as(admin).post('/api/volunteers', { username: 'va_oapi', name: '郑志愿', room: 'HPL', team: 'informant', phone: '13622223333', password: PASSWORD });
  const id = created.body.volunteer.id as string;
  const stored = async () => ({ profile: await VolunteerModel.findById(id).lean(), account: await OfficerModel.findById(id).select('+passwordHash').lean() });
  const before = await stored();

  // The officers page (admins, supervisors) lists officers only, whatever the filter.
  for (const [who, query] of [[admin, ''], [admin, '?room=HPL'], [admin, '?q=va_oapi'], [chief, '?room=HPL']] as const) {
    const listed = await as(who).get(`/api/officers${query}`);
    expect(listed.status).toBe(200);
    expect(listed.body.officers.map((o: { username: string }) => o.username)).not.toContain('va_oapi');
  }
  // Nor is it among the room's officers on the rooms page.
  const rooms = (await as(admin).get('/api/admin/rooms')).body.rooms as Array<{ code: string; members: Array<{ id: string }> }>;
  expect(rooms.find((r) => r.code === 'HPL')!.members.map((m) => m.id)).not.toContain(id);

  // Editing it here (making it an officer, an admin, moving it) is refused with a pointer to the volunteers page.
  for (const res of [
    await as(admin).put(`/api/officers/${id}`, { role: 'officer' }),
    await as(admin).put(`/api/officers/${id}`, { role: 'admin', rooms: ['LSC'] }),
    await as(admin).put(`/api/officers/${id}`, { name: '改名' }),
    await as(admin).post(`/api/officers/${id}/reset-password`),
    await as(admin).post(`/api/officers/${id}/unlock`),
  ]) {
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'volunteer_account' });
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
    expect(res.body.error.message).toContain('志愿者');
    expect(res.text).not.toContain('temporaryPassword');
  }
  // An officer cannot be turned into a volunteer through it either.
  const cop = await OfficerModel.findOne({ username: 'va_lsc' }).lean();
  const toVolunteer = await as(admin).put(`/api/officers/${String(cop!._id)}`, { role: 'volunteer' });
  expect(toVolunteer.status).toBe(400);
  expect(toVolunteer.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
  expect((await OfficerModel.findById(cop!._id).lean())?.role).toBe('officer');

  // Setting HPL's officers neither takes the volunteer out of its room nor accepts it as an officer.
  const hplOfficers = rooms.find((r) => r.code === 'HPL')!.members.map((m) => m.id);
  expect((await as(admin).put('/api/admin/rooms/HPL/officers', { officerIds: [...hplOfficers, id] })).status).toBe(400);
  expect((await as(admin).put('/api/admin/rooms/HPL/officers', { officerIds: hplOfficers })).status).toBe(200);

  expect(await stored()).toEqual(before);
  expect((await volunteerSignIn('va_oapi')).res.status).toBe(200);
});

it('a volunteer account is not an officer account on the admin checklist ("添加民警账号")', async () => {
  const before = await countOfficersWithPassword();
  const created = await as(admin).post('/api/volunteers', { username: 'va_count', name: '钱信息', room: 'LSC', team: 'informant', password: PASSWORD });
  expect(created.status).toBe(201);
  expect(await countOfficersWithPassword()).toBe(before);
  // An officer added now does count.
  await createOfficer({ username: 'va_count_cop', rooms: ['LSC'], district: 'XH', name: '李新' });
  expect(await countOfficersWithPassword()).toBe(before + 1);
});
