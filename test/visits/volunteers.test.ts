import type { Server } from 'node:http';
import request from 'supertest';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { ItemModel } from '../../src/modules/items/item.model';
import { createItem } from '../../src/modules/items/item.service';
import { buildCapturingApp, errorShapeProblem, nextRequestId } from '../security/helpers';
import { allEndpoints, bodyFor, fillPath, key, PASSWORD, PUBLIC_ENDPOINTS, queriesFor, send, signIn, startSecurityWorld, type SecurityWorld, type Session, type World } from '../security/fixture';

/**
 * The four volunteer teams on a real FerretDB: least privilege (a volunteer gets 403 on every
 * officer route, walked from the routers themselves), a 调解员 sees the dispute given to them and
 * nothing else with every view audited, a 信息员's named tips, 安全员's notices, and the month.
 */
jest.setTimeout(240_000);

let rig: SecurityWorld;
let server: Server;
let world: World;
const { app, config, logger } = buildCapturingApp();
const endpoints = allEndpoints(config, logger);
/** Routes on one's own account: every account's, volunteers' too. */
const OWN_ACCOUNT = /^(GET \/api\/me|POST \/api\/auth\/logout|[A-Z]+ \/api\/account\/.*)$/;

let mediator: Session;
const as = (s: Session) => ({
  get: (p: string) => request(server).get(p).set('Cookie', s.cookie),
  post: (p: string, body: object = {}) => request(server).post(p).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send(body),
});

beforeAll(async () => {
  rig = await startSecurityWorld(app);
  ({ server, world } = rig);
  mediator = await signIn(server, 'sec_hpl_mediator', PASSWORD);
});
afterAll(() => rig?.stop());

it('a volunteer gets 403 (stable error shape, no HPL data) on every officer route; only its own routes and own account answer', async () => {
  const failures: string[] = [];
  let walked = 0;
  for (const e of endpoints) {
    const k = key(e);
    if (k in PUBLIC_ENDPOINTS || OWN_ACCOUNT.test(k) || e.path.startsWith('/api/volunteer/')) continue;
    const url = fillPath(e, world.records, world.officerIds);
    for (const query of queriesFor(e, world.officerIds)) {
      const res = await send(server, e, url, { cookie: mediator.cookie, csrf: mediator.csrf, query, body: bodyFor(e, world.officerIds), reqId: nextRequestId('vol') });
      walked++;
      const leaked = world.records.markers.filter((m) => res.text?.includes(m));
      if (res.status !== 403) failures.push(`${k} → ${res.status}: ${String(res.text).slice(0, 160)}`);
      else if (errorShapeProblem(res)) failures.push(`${k}: ${errorShapeProblem(res)}`);
      else if (!/^[\u4e00-\u9fa5]/.test(res.body.error.message)) failures.push(`${k}: message not Chinese first`);
      if (leaked.length) failures.push(`${k} leaks ${leaked.join(', ')}`);
    }
  }
  expect(failures).toEqual([]);
  expect(walked).toBeGreaterThan(100);
  // Who am I works (the volunteer's own account).
  const me = await as(mediator).get('/api/me');
  expect(me.status).toBe(200);
  expect(me.body.officer.role).toBe('volunteer');
});

