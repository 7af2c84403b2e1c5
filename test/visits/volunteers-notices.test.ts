import type Koa from 'koa';
import request from 'supertest';
import { createScheduler, messageJobs } from '../../src/jobs';
import { createApp } from '../../src/http/app';
import { createItem } from '../../src/modules/items/item.service';
import { JobRunModel } from '../../src/modules/notices/job-run.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { VolunteerNoticeModel } from '../../src/modules/volunteers/volunteer.model';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { bindGroup, FakeClock, sh } from '../jobs/helpers';

/**
 * A room's broadcasts (警情通报、防范提示) reach its active 安全员 and 专管员 too, on a real
 * database with a local fake SMS gateway: once each by SMS when they have a number (a scheduled
 * notice ticked by two instances, its run then resumed as after a crash, and two SMS senders),
 * once each in their 「通知」 list; never the other room's volunteers, a deactivated one, a
 * 信息员 or a 调解员; residents' numbers masked; an urgent notice is not held by the per-number cap.
 * Then the month: per room, the volunteers active in it per team and what they did, in the API,
 * the CSV and the printable bulletin's data, counted in Asia/Shanghai months.
 */
jest.setTimeout(120_000);

const SECRET = 'webhook-secret-volunteer-notices-0123';
let db: TestDatabase;
let gateway: FakeGateway;
let app: Koa;
// 2026-12-03 10:00 in Beijing.
const clock = new FakeClock(sh('2026-12-03T10:00'));
let env: Record<string, string>;
type Session = Awaited<ReturnType<typeof login>>;
let admin: Session;
let hpl: Session;
const PASSWORD = 'Volunteer-pass-1';
const phones = { safety: '13900000001', specialist: '13900000002', informant: '13900000003', mediator: '13900000004', lscSafety: '13900000005', retired: '13900000006' };
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await startTestDatabase();
  gateway = await startFakeGateway({ webhookSecret: SECRET });
  await seedAll({ demo: true });
  env = { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '22:00-07:00', SMS_PHONE_DAILY_CAP: '15', PUBLIC_URL: 'https://jws.example.cn' };
  app = createApp({ config: testConfig(env), logger: testLogger(), now: clock.now }) as unknown as Koa;
  await createOfficer({ username: 'vn_admin', role: 'admin', name: '管理员' });
  await createOfficer({ username: 'vn_hpl', rooms: ['HPL'], district: 'XH', name: '张伟' });
  admin = await login(app as never, 'vn_admin');
  hpl = await login(app as never, 'vn_hpl');
  await bindGroup('g-vn-hpl', 'HPL', '和平里居民群');
  await bindGroup('g-vn-lsc', 'LSC', '柳树村村民群');
  const add = async (key: string, room: string, team: string, phone?: string) => {
    const res = await admin.agent.post('/api/volunteers').set('X-CSRF-Token', admin.csrf).send({ username: `vn_${key}`, name: `志愿者${key}`, room, team, phone, password: PASSWORD });
    expect(res.status).toBe(201);
    ids[key] = res.body.volunteer.id;
  };
  await add('safety', 'HPL', 'safety', phones.safety);
  await add('specialist', 'HPL', 'specialist', phones.specialist);
  await add('nophone', 'HPL', 'specialist');
  await add('informant', 'HPL', 'informant', phones.informant);
  await add('mediator', 'HPL', 'mediator', phones.mediator);
  await add('lscSafety', 'LSC', 'safety', phones.lscSafety);
  await add('retired', 'HPL', 'safety', phones.retired);
  expect((await admin.agent.patch(`/api/volunteers/${ids.retired}`).set('X-CSRF-Token', admin.csrf).send({ active: false })).status).toBe(200);
});
afterAll(async () => {
  await gateway?.stop();
  await db?.stop();
});

/** Two instances tick the scheduler at the clock's time (twice each). */
async function tickTwoInstances() {
  const schedulers = ['a', 'b'].map((id) => createScheduler({ jobs: messageJobs(), config: testConfig(env), logger: testLogger(), now: clock.now, instanceId: id }));
  await Promise.all(schedulers.map((s) => s.tick()));
  await Promise.all(schedulers.map((s) => s.tick()));
}

/** Two SMS senders deliver what is due. */
async function sendTexts() {
  const settings = smsSettings(testConfig(env));
  const provider = createSmsProvider(settings)!;
  const senders = ['x', 'y'].map((id) => createSmsSender({ settings, provider, logger: testLogger(), senderId: id, now: clock.now }));
  await Promise.all(senders.map((s) => s.tick()));
  await Promise.all(senders.map((s) => s.tick()));
}

