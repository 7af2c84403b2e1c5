import type Koa from 'koa';
import request from 'supertest';
import { compileBusinessClock } from '../../src/modules/reports/business-hours';
import { nearestRank } from '../../src/modules/reports/report-math';
import { clearReportMemo } from '../../src/http/routes/reports';
import { buildMonthlyReport, refreshLiveCaches, type MonthlyReport, type ReportSettings } from '../../src/modules/reports/report.service';
import { ReportDayMarkModel, ReportDayModel, ReportLiveModel, ReportMonthModel, ReportTrendModel } from '../../src/modules/reports/rollup.model';
import { rebuildAllRollups, runRollups } from '../../src/modules/reports/rollup.service';
import { RoomModel } from '../../src/modules/rooms/room.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { HISTOGRAM_RELATIVE_ERROR } from '../../src/modules/reports/histogram';
import { claimAndRun, createJobEnv } from '../../src/modules/notices';
import { reportLiveJob, reportRollupJob } from '../../src/jobs/report.job';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { aItems, at, buildFixture } from './fixture';

const ZONE = 'Asia/Shanghai';
const NOW = at('2024-06-20T10:00:00');
const settings: ReportSettings = { zone: ZONE, targetPercent: 90, liveMaxAgeMs: 0 };

let db: TestDatabase;
let app: Koa;
let o1: { id: string };
let o2: { id: string };

function within(actual: number | null, exact: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
}

const districtReport = (month = '2024-05') => buildMonthlyReport({ month, focus: { type: 'overview' }, scope: { rooms: 'all', officers: 'all' }, now: NOW, settings });

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  o1 = await createOfficer({ username: 'zw_hpl', name: '张伟', rooms: ['HPL'], district: 'XH' });
  o2 = await createOfficer({ username: 'wq_lsc', name: '王强', rooms: ['LSC'], district: 'XH' });
  await createOfficer({ username: 'chen_xh', role: 'supervisor', district: 'XH' });
  await createOfficer({ username: 'sup_yy', role: 'supervisor', district: 'YY' });
  await createOfficer({ username: 'root_admin', role: 'admin' });
  await buildFixture({ o1: o1.id, o2: o2.id });
  app = buildTestApp().app as unknown as Koa;
});

afterAll(async () => {
  await db.stop();
});

function checkMay(report: MonthlyReport) {
  const hpl = report.rooms.find((r) => r.code === 'HPL')!;
  const lsc = report.rooms.find((r) => r.code === 'LSC')!;
  // received: A1–A10, B1, C1; resolved: A1–A10, B2
  expect(hpl.items.received).toBe(12);
  expect(hpl.items.receivedByKind).toEqual({ question: 8, tip: 2, dispute: 1, complaint: 1, emergency: 0, followup: 0 });
  expect(hpl.items.resolved).toBe(11);
  expect(hpl.tips).toEqual({ received: 2, resolved: 2, closed: 0 });
  // first responses in May: A1–A10 (10 … 100 min) and B2 (47 h): 11 values
  const frt = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => i * 600), 47 * 3600];
  expect(hpl.firstResponse.count).toBe(11);
  within(hpl.firstResponse.calendar.median, nearestRank(frt, 0.5)!); // 60 min
  within(hpl.firstResponse.calendar.p90, nearestRank(frt, 0.9)!); // 100 min
  expect(nearestRank(frt, 0.5)).toBe(3600);
  // SLA: due in May: A1–A10, B2, C1 = 12; missed: A7, A8, B2, C1 = 4
  expect(hpl.sla).toEqual({ due: 12, breached: 4, breachRate: 4 / 12 });
  expect(hpl.appointments).toEqual({ booked: 5, completed: 3, noShow: 1, cancelled: 1, noShowRate: 0.25 });
  // Satisfaction: exactly 90 % is not flagged; 80 % is
  expect(hpl.surveys).toMatchObject({ sent: 26, answered: 20, satisfied: 15, basic: 3, unsatisfied: 2 });
  expect(hpl.satisfaction).toEqual({ rate: 0.9, percent: 90, flagged: false });
  expect(lsc.surveys).toMatchObject({ sent: 12, answered: 10, satisfied: 7, basic: 1, unsatisfied: 2 });
  expect(lsc.satisfaction).toEqual({ rate: 0.8, percent: 80, flagged: true });
  // ranked: HPL (90 %) before LSC (80 %); rooms without answers after, unranked
  expect(report.rooms.map((r) => r.code).slice(0, 2)).toEqual(['HPL', 'LSC']);
  expect(report.rooms.map((r) => r.rank)).toEqual([1, 2, null, null]);

  const officer = report.officers.find((o) => o.id === o1.id)!;
  expect(officer.items.received).toBe(11); // A1–A10, B1
  expect(officer.items.resolved).toBe(11);
  expect(officer.sla).toEqual({ due: 11, breached: 3, breachRate: 3 / 11 });
  expect(officer.appointments.completed).toBe(2);
  expect(officer.appointments.noShow).toBe(1);
  expect(officer.surveys).toMatchObject({ answered: 10, satisfied: 8, basic: 0, unsatisfied: 2 });
  expect(officer.satisfaction).toEqual({ rate: 0.8, percent: 80, flagged: true });

  expect(report.totals.items.received).toBe(12);
  expect(report.totals.surveys.answered).toBe(30);
  expect(report.totals.satisfaction.percent).toBe(86.7);
  expect(report.daily.received[5]).toBe(1); // 6 May
  expect(report.daily.received.reduce((s, v) => s + v, 0)).toBe(12);
  const april = report.trend.find((t) => t.month === '2024-04')!;
  const may = report.trend.find((t) => t.month === '2024-05')!;
  expect(may).toMatchObject({ answers: 30, percent: 86.7, flagged: true });
  expect(april.month).toBe('2024-04');
  return hpl;
}