it('a 调解员 sees the dispute given to them and nothing else, can add notes to it, and the audit log shows each view', async () => {
  const officer = world.hpl;
  const disputeCode = world.records.itemCode;
  const other = await createItem({ room: 'HPL', kind: 'dispute', text: '和平里另一起纠纷：楼道堆物', contact: { name: '赵六', phone: '13900001111' } });
  const foreign = await createItem({ room: 'LSC', kind: 'dispute', text: '外室纠纷' });
  const question = await createItem({ room: 'HPL', kind: 'question', text: '户口迁移要带什么' });

  // Before anything is given: an empty list; the dispute is not found.
  expect((await as(mediator).get('/api/volunteer/disputes')).body.disputes).toEqual([]);
  expect((await as(mediator).get(`/api/volunteer/disputes/${disputeCode}`)).status).toBe(404);

  // Only disputes of the mediator's own room can be given.
  const mediatorId = world.officerIds.sec_hpl_mediator;
  expect((await as(officer).post(`/api/volunteers/${mediatorId}/disputes`, { item: question.code })).body.error.code).toBe('not_a_dispute');
  expect((await as(officer).post(`/api/volunteers/${mediatorId}/disputes`, { item: foreign.code })).body.error.code).toBe('other_room');
  expect((await as(world.lsc).post(`/api/volunteers/${mediatorId}/disputes`, { item: disputeCode })).status).toBe(403);
  const given = await as(officer).post(`/api/volunteers/${mediatorId}/disputes`, { item: disputeCode });
  expect(given.status).toBe(201);

  const list = await as(mediator).get('/api/volunteer/disputes');
  expect(list.body.disputes.map((d: { code: string }) => d.code)).toEqual([disputeCode]);
  const seen = await as(mediator).get(`/api/volunteer/disputes/${disputeCode}`);
  expect(seen.status).toBe(200);
  expect(seen.body.dispute.thread[0]).toMatchObject({ from: '群众', text: expect.stringContaining('三号楼邻居装修半夜施工') });
  // Never where the resident wrote from, nor the officers' internal notes.
  expect(seen.text).not.toContain('sec-conv-hpl');
  for (const code of [other.code, foreign.code, question.code]) {
    const r = await as(mediator).get(`/api/volunteer/disputes/${code}`);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('赵六');
    expect(r.text).not.toContain('外室纠纷');
  }
  expect((await as(mediator).post(`/api/volunteer/disputes/${other.code}/notes`, { text: '越界' })).status).toBe(404);

  const note = await as(mediator).post(`/api/volunteer/disputes/${disputeCode}/notes`, { text: '已约双方周六上午在警务室调解' });
  expect(note.status).toBe(201);
  const again = await as(mediator).get(`/api/volunteer/disputes/${disputeCode}`);
  expect(again.body.dispute.thread.at(-1)).toMatchObject({ from: '调解员（我）', text: expect.stringContaining('已约双方周六上午') });
  // The room's officer sees the mediator's note in the item's thread.
  const thread = await as(officer).get(`/api/inbox/${world.records.itemId}`);
  expect(thread.text).toContain('【调解员 和平里调解员】已约双方周六上午在警务室调解');

  // Each view is in the audit log, as the volunteer.
  const views = await AuditModel.find({ actorKind: 'volunteer', action: 'volunteer.dispute_view', itemCode: disputeCode }).lean();
  expect(views).toHaveLength(2);
  expect(views.every((v) => v.officerUsername === 'sec_hpl_mediator')).toBe(true);
  const lists = await AuditModel.find({ actorKind: 'volunteer', action: 'volunteer.view', officerUsername: 'sec_hpl_mediator' }).lean();
  expect(lists.length).toBeGreaterThanOrEqual(2);
  expect(lists.some((l) => (l.itemCodes ?? []).includes(disputeCode))).toBe(true);
  // …and the admin reads them in the audit log.
  const audit = await as(world.admin).get('/api/audit?room=HPL');
  expect(audit.status).toBe(200);
  expect(audit.text).toContain('调解员查看纠纷');
});

