import request from 'supertest';
import { DateTime } from 'luxon';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { seedAll } from '../../src/modules/seed/seed.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { OfficerNotificationModel } from '../../src/modules/notices/notification.model';
import { bindGroup } from './helpers';

let db: TestDatabase;
const { app } = buildTestApp();
type Agent = Awaited<ReturnType<typeof login>>;
let hpl: Agent, lsc: Agent, mobile: Agent, sup: Agent, admin: Agent;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'officer_hpl', rooms: ['HPL'], district: 'XH', name: '张警官' });
  await createOfficer({ username: 'officer_lsc', rooms: ['LSC'], district: 'XH' });
  // The mobile station's officer also serves the communities it visits (a visit reaches only groups a broadcast by them could).
  await createOfficer({ username: 'officer_ld', rooms: ['LD01', 'HPL', 'LSC'], district: 'XH' });
  await createOfficer({ username: 'super_xh', role: 'supervisor', district: 'XH' });
  await createOfficer({ username: 'root', role: 'admin' });
  await bindGroup('g-hpl-1', 'HPL', '和平里1号楼居民群');
  await bindGroup('g-hpl-2', 'HPL', '和平里2号楼居民群');
  await bindGroup('g-lsc-1', 'LSC', '柳树村村民群');
  [hpl, lsc, mobile, sup, admin] = await Promise.all(['officer_hpl', 'officer_lsc', 'officer_ld', 'super_xh', 'root'].map((u) => login(app, u)));
});
afterAll(async () => db.stop());

const anon = () => request(app.callback());

describe('talk day settings: GET/PUT /api/rooms/:code/talk-day', () => {
  const body = { enabled: true, place: '和平里社区服务中心二楼', startTime: '09:00', endTime: '11:30', topic: '防范电信网络诈骗', rule: 'next_working_day', daysBefore: 3, months: [{ month: '2026-05', topic: '五月：夏季防溺水' }] };

  it('401 without a session, 403 for another room, 404 for an unknown room', async () => {
    expect((await anon().get('/api/rooms/HPL/talk-day')).status).toBe(401);
    const refused = await lsc.agent.get('/api/rooms/HPL/talk-day');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await lsc.agent.put('/api/rooms/HPL/talk-day').set('X-CSRF-Token', lsc.csrf).send(body)).status).toBe(403);
    expect((await hpl.agent.get('/api/rooms/NOPE/talk-day')).status).toBe(404);
  });

  it('shows defaults (not configured, no announcements) before the first save', async () => {
    const res = await hpl.agent.get('/api/rooms/HPL/talk-day').expect(200);
    expect(res.body).toMatchObject({ room: 'HPL', configured: false, settings: { enabled: false, daysBefore: 3, rule: 'next_working_day' } });
    expect(res.body.rules).toHaveLength(2);
  });

  it('validates: times, daysBefore range, duplicate months, unknown rule, CSRF', async () => {
    const put = (b: unknown) => hpl.agent.put('/api/rooms/HPL/talk-day').set('X-CSRF-Token', hpl.csrf).send(b as object);
    for (const bad of [
      { ...body, startTime: '9点' },
      { ...body, daysBefore: 20 },
      { ...body, rule: 'whenever' },
      { ...body, place: '   ' },
      { ...body, endTime: '08:00' },
      { ...body, months: [{ month: '2026-05' }, { month: '2026-05' }] },
      { ...body, months: [{ month: '2026-13' }] },
    ]) {
      const res = await put(bad);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await hpl.agent.put('/api/rooms/HPL/talk-day').send(body)).body.error.code).toBe('csrf_failed');
  });

  it('saves and answers with the coming dates under the rule', async () => {
    const res = await hpl.agent.put('/api/rooms/HPL/talk-day').set('X-CSRF-Token', hpl.csrf).send(body).expect(200);
    expect(res.body.configured).toBe(true);
    expect(res.body.settings).toMatchObject({ enabled: true, place: body.place, months: [{ month: '2026-05', topic: '五月：夏季防溺水' }] });
    expect(res.body.upcoming.length).toBeGreaterThanOrEqual(2);
    for (const o of res.body.upcoming) expect(o.date >= o.nominal).toBe(true);
    // A supervisor of the district may read it too.
    expect((await sup.agent.get('/api/rooms/HPL/talk-day')).status).toBe(200);
  });
});