function checkBusinessHours(report: MonthlyReport, openingHours: Array<{ weekday: number; open: string; close: string; breakStart?: string | null; breakEnd?: string | null }>) {
  const clock = compileBusinessClock(openingHours, ZONE);
  const firsts = aItems(o1.id).map((i) => clock(i.createdAt, i.firstResponseAt!)!);
  firsts.push(clock(at('2024-04-30T10:00:00'), at('2024-05-02T09:00:00'))!);
  const resolutions = aItems(o1.id).map((i) => clock(i.createdAt, i.resolvedAt!)!);
  resolutions.push(clock(at('2024-04-30T10:00:00'), at('2024-05-02T11:00:00'))!);
  const calRes = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => i * 7200), 49 * 3600];
  const hpl = report.rooms.find((r) => r.code === 'HPL')!;
  within(hpl.firstResponse.business.median, nearestRank(firsts, 0.5)!);
  within(hpl.firstResponse.business.p90, nearestRank(firsts, 0.9)!);
  within(hpl.resolution.business.median, nearestRank(resolutions, 0.5)!);
  within(hpl.resolution.business.p90, nearestRank(resolutions, 0.9)!);
  within(hpl.resolution.calendar.median, nearestRank(calRes, 0.5)!);
  within(hpl.resolution.calendar.p90, nearestRank(calRes, 0.9)!);
  // A resolution of 10 h from 09:00 on a weekday is 6.5 h of opening time (09:00–12:00, 14:00–17:30)
  expect(clock(at('2024-05-17T09:00:00'), at('2024-05-17T19:00:00'))).toBe(6.5 * 3600);
}

const stripBuilt = <T extends { builtAt?: unknown }>(docs: T[]) => docs.map(({ builtAt: _b, ...rest }) => rest).sort((a, b) => String((a as unknown as { _id: string })._id).localeCompare(String((b as unknown as { _id: string })._id)));