async function volunteerSession(key: string) {
  const agent = request.agent(app.callback());
  const res = await agent.post('/api/auth/login').send({ username: `vn_${key}`, password: PASSWORD });
  expect(res.status).toBe(200);
  return agent;
}

it("a scheduled room broadcast reaches the room's 安全员 and 专管员 once each (SMS and their 通知 list), even when its run is repeated on two instances", async () => {
  const sendAt = sh('2026-12-03T10:30');
  const created = await hpl.agent
    .post('/api/broadcasts')
    .set('X-CSRF-Token', hpl.csrf)
    .send({ room: 'HPL', kind: 'police_notice', title: '近期电信诈骗高发', body: '冒充客服退款，来电13812345678，请勿转账。', groups: ['g-vn-hpl'], sendAt: sendAt.toISOString() });
  expect(created.status).toBe(201);
  const id = created.body.broadcast.id as string;

  // Nothing before its time.
  await tickTwoInstances();
  await sendTexts();
  expect(gateway.sent).toEqual([]);

  clock.set(new Date(sendAt.getTime() + 30_000));
  await tickTwoInstances();
  // The run is repeated as if its holder had died mid-way: a third instance takes it over.
  await JobRunModel.updateOne({ job: 'broadcast', runKey: `broadcast:${id}` }, { $set: { status: 'running', leaseUntil: new Date(clock.now().getTime() - 1000) } });
  clock.advance(60_000);
  const third = createScheduler({ jobs: messageJobs(), config: testConfig(env), logger: testLogger(), now: clock.now, instanceId: 'c' });
  await third.tick();
  expect((await JobRunModel.findOne({ job: 'broadcast', runKey: `broadcast:${id}` }).lean())?.attempt).toBe(1);
  await sendTexts();

  const texted = gateway.sent.map((s) => s.phone).sort();
  expect(texted).toEqual([phones.safety, phones.specialist]);
  for (const s of gateway.sent) {
    expect(s.purpose).toBe('notice');
    expect(s.params).toEqual({ room: '和平里社区警务室', kind: '警情通报', title: '近期电信诈骗高发', link: 'https://jws.example.cn/volunteer/' });
    expect(s.text).toBe('【网上警务室】和平里社区警务室发布警情通报：近期电信诈骗高发。请登录志愿者页面查看全文：https://jws.example.cn/volunteer/');
  }

  // One record each for the room's active 安全员 and 专管员 (the one without a number too).
  const records = await VolunteerNoticeModel.find({ notice: `broadcast:${id}` }).lean();
  expect(records.map((r) => r.volunteer).sort()).toEqual([ids.safety, ids.specialist, ids.nophone].sort());

  // Their 通知 list shows it, numbers masked; other teams are refused, the other room sees none.
  const list = await (await volunteerSession('nophone')).get('/api/volunteer/notices');
  expect(list.status).toBe(200);
  expect(list.body.notices).toEqual([expect.objectContaining({ kindLabel: '警情通报', title: '近期电信诈骗高发', urgent: false })]);
  expect(list.body.notices[0].text).toContain('138****5678');
  expect(list.text).not.toContain('13812345678');
  expect((await (await volunteerSession('lscSafety')).get('/api/volunteer/notices')).body.notices).toEqual([]);
  expect((await (await volunteerSession('informant')).get('/api/volunteer/notices')).status).toBe(403);
  expect((await (await volunteerSession('mediator')).get('/api/volunteer/notices')).status).toBe(403);
});

it('an urgent notice goes out at once past the per-number cap and quiet hours; an ordinary one waits', async () => {
  gateway.clear();
  // 23:10 in Beijing: quiet hours; the cap is now 1 a day and both numbers had today's text already.
  env = { ...env, SMS_PHONE_DAILY_CAP: '1' };
  clock.set(sh('2026-12-03T23:10'));
  const send = (title: string, urgent: boolean) =>
    hpl.agent.post('/api/broadcasts').set('X-CSRF-Token', hpl.csrf).send({ room: 'HPL', kind: 'prevention_tip', title, body: '请注意安全。', groups: ['g-vn-hpl'], urgent });
  expect((await send('夜间防盗提示', false)).status).toBe(201);
  expect((await send('河堤决口紧急撤离', true)).status).toBe(201);
  await sendTexts();
  const urgent = gateway.sent.filter((s) => s.params.title === '河堤决口紧急撤离').map((s) => s.phone).sort();
  expect(urgent).toEqual([phones.safety, phones.specialist]);
  expect(gateway.sent.filter((s) => s.params.title === '夜间防盗提示')).toEqual([]);
  // Both are in the lists at once.
  const titles = (await (await volunteerSession('safety')).get('/api/volunteer/notices')).body.notices.map((n: { title: string }) => n.title);
  expect(titles).toEqual(expect.arrayContaining(['夜间防盗提示', '河堤决口紧急撤离']));
});