describe('templates: GET/PUT /api/templates/:key and preview', () => {
  it('lists the templates with their placeholders', async () => {
    const res = await hpl.agent.get('/api/templates?room=HPL').expect(200);
    expect(res.body.templates.map((t: { key: string }) => t.key)).toContain('talkday.before');
    expect((await anon().get('/api/templates')).status).toBe(401);
    expect((await lsc.agent.get('/api/templates?room=HPL')).status).toBe(403);
    expect((await hpl.agent.get('/api/templates/nope')).status).toBe(404);
  });

  it("an officer edits their room's version; only an admin edits the service-wide one", async () => {
    const text = '【{{room.name}}】{{date}}（{{weekday}}）{{time}}，{{place}}，主题：{{topic}}。{{moved_note}}';
    const res = await hpl.agent.put('/api/templates/talkday.before').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', text }).expect(200);
    expect(res.body.template).toMatchObject({ source: 'room', room: 'HPL', text });
    expect((await lsc.agent.get('/api/templates/talkday.before?room=LSC')).body.template.source).toBe('default');
    expect((await hpl.agent.put('/api/templates/talkday.before').set('X-CSRF-Token', hpl.csrf).send({ text })).status).toBe(403);
    expect((await lsc.agent.put('/api/templates/talkday.before').set('X-CSRF-Token', lsc.csrf).send({ room: 'HPL', text })).status).toBe(403);
    const global = await admin.agent.put('/api/templates/broadcast.prevention_tip').set('X-CSRF-Token', admin.csrf).send({ text: '【防范提示】{{title}}\n{{body}}\n——{{room.name}}' }).expect(200);
    expect(global.body.template.source).toBe('global');
    expect((await lsc.agent.get('/api/templates/broadcast.prevention_tip?room=LSC')).body.template.source).toBe('global');
  });

  it('refuses unknown placeholders and empty text', async () => {
    const res = await hpl.agent.put('/api/templates/talkday.day').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', text: '{{room.name}} {{roomname}}' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_placeholder');
    expect((await hpl.agent.put('/api/templates/talkday.day').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', text: '  ' })).status).toBe(400);
  });

  it('previews a talk-day template for a room and date, with the moved date explained', async () => {
    const res = await hpl.agent.post('/api/templates/talkday.before/preview').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', date: '2026-04-05' }).expect(200);
    expect(res.body.text).toContain('2026年4月20日（周一）');
    expect(res.body.text).toContain('因18日为周六，本月活动顺延至4月20日（周一）举行。');
    const unsaved = await hpl.agent.post('/api/templates/talkday.day/preview').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', date: '2026-05-02', text: '{{topic}}@{{place}}' }).expect(200);
    expect(unsaved.body.text).toBe('五月：夏季防溺水@和平里社区服务中心二楼');
    expect((await lsc.agent.post('/api/templates/talkday.day/preview').set('X-CSRF-Token', lsc.csrf).send({ room: 'HPL' })).status).toBe(403);
    expect((await hpl.agent.post('/api/templates/talkday.day/preview').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', date: '2026-02-30' })).status).toBe(400);
  });
});

describe('broadcasts: GET/POST /api/broadcasts', () => {
  const notice = { room: 'HPL', kind: 'prevention_tip', title: '谨防冒充客服退款诈骗', body: '近期辖区发生多起冒充电商客服诈骗，请勿向陌生人转账。' };

  it('lists only the groups the officer may message', async () => {
    const mine = await hpl.agent.get('/api/broadcasts/groups').expect(200);
    expect(mine.body.groups.map((g: { groupId: string }) => g.groupId)).toEqual(['g-hpl-1', 'g-hpl-2']);
    const district = await sup.agent.get('/api/broadcasts/groups').expect(200);
    expect(district.body.groups).toHaveLength(3);
  });

  it('previews the text from the template', async () => {
    const res = await hpl.agent.post('/api/broadcasts/preview').set('X-CSRF-Token', hpl.csrf).send(notice).expect(200);
    expect(res.body.text).toContain('谨防冒充客服退款诈骗');
    expect(res.body.text).toContain('和平里社区警务室');
  });

  it('sends now: one outbox message per selected group, delivery per group visible', async () => {
    const res = await hpl.agent.post('/api/broadcasts').set('X-CSRF-Token', hpl.csrf).send({ ...notice, groups: ['g-hpl-1', 'g-hpl-2'], urgent: true }).expect(201);
    const b = res.body.broadcast;
    expect(b.state).toBe('sent');
    expect(b.deliveries.map((d: { groupId: string; status: string }) => [d.groupId, d.status])).toEqual([['g-hpl-1', 'queued'], ['g-hpl-2', 'queued']]);
    const msgs = await OutboxModel.find({ key: { $regex: `^job:broadcast:broadcast:${b.id}:` } }).lean();
    expect(msgs).toHaveLength(2);
    expect(msgs.every((m) => m.isGroup && m.purpose === 'broadcast' && m.text === b.text)).toBe(true);
    // Nothing reaches the unselected group.
    expect(await OutboxModel.countDocuments({ conversationId: 'g-lsc-1' })).toBe(0);
    const shown = await hpl.agent.get(`/api/broadcasts/${b.id}`).expect(200);
    expect(shown.body.broadcast.deliveries).toHaveLength(2);
    expect((await lsc.agent.get(`/api/broadcasts/${b.id}`)).status).toBe(403);
  });

  it("refuses another room's group, empty selections, a past time, bad kinds", async () => {
    const post = (b: object, who = hpl) => who.agent.post('/api/broadcasts').set('X-CSRF-Token', who.csrf).send(b);
    const foreign = await post({ ...notice, groups: ['g-lsc-1'] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('invalid_group');
    expect((await post({ ...notice, groups: ['g-unknown'] })).status).toBe(400);
    expect((await post({ ...notice, groups: [] })).status).toBe(400);
    expect((await post({ ...notice, groups: ['g-hpl-1'], sendAt: '2020-01-01T10:00:00+08:00' })).body.error.code).toBe('send_at_past');
    expect((await post({ ...notice, kind: 'gossip', groups: ['g-hpl-1'] })).status).toBe(400);
    expect((await post({ ...notice, room: 'LSC', groups: ['g-lsc-1'] })).status).toBe(403);
    expect((await anon().post('/api/broadcasts').send(notice)).status).toBe(401);
    expect(await OutboxModel.countDocuments({ conversationId: 'g-lsc-1' })).toBe(0);
  });

  it('schedules, lists, and cancels once; a sent broadcast cannot be cancelled', async () => {
    const sendAt = DateTime.now().plus({ days: 2 }).toISO();
    const res = await hpl.agent.post('/api/broadcasts').set('X-CSRF-Token', hpl.csrf).send({ ...notice, groups: ['g-hpl-1'], sendAt }).expect(201);
    expect(res.body.broadcast.state).toBe('scheduled');
    expect(res.body.broadcast.deliveries[0].status).toBe('pending');
    const list = await hpl.agent.get('/api/broadcasts').expect(200);
    expect(list.body.broadcasts.length).toBe(2);
    expect((await lsc.agent.get('/api/broadcasts').expect(200)).body.broadcasts).toHaveLength(0);
    const id = res.body.broadcast.id;
    const cancelled = await hpl.agent.post(`/api/broadcasts/${id}/cancel`).set('X-CSRF-Token', hpl.csrf).expect(200);
    expect(cancelled.body.broadcast.state).toBe('cancelled');
    expect((await hpl.agent.post(`/api/broadcasts/${id}/cancel`).set('X-CSRF-Token', hpl.csrf)).status).toBe(409);
    const sent = list.body.broadcasts.find((b: { state: string }) => b.state === 'sent');
    expect((await hpl.agent.post(`/api/broadcasts/${sent.id}/cancel`).set('X-CSRF-Token', hpl.csrf)).status).toBe(409);
  });
});

describe('mobile visits: GET/POST/DELETE /api/mobile-visits', () => {
  const tomorrow = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  const visit = { room: 'LD01', place: '和平广场东门', start: tomorrow.toISO(), end: tomorrow.set({ hour: 16 }).toISO(), note: '现场办理居住登记', targetRooms: ['HPL'], targetGroups: ['g-lsc-1'] };
  let id = '';

  it('the mobile room officer enters a stop; targets in the district only', async () => {
    const res = await mobile.agent.post('/api/mobile-visits').set('X-CSRF-Token', mobile.csrf).send(visit).expect(201);
    id = res.body.visit.id;
    expect(res.body.visit).toMatchObject({ room: 'LD01', place: '和平广场东门', targetRooms: ['HPL'], targetGroups: ['g-lsc-1'], notice: { status: 'pending' } });
    expect(new Date(res.body.visit.notice.at).getTime()).toBe(tomorrow.minus({ days: 1 }).set({ hour: 10 }).toMillis());
  });

  it('validates and authorises', async () => {
    const post = (b: object, who = mobile) => who.agent.post('/api/mobile-visits').set('X-CSRF-Token', who.csrf).send(b);
    expect((await post(visit, hpl)).status).toBe(403);
    expect((await post({ ...visit, end: visit.start })).body.error.code).toBe('invalid_time_range');
    expect((await post({ ...visit, start: '2020-01-01T09:00:00+08:00', end: '2020-01-01T10:00:00+08:00' })).body.error.code).toBe('visit_in_past');
    expect((await post({ ...visit, targetRooms: [], targetGroups: [] })).body.error.code).toBe('no_targets');
    expect((await post({ ...visit, targetRooms: ['ZZZ'] })).body.error.code).toBe('invalid_target_room');
    expect((await post({ ...visit, targetGroups: ['g-nope'] })).body.error.code).toBe('invalid_target_group');
    expect((await post({ ...visit, start: 'tomorrow' })).status).toBe(400);
    expect((await anon().get('/api/mobile-visits')).status).toBe(401);
  });

  it('is listed for its room and the rooms it visits, not for others', async () => {
    expect((await mobile.agent.get('/api/mobile-visits').expect(200)).body.visits).toHaveLength(1);
    expect((await hpl.agent.get('/api/mobile-visits').expect(200)).body.visits).toHaveLength(1);
    expect((await lsc.agent.get('/api/mobile-visits').expect(200)).body.visits).toHaveLength(0);
  });

  it('is cancelled by DELETE (only by its room)', async () => {
    expect((await hpl.agent.delete(`/api/mobile-visits/${id}`).set('X-CSRF-Token', hpl.csrf)).status).toBe(403);
    const res = await mobile.agent.delete(`/api/mobile-visits/${id}`).set('X-CSRF-Token', mobile.csrf).expect(200);
    expect(res.body.visit.cancelledAt).not.toBeNull();
    expect((await mobile.agent.delete('/api/mobile-visits/nope').set('X-CSRF-Token', mobile.csrf)).status).toBe(404);
  });
});

describe('jobs: GET /api/jobs/upcoming, /runs, /notifications', () => {
  it("shows the next runs, with each room's talk day only to its officers", async () => {
    const mine = await hpl.agent.get('/api/jobs/upcoming').expect(200);
    const talk = mine.body.jobs.find((j: { job: string }) => j.job === 'talk-day');
    expect(talk.label).toBe('警民恳谈日通知');
    expect(talk.next.length).toBeGreaterThan(0);
    expect(talk.next.every((s: { rooms: string[] }) => s.rooms.includes('HPL'))).toBe(true);
    const other = await lsc.agent.get('/api/jobs/upcoming').expect(200);
    expect(other.body.jobs.find((j: { job: string }) => j.job === 'talk-day').next).toHaveLength(0);
    expect(other.body.jobs.find((j: { job: string }) => j.job === 'appointment-reminder-evening').next.length).toBeGreaterThan(0);
    expect((await anon().get('/api/jobs/upcoming')).status).toBe(401);
    expect((await hpl.agent.get('/api/jobs/upcoming?limit=500')).status).toBe(400);
  });

  it('shows what each run sent, per room', async () => {
    const mine = await hpl.agent.get('/api/jobs/runs').expect(200);
    const run = mine.body.runs.find((r: { job: string; status: string }) => r.job === 'broadcast' && r.status === 'done');
    expect(run.deliveries.map((d: { recipient: string }) => d.recipient).sort()).toEqual(['和平里1号楼居民群', '和平里2号楼居民群']);
    expect((await lsc.agent.get('/api/jobs/runs').expect(200)).body.runs.filter((r: { job: string }) => r.job === 'broadcast')).toHaveLength(0);
  });

  it("lists the officer's own notifications and marks one read", async () => {
    const officer = await createOfficer({ username: 'officer_n', rooms: ['HPL'], district: 'XH' });
    await OfficerNotificationModel.create({ key: 'test:n1', officer: officer.id, kind: 'digest', room: 'HPL', text: '今日待办：3件', at: new Date() });
    const me = await login(app, 'officer_n');
    const res = await me.agent.get('/api/jobs/notifications').expect(200);
    expect(res.body).toMatchObject({ unread: 1, notifications: [{ kind: 'digest', text: '今日待办：3件' }] });
    await me.agent.post(`/api/jobs/notifications/${res.body.notifications[0].id}/read`).set('X-CSRF-Token', me.csrf).expect(200);
    expect((await me.agent.get('/api/jobs/notifications')).body.unread).toBe(0);
    expect((await hpl.agent.post(`/api/jobs/notifications/${res.body.notifications[0].id}/read`).set('X-CSRF-Token', hpl.csrf)).status).toBe(404);
  });
});