describe('the monthly assessment on a hand-built month', () => {
  let hours: Array<{ weekday: number; open: string; close: string; breakStart?: string | null; breakEnd?: string | null }>;

  beforeAll(async () => {
    const room = await RoomModel.findOne({ code: 'HPL' }).lean();
    hours = room!.openingHours.map((p) => ({ weekday: p.weekday, open: p.open, close: p.close, breakStart: p.breakStart, breakEnd: p.breakEnd }));
  });

  it('computes exact figures from raw records before any rollup exists', async () => {
    const report = await districtReport();
    expect(report.coverage.rolledUpThrough).toBeNull();
    checkMay(report);
    checkBusinessHours(report, hours);
  });

  it('gives the same figures from the scheduled daily rollups, adding the open day live', async () => {
    const { days } = await runRollups({ zone: ZONE, now: NOW, backfillDays: 71, maxDays: 100 }); // from 10 April
    expect(days[0]).toBe('2024-04-10');
    expect(days[days.length - 1]).toBe('2024-06-19');
    const report = await districtReport();
    expect(report.coverage.rolledUpThrough).toBe('2024-05-31');
    checkMay(report);
    checkBusinessHours(report, hours);
    const april = report.trend.find((t) => t.month === '2024-04')!;
    expect(april).toMatchObject({ answers: 1, percent: 100, flagged: false });

    const june = await districtReport('2024-06');
    expect(june.coverage.rolledUpThrough).toBe('2024-06-19');
    expect(june.coverage.liveFrom).toBe('2024-06-20');
    const hplJune = june.rooms.find((r) => r.code === 'HPL')!;
    expect(hplJune.items.received).toBe(1); // the item of 20 June, from the live day
    expect(hplJune.surveys.answered).toBe(1); // answered 1 June to a May survey
    expect(hplJune.firstResponse.count).toBe(1); // B1
    // The live-refresh job caches the open day; a report then reads the cache instead of raw records.
    expect(await refreshLiveCaches(NOW, settings)).toBe(1);
    const cached = await ReportLiveModel.findById('XH|2024-06-20|open').lean();
    expect(cached?.days.map((d) => d.day)).toEqual(['2024-06-20']);
    const fromCache = await buildMonthlyReport({ month: '2024-06', focus: { type: 'overview' }, scope: { rooms: 'all', officers: 'all' }, now: new Date(NOW.getTime() + 60_000), settings: { ...settings, liveMaxAgeMs: 3600_000 } });
    expect(fromCache.coverage.liveAsOf).toBe(NOW.toISOString());
    expect(fromCache.rooms).toEqual(june.rooms);
    // A second run the same day finds nothing left to do (each day is rolled up once).
    expect((await runRollups({ zone: ZONE, now: NOW })).days).toEqual([]);
  });

  it('rebuilds exactly the rollups the scheduled job built', async () => {
    const scheduled = {
      days: stripBuilt(await ReportDayModel.find({}).lean()),
      months: stripBuilt(await ReportMonthModel.find({}).lean()),
      trends: await ReportTrendModel.find({}).sort({ _id: 1 }).lean(),
      marks: (await ReportDayMarkModel.find({}).lean()).map((m) => m._id).sort(),
    };
    expect(scheduled.days.length).toBeGreaterThan(20);
    const result = await rebuildAllRollups({ zone: ZONE, now: NOW });
    expect(result.days).toBe(scheduled.marks.length);
    const rebuilt = {
      days: stripBuilt(await ReportDayModel.find({}).lean()),
      months: stripBuilt(await ReportMonthModel.find({}).lean()),
      trends: await ReportTrendModel.find({}).sort({ _id: 1 }).lean(),
      marks: (await ReportDayMarkModel.find({}).lean()).map((m) => m._id).sort(),
    };
    expect(rebuilt).toEqual(scheduled);
    checkMay(await districtReport());
  });
});

