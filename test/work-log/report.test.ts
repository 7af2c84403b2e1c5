import type Koa from 'koa';
import { createApp } from '../../src/http/app';
import { clearReportMemo } from '../../src/http/routes/reports';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The 月考核 carries each room's and officer's field work against the monthly targets of the room
 * types: in GET /api/reports/monthly and in the CSV, counted by Beijing calendar month.
 */
let db: TestDatabase;
let app: Koa;
// Entries are written "on 2 November 2026"; the report reads October 2026 (a closed month).
const clock = { now: new Date('2026-11-02T02:00:00Z') };
type Session = Awaited<ReturnType<typeof login>> & { id: string };
let zhang: Session; // HPL (urban)
let wang: Session; // LSC (rural)
let liu: Session; // LD01 (mobile) and LSC (rural)
let chief: Session;
let admin: Session;
let n = 0;

async function signIn(props: Parameters<typeof createOfficer>[0]): Promise<Session> {
  const created = await createOfficer(props);
  return { ...(await login(app as never, props.username)), id: created.id };
}

async function log(s: Session, body: Record<string, unknown>) {
  const res = await s.agent.post('/api/work-log').set('X-CSRF-Token', s.csrf).set('Idempotency-Key', `report-test-${++n}`).send({ count: 5, ...body });
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
}

type Row = { code?: string; id?: string; workLog: { counts: Record<string, number>; reached: Record<string, number>; targets: Record<string, number | null>; total: number; belowTarget: string[] } };

async function report(s: Session, query = '') {
  clearReportMemo();
  const res = await s.agent.get(`/api/reports/monthly?month=2026-10${query}`);
  expect(res.status).toBe(200);
  return res.body as { rooms: Row[]; officers: Row[]; workLog: { kinds: Array<{ key: string; label: string }>; totals: Row['workLog'] } };
}

async function csv(s: Session, table: string, query = '') {
  clearReportMemo();
  const res = await s.agent.get(`/api/reports/monthly.csv?month=2026-10&table=${table}${query}`).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  const lines = (res.body as Buffer).toString('utf8').slice(1).trim().split('\r\n').map((l) => l.split(','));
  return { header: lines[0], rows: lines.slice(1) };
}

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = createApp({ config: testConfig(), logger: testLogger(), now: () => clock.now }) as unknown as Koa;
  zhang = await signIn({ username: 'wr_zhang', name: '张伟伟', rooms: ['HPL'], district: 'XH' });
  wang = await signIn({ username: 'wr_wang', name: '王强强', rooms: ['LSC'], district: 'XH' });
  liu = await signIn({ username: 'wr_liu', name: '刘军军', rooms: ['LD01', 'LSC'], district: 'XH' });
  chief = await signIn({ username: 'wr_chief', name: '陈杰杰', role: 'supervisor', district: 'XH' });
  admin = await signIn({ username: 'wr_admin', name: '赵敏敏', role: 'admin' });
  const put = (type: string, targets: object) => admin.agent.put(`/api/work-log/targets/${type}`).set('X-CSRF-Token', admin.csrf).send({ targets }).expect(200);
  await put('urban', { household_visit: 3, patrol: 2 });
  await put('rural', { household_visit: 2 });
  await put('mobile', { publicity: 1 });

  const hpl = { place: '和平里社区' };
  await log(zhang, { ...hpl, kind: 'household_visit', at: '2026-10-08T10:00:00+08:00', count: 12 });
  await log(zhang, { ...hpl, kind: 'household_visit', at: '2026-10-31T23:30:00+08:00', count: 4 }); // still October in Beijing
  await log(zhang, { ...hpl, kind: 'household_visit', at: '2026-10-31T16:10:00Z' }); // 1 November 00:10 in Beijing
  await log(zhang, { ...hpl, kind: 'patrol', at: '2026-10-09T20:00:00+08:00' });
  await log(zhang, { ...hpl, kind: 'patrol', at: '2026-10-12T20:00:00+08:00' });
  await log(wang, { place: '柳树村', kind: 'household_visit', at: '2026-10-10T09:00:00+08:00' });
  await log(wang, { place: '柳树村', kind: 'household_visit', at: '2026-10-11T09:00:00+08:00' });
  await log(liu, { room: 'LD01', place: '柳树镇集市', kind: 'publicity', at: '2026-10-15T09:00:00+08:00', count: 300 });
  await log(liu, { room: 'LSC', place: '柳树村', kind: 'mediation', at: '2026-10-16T09:00:00+08:00', count: 2 });
}, 120_000);

afterAll(() => db?.stop());