it("the monthly report counts each room's volunteers per team and their month's work (tips, dispute notes, notices delivered), in Beijing months, in the API and the CSV", async () => {
  const informant = await volunteerSession('informant');
  const csrfOf = async (agent: ReturnType<typeof request.agent>) => (await agent.post('/api/auth/login').send({ username: 'vn_informant', password: PASSWORD })).body.csrfToken as string;
  const csrf = await csrfOf(informant);
  // 2026-11-30 23:30 in Beijing is November; 2026-12-01 00:30 in Beijing (still 30 November in UTC) is December.
  clock.set(sh('2026-11-30T23:30'));
  expect((await informant.post('/api/volunteer/tips').set('X-CSRF-Token', csrf).send({ text: '十一月底：小区后门有人兜售假烟' })).status).toBe(201);
  clock.set(sh('2026-12-01T00:30'));
  expect((await informant.post('/api/volunteer/tips').set('X-CSRF-Token', csrf).send({ text: '十二月初：菜市场有人聚赌' })).status).toBe(201);
  // A 调解员's note on a dispute given to them.
  clock.set(sh('2026-12-03T11:00'));
  const dispute = await createItem({ room: 'HPL', kind: 'dispute', text: '邻里为停车位争吵' });
  expect((await hpl.agent.post(`/api/volunteers/${ids.mediator}/disputes`).set('X-CSRF-Token', hpl.csrf).send({ item: dispute.code })).status).toBe(201);
  const mediator = await volunteerSession('mediator');
  const mcsrf = (await mediator.post('/api/auth/login').send({ username: 'vn_mediator', password: PASSWORD })).body.csrfToken as string;
  expect((await mediator.post(`/api/volunteer/disputes/${dispute.code}/notes`).set('X-CSRF-Token', mcsrf).send({ text: '已约双方周六面谈' })).status).toBe(201);

  const december = await hpl.agent.get('/api/reports/monthly?month=2026-12&room=HPL');
  expect(december.status).toBe(200);
  // HPL: 1 信息员, 2 专管员, 1 调解员, 2 安全员 (one switched off on 3 December was still active in it);
  // one December tip, one note, and 9 notices (3 broadcasts × the 3 active 安全员/专管员).
  expect(december.body.volunteerTeams).toEqual([
    { room: 'HPL', roomName: '和平里社区警务室', active: { informant: 1, specialist: 2, mediator: 1, safety: 2 }, activeTotal: 6, tips: 1, disputeNotes: 1, noticesDelivered: 9 },
  ]);
  const november = await hpl.agent.get('/api/reports/monthly?month=2026-11&room=HPL');
  expect(november.body.volunteerTeams).toEqual([
    { room: 'HPL', roomName: '和平里社区警务室', active: { informant: 0, specialist: 0, mediator: 0, safety: 0 }, activeTotal: 0, tips: 1, disputeNotes: 0, noticesDelivered: 0 },
  ]);
  // The district's overview lists LSC with its own 安全员 and none of HPL's work.
  await createOfficer({ username: 'vn_chief', role: 'supervisor', district: 'XH', name: '陈杰' });
  const chief = await login(app as never, 'vn_chief');
  const overview = await chief.agent.get('/api/reports/monthly?month=2026-12');
  const lsc = overview.body.volunteerTeams.find((r: { room: string }) => r.room === 'LSC');
  expect(lsc).toMatchObject({ active: { informant: 0, specialist: 0, mediator: 0, safety: 1 }, tips: 0, disputeNotes: 0, noticesDelivered: 0 });
  // Another room's officer sees only its own room.
  await createOfficer({ username: 'vn_lsc', rooms: ['LSC'], district: 'XH', name: '王强' });
  const lscOfficer = await login(app as never, 'vn_lsc');
  const own = await lscOfficer.agent.get('/api/reports/monthly?month=2026-12');
  expect(own.body.volunteerTeams.map((r: { room: string }) => r.room)).toEqual(['LSC']);

  const csv = await hpl.agent.get('/api/reports/monthly.csv?month=2026-12&room=HPL&table=volunteers');
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toContain('text/csv');
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  expect(lines[0]).toBe('月份,警务室编号,警务室,信息员,专管员,调解员,安全员,志愿者合计,信息员提交线索,调解员调解记录,安全员/专管员收到通知');
  expect(lines.slice(1)).toEqual(['2026-12,HPL,和平里社区警务室,1,2,1,2,6,1,1,9']);
});