describe('GET /api/reports/monthly', () => {
  beforeEach(() => clearReportMemo());

  it('needs a signed-in officer', async () => {
    const res = await request(app.callback()).get('/api/reports/monthly?month=2024-05');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('shows an officer their rooms and their own figures, and nothing else', async () => {
    const { agent } = await login(app, 'zw_hpl');
    const own = await agent.get('/api/reports/monthly?month=2024-05');
    expect(own.status).toBe(200);
    expect(own.body.rooms.map((r: { code: string }) => r.code)).toEqual(['HPL']);
    expect(own.body.officers.map((o: { id: string }) => o.id)).toEqual([o1.id]);
    expect((await agent.get('/api/reports/monthly?month=2024-05&room=HPL')).status).toBe(200);
    expect((await agent.get('/api/reports/monthly?month=2024-05&room=LSC')).status).toBe(403);
    expect((await agent.get(`/api/reports/monthly?month=2024-05&officer=${o2.id}`)).status).toBe(403);
    const self = await agent.get(`/api/reports/monthly?month=2024-05&officer=${o1.id}`);
    expect(self.status).toBe(200);
    expect(self.body.totals.satisfaction).toEqual({ rate: 0.8, percent: 80, flagged: true });
    expect((await agent.get('/api/reports/monthly?month=2024-05&district=XH')).status).toBe(403);
  });

  it('shows a supervisor the district, and refuses another district', async () => {
    const xh = await login(app, 'chen_xh');
    const res = await xh.agent.get('/api/reports/monthly?month=2024-05');
    expect(res.status).toBe(200);
    expect(res.body.scope.district).toEqual({ code: 'XH', name: '新华区' });
    expect(res.body.rooms).toHaveLength(4);
    expect(res.body.rooms.find((r: { code: string }) => r.code === 'LSC').satisfaction.flagged).toBe(true);
    expect((await xh.agent.get(`/api/reports/monthly?month=2024-05&officer=${o2.id}`)).status).toBe(200);

    const yy = await login(app, 'sup_yy');
    expect((await yy.agent.get('/api/reports/monthly?month=2024-05&room=HPL')).status).toBe(403);
    expect((await yy.agent.get(`/api/reports/monthly?month=2024-05&officer=${o1.id}`)).status).toBe(403);
    expect((await yy.agent.get('/api/reports/monthly?month=2024-05&district=XH')).status).toBe(403);
    const empty = await yy.agent.get('/api/reports/monthly?month=2024-05');
    expect(empty.status).toBe(200);
    expect(empty.body.rooms).toEqual([]);
  });

  it('lets an admin see everything, and validates the query', async () => {
    const { agent } = await login(app, 'root_admin');
    const res = await agent.get('/api/reports/monthly?month=2024-05&room=LSC');
    expect(res.status).toBe(200);
    expect(res.body.totals.satisfaction.percent).toBe(80);
    expect((await agent.get('/api/reports/monthly?month=2024-13')).status).toBe(400);
    expect((await agent.get('/api/reports/monthly?month=2999-01')).status).toBe(400); // the future
    expect((await agent.get('/api/reports/monthly?room=NOPE')).status).toBe(404);
  });

  it('exports each table as UTF-8 CSV with a BOM, and charts as SVG', async () => {
    const { agent } = await login(app, 'chen_xh');
    for (const table of ['rooms', 'officers', 'kinds', 'trend', 'daily', 'summary']) {
      const res = await agent.get(`/api/reports/monthly.csv?month=2024-05&table=${table}`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const body = res.body as Buffer;
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = body.toString('utf8').slice(1);
      expect(text.split('\r\n')[0]).toContain(table === 'daily' ? '日期' : '月份');
      if (table === 'rooms') expect(text).toContain('HPL,和平里社区警务室,12,11');
    }
    const svg = await agent.get('/api/reports/chart/ranking.svg?month=2024-05');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect((await agent.get('/api/reports/chart/nope.svg?month=2024-05')).status).toBe(400);
  });
});

describe('the scheduled jobs', () => {
  it('claims each nightly rollup run once through the jobs framework', async () => {
    const { config, logger } = buildTestApp();
    const env = createJobEnv({ config, logger, now: () => at('2024-06-21T00:20:30') });
    const job = reportRollupJob();
    const [slot] = await job.slotsBetween(at('2024-06-21T00:00:00'), at('2024-06-21T00:21:00'), env);
    expect(slot.runKey).toBe('2024-06-21T00:20+08:00');
    expect(await claimAndRun(job, slot, env, 'instance-a')).toBe('ran');
    expect(await claimAndRun(job, slot, env, 'instance-b')).toBe('taken');
    expect(await ReportDayMarkModel.findById('2024-06-20').lean()).toMatchObject({ by: 'job' });
    const live = reportLiveJob();
    expect((await live.slotsBetween(at('2024-06-21T00:00:00'), at('2024-06-21T01:00:00'), env)).length).toBe(6); // every 10 minutes
  });
});

describe('the live figures cache', () => {
  it("is never filled with one room's figures: a supervisor who reads after a room's officer sees the whole district", async () => {
    // Nothing rolled up: the month is computed live and cached per district.
    for (const m of [ReportDayModel, ReportMonthModel, ReportLiveModel, ReportDayMarkModel, ReportTrendModel]) await (m as unknown as { deleteMany(f: object): Promise<unknown> }).deleteMany({});
    const cold = async () => {
      await ReportLiveModel.deleteMany({});
      clearReportMemo();
      return (await (await login(app, 'chen_xh')).agent.get('/api/reports/monthly?month=2024-05')).body as MonthlyReport;
    };
    const expected = await cold();
    await ReportLiveModel.deleteMany({});
    clearReportMemo();
    // A room's officer reads first (their report covers HPL only) …
    const roomView = await (await login(app, 'zw_hpl')).agent.get('/api/reports/monthly?month=2024-05');
    expect(roomView.status).toBe(200);
    clearReportMemo();
    // … then the supervisor, from the cache that read left behind.
    const after = (await (await login(app, 'chen_xh')).agent.get('/api/reports/monthly?month=2024-05')).body as MonthlyReport;
    const byCode = (report: MonthlyReport) => report.rooms.map((r) => `${r.code} ${r.items.received} ${r.items.resolved}`).sort();
    expect(byCode(after)).toEqual(byCode(expected));
    expect(after.totals).toEqual(expected.totals);
    // The room's own view differs from the district's, so the check above could tell them apart.
    expect((roomView.body as MonthlyReport).totals).not.toEqual(expected.totals);
  });
});