it('a 信息员 submits named tips from its own page, marked as from a volunteer, and sees only its own; other teams may not', async () => {
  const created = await as(world.admin).post('/api/volunteers', { username: 'hpl_informant', name: '钱七', room: 'HPL', team: 'informant', password: PASSWORD });
  expect(created.status).toBe(201);
  expect(created.body.volunteer).toMatchObject({ team: 'informant', teamLabel: '信息员', room: 'HPL' });
  const informant = await signIn(server, 'hpl_informant', PASSWORD);

  const tip = await as(informant).post('/api/volunteer/tips', { text: '菜市场后门每晚有人聚赌，约七八人' });
  expect(tip.status).toBe(201);
  expect(tip.body.code).toMatch(/^J[0-9A-Z]{7}$/);
  const item = await ItemModel.findOne({ code: tip.body.code }).select('+contact').lean();
  expect(item).toMatchObject({ room: 'HPL', kind: 'tip', anonymous: false, labels: ['信息员'], contact: { name: '钱七（信息员）' } });

  const mine = await as(informant).get('/api/volunteer/tips');
  expect(mine.body.tips.map((t: { code: string }) => t.code)).toEqual([tip.body.code]);
  // The anonymous tip of the world is nobody's to see here; the tip list of the inbox is refused.
  expect(mine.text).not.toContain(world.records.tipCode);
  expect((await as(informant).get('/api/inbox?room=HPL')).status).toBe(403);
  expect((await as(informant).get('/api/volunteer/disputes')).body.error.code).toBe('volunteer_team_forbidden');
  expect((await as(mediator).post('/api/volunteer/tips', { text: '调解员不能报线索' })).body.error.code).toBe('volunteer_team_forbidden');

  // Hostile input: clear 4xx, Chinese first, nothing stored.
  const before = await ItemModel.countDocuments();
  for (const body of [{ text: '' }, { text: { $gt: '' } }, { text: 'x'.repeat(2001) }]) {
    const r = await as(informant).post('/api/volunteer/tips', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.message).toMatch(/^[\u4e00-\u9fa5]/);
  }
  expect(await ItemModel.countDocuments()).toBe(before);
  const bad = await as(world.admin).post('/api/volunteers', { username: 'x_spy', name: '间谍', room: 'HPL', team: 'spy', password: PASSWORD });
  expect(bad.status).toBe(400);
  expect((await as(world.hpl).post('/api/volunteers', { username: 'x_by_officer', name: '某', room: 'HPL', team: 'safety', password: PASSWORD })).status).toBe(403);
});

it('安全员 receive the room\'s notices that went out; the month lists the room\'s volunteers and what they did', async () => {
  await as(world.admin).post('/api/volunteers', { username: 'hpl_safety', name: '孙八', room: 'HPL', team: 'safety', password: PASSWORD });
  const safety = await signIn(server, 'hpl_safety', PASSWORD);
  const sent = await as(world.hpl).post('/api/broadcasts', { room: 'HPL', kind: 'prevention_tip', title: '防范电动车盗窃', body: '请锁好车，勿在楼道充电。', groups: ['g-sec-hpl'] });
  expect(sent.status).toBe(201);
  const notices = await as(safety).get('/api/volunteer/notices');
  expect(notices.status).toBe(200);
  expect(notices.body.notices.some((n: { text: string }) => n.text.includes('请锁好车'))).toBe(true);
  // The scheduled one (not sent yet) is not among them.
  expect(notices.text).not.toContain(world.records.broadcastTitle);
  expect((await as(mediator).get('/api/volunteer/notices')).status).toBe(403);

  const month = await as(world.hpl).get('/api/reports/monthly?room=HPL');
  expect(month.status).toBe(200);
  const rows = month.body.volunteers as Array<{ name: string; teamLabel: string; tips: number; disputeNotes: number; views: number; disputesGiven: number; room: string }>;
  expect(rows.every((r) => r.room === 'HPL')).toBe(true);
  expect(rows.find((r) => r.name === '和平里调解员')).toMatchObject({ teamLabel: '调解员', disputeNotes: 1, disputesGiven: 1 });
  expect(rows.find((r) => r.name === '和平里调解员')!.views).toBeGreaterThanOrEqual(4);
  expect(rows.find((r) => r.name === '钱七')).toMatchObject({ teamLabel: '信息员', tips: 1 });
  expect(rows.find((r) => r.name === '孙八')).toMatchObject({ teamLabel: '安全员', views: 1 });
  // Another room's officer sees none of HPL's volunteers in its month.
  const lsc = await as(world.lsc).get('/api/reports/monthly');
  expect((lsc.body.volunteers as Array<{ room: string }>).every((r) => r.room !== 'HPL')).toBe(true);
  // A district's report holds that district's volunteers only, also for an admin who may see every room.
  const xh = await as(world.admin).get('/api/reports/monthly?district=XH');
  expect(xh.status).toBe(200);
  expect(xh.body.volunteers.map((r: { name: string }) => r.name)).toContain('钱七');
  const qt = await as(world.admin).get('/api/reports/monthly?district=QT');
  expect(qt.status).toBe(200);
  expect(qt.body.volunteers.map((r: { name: string }) => r.name)).not.toContain('钱七');
  expect(qt.body.volunteerTeams.map((r: { room: string }) => r.room)).not.toContain('HPL');
});