it("gives each room its work-log counts against its type's targets, by Beijing month", async () => {
  const r = await report(chief);
  const room = (code: string) => r.rooms.find((x) => x.code === code)!.workLog;
  expect(room('HPL')).toMatchObject({
    counts: { household_visit: 2, patrol: 2, publicity: 0 },
    reached: { household_visit: 16, patrol: 10 },
    targets: { household_visit: 3, patrol: 2, publicity: null },
    total: 4,
    belowTarget: ['household_visit'],
  });
  expect(room('LSC')).toMatchObject({ counts: { household_visit: 2, mediation: 1 }, targets: { household_visit: 2 }, total: 3, belowTarget: [] });
  expect(room('LD01')).toMatchObject({ counts: { publicity: 1 }, targets: { publicity: 1, household_visit: null }, belowTarget: [] });
  expect(room('DHL')).toMatchObject({ total: 0, targets: { household_visit: null }, belowTarget: [] }); // no targets for 联村 rooms
  expect(r.workLog.kinds.map((k) => k.label)).toEqual(['入户走访', '治安巡逻', '宣传发动', '实地检查', '警情通报', '矛盾调解', '其他']);
  expect(r.workLog.totals).toMatchObject({ total: 8, counts: { household_visit: 4 }, targets: { household_visit: 3 + 2, patrol: 2, publicity: 1 }, belowTarget: ['household_visit'] });
});

it('gives each officer their own entries against the targets of the rooms they serve, and lists officers who logged nothing', async () => {
  const r = await report(chief);
  const officer = (id: string) => r.officers.find((o) => o.id === id)!.workLog;
  expect(officer(zhang.id)).toMatchObject({ counts: { household_visit: 2, patrol: 2 }, targets: { household_visit: 3, patrol: 2 }, belowTarget: ['household_visit'] });
  expect(officer(wang.id)).toMatchObject({ counts: { household_visit: 2 }, targets: { household_visit: 2 }, belowTarget: [] });
  // 刘军军 serves a mobile and a rural room: both rooms' targets.
  expect(officer(liu.id)).toMatchObject({ counts: { publicity: 1, mediation: 1, household_visit: 0 }, targets: { publicity: 1, household_visit: 2 }, belowTarget: ['household_visit'] });
  // The demo officer 李娜 (HPL) logged nothing: listed, short of every target of her room.
  const lina = r.officers.find((o) => (o as unknown as { name: string }).name === '李娜')!;
  expect(lina.workLog).toMatchObject({ total: 0, belowTarget: ['household_visit', 'patrol'] });
});

it("shows an officer only their own figures, and a room's page only that room", async () => {
  const own = await report(zhang);
  expect(own.officers.map((o) => o.id)).toEqual([zhang.id]);
  expect(own.rooms.map((x) => x.code)).toEqual(['HPL']);
  const byOfficer = await report(chief, `&officer=${liu.id}`);
  expect(byOfficer.workLog.totals).toMatchObject({ total: 2, belowTarget: ['household_visit'] });
  const lsc = await report(chief, '&room=LSC');
  expect(lsc.workLog.totals).toMatchObject({ total: 3, counts: { household_visit: 2, mediation: 1 } });
  expect(lsc.officers.map((o) => o.id).sort()).toEqual(expect.arrayContaining([wang.id, liu.id]));
  // 刘军军's figures on the LSC page are his LSC work only.
  expect(lsc.officers.find((o) => o.id === liu.id)!.workLog.counts).toMatchObject({ mediation: 1, publicity: 0 });
});

it('puts the work-log counts and targets beside the other figures in the CSV', async () => {
  const rooms = await csv(chief, 'rooms');
  const col = (name: string) => rooms.header.indexOf(name);
  expect(col('满意率(%)')).toBeGreaterThan(0);
  expect(col('工作日志-入户走访')).toBeGreaterThan(col('满意率(%)'));
  const hpl = rooms.rows.find((row) => row[2] === 'HPL')!;
  expect([hpl[col('工作日志-入户走访')], hpl[col('工作日志-入户走访目标')], hpl[col('工作日志-宣传发动目标')], hpl[col('工作日志合计')], hpl[col('工作日志未达标项')]]).toEqual(['2', '3', '', '4', '入户走访']);
  const officers = await csv(chief, 'officers');
  const ocol = (name: string) => officers.header.indexOf(name);
  const zw = officers.rows.find((row) => row[1] === '张伟伟')!;
  expect([zw[ocol('工作日志-治安巡逻')], zw[ocol('工作日志-治安巡逻目标')], zw[ocol('工作日志未达标项')]]).toEqual(['2', '2', '入户走访']);
  const summary = await csv(chief, 'summary');
  expect(summary.rows[0][summary.header.indexOf('工作日志合计')]).toBe('8');
});

it('follows the targets the admin sets', async () => {
  await admin.agent.put('/api/work-log/targets/urban').set('X-CSRF-Token', admin.csrf).send({ targets: { household_visit: 2 } }).expect(200);
  const r = await report(chief);
  expect(r.rooms.find((x) => x.code === 'HPL')!.workLog).toMatchObject({ targets: { household_visit: 2, patrol: null }, belowTarget: [] });
});
