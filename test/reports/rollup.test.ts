import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import pino from 'pino';
import { generateCode } from '../../src/lib/codes';
import { ItemClaimModel, type ClaimAction } from '../../src/modules/inbox/item-claim.model';
import { ItemModel } from '../../src/modules/items/item.model';
import { count, loadFigures, type CountKey, type Figures, type StoredFigures } from '../../src/modules/reports/figures';
import { histogramCount, histogramQuantile, HISTOGRAM_RELATIVE_ERROR } from '../../src/modules/reports/histogram';
import { ReportDayMarkModel, ReportDayModel, ReportLiveModel, ReportMonthModel, ReportTrendModel } from '../../src/modules/reports/rollup.model';
import { rebuildAllRollups, rollupDay, runRollups } from '../../src/modules/reports/rollup.service';
import { RoomModel } from '../../src/modules/rooms/room.model';
import { RatingModel, SurveyModel, type RatingValue } from '../../src/modules/surveys/survey.model';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The rollups behind the monthly assessment (月考核), called directly with a few rooms, items,
 * transitions and survey answers written straight into the real database: what a supervisor
 * reads per day, per room and per officer; Beijing calendar days; the month and trend documents;
 * the nightly job's catch-up; re-runs and a second instance; and a rebuild that agrees with the
 * nightly rollups after later claims, reopens and late answers. (The same, driven through the
 * inbox services, is test/reports/rollup-events.test.ts; the report on top, assessment.test.ts.)
 */
const ZONE = 'Asia/Shanghai';
const bj = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const MIN = 60_000;
const O1 = new Types.ObjectId().toHexString();
const O2 = new Types.ObjectId().toHexString();

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:30', close: '17:30' }));
  const room = (code: string, district: string, openingHours: unknown[] = []) => ({
    code,
    name: `${code} 警务室`,
    type: 'urban',
    district,
    districtName: `${district} 分局`,
    address: '测试路 1 号',
    phone: '021-00000000',
    areas: [],
    hoursText: '周一至周五 8:30–17:30',
    openingHours,
    description: '',
    active: true,
  });
  await RoomModel.collection.insertMany([room('HPL', 'XH', weekdays), room('LSC', 'XH'), room('PDA', 'PD')]);
});
afterAll(async () => db.stop());

beforeEach(async () => {
  for (const model of [ItemModel, ItemClaimModel, SurveyModel, RatingModel, ReportDayModel, ReportDayMarkModel, ReportMonthModel, ReportTrendModel, ReportLiveModel]) {
    await model.collection.deleteMany({});
  }
});

// ------------------------------------------------------------------ raw records, as the services write them

interface Step {
  action: ClaimAction;
  at: string;
  officer: string;
}
const claim = (at: string, officer: string): Step => ({ action: 'claim', at, officer });
const reply = (at: string, officer: string): Step => ({ action: 'reply', at, officer });
const resolve = (at: string, officer: string): Step => ({ action: 'resolve', at, officer });
const reopen = (at: string, officer: string): Step => ({ action: 'reopen', at, officer });

/**
 * An item and its transition log (ItemClaim, epoch by epoch) with the patches claims.service and
 * replies.service write; `later` appends later transitions, moving the item's mirror fields as
 * the services do, so a nightly rollup sees the item as it was that night.
 */
async function item(props: { room: string; kind?: string; created: string; dueMinutes?: number; steps?: Step[] }) {
  const _id = new Types.ObjectId();
  const createdAt = bj(props.created);
  const kind = props.kind ?? 'question';
  const doc: Record<string, unknown> = {
    _id,
    code: generateCode(kind === 'tip' ? 'tip' : 'item'),
    room: props.room,
    kind,
    status: 'new',
    priority: 0,
    flagged: false,
    summary: '测试事项',
    service: null,
    labels: [],
    dueAt: new Date(createdAt.getTime() + (props.dueMinutes ?? 24 * 60) * MIN),
    assignee: null,
    claimEpoch: 0,
    leaseUntil: null,
    origin: null,
    anonymous: false,
    parentItem: null,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    reopenCount: 0,
    lastActivityAt: createdAt,
    createdAt,
    updatedAt: createdAt,
  };
  await ItemModel.collection.insertOne(doc as never);
  const later = async (...steps: Step[]) => {
    const claims = [];
    for (const s of steps) {
      const now = bj(s.at);
      const officer = new Types.ObjectId(s.officer);
      const lease = new Date(now.getTime() + 30 * MIN);
      const patch: Record<string, unknown> =
        s.action === 'claim'
          ? { status: 'claimed', assignee: officer, leaseUntil: lease, lastActivityAt: now }
          : s.action === 'reply'
            ? { status: 'waiting', assignee: officer, leaseUntil: null, firstResponseAt: doc.firstResponseAt ?? now, lastActivityAt: now }
            : s.action === 'resolve'
              ? { status: 'resolved', resolvedAt: now, leaseUntil: null, lastActivityAt: now }
              : { status: 'claimed', assignee: officer, leaseUntil: lease, resolvedAt: null, closedAt: null, reopenCount: (doc.reopenCount as number) + 1, lastActivityAt: now };
      Object.assign(doc, patch);
      doc.claimEpoch = (doc.claimEpoch as number) + 1;
      claims.push({ item: _id, epoch: doc.claimEpoch, action: s.action, officer, patch, at: now });
    }
    await ItemClaimModel.collection.insertMany(claims);
    const { _id: _ignored, ...fields } = doc;
    await ItemModel.collection.updateOne({ _id }, { $set: fields });
  };
  if (props.steps?.length) await later(...props.steps);
  return { _id, later };
}

/** A satisfaction survey sent about an officer's work, answered (or not). */
async function survey(props: { room: string; officer: string | null; sent: string; rating?: RatingValue; answered?: string }) {
  const id = `item:${new Types.ObjectId().toHexString()}`;
  const sentAt = bj(props.sent);
  await SurveyModel.collection.insertOne({
    _id: id,
    subjectType: 'item',
    subjectId: id.slice(5),
    subjectCode: null,
    room: props.room,
    officer: props.officer,
    to: null,
    anonymous: false,
    tokenHash: 'x',
    outboxKey: null,
    sentAt,
    expiresAt: new Date(sentAt.getTime() + 72 * 60 * MIN),
    createdAt: sentAt,
    updatedAt: sentAt,
  } as never);
  const answer = (rating: RatingValue, answered: string) =>
    RatingModel.collection.insertOne({ _id: id, room: props.room, officer: props.officer, rating, via: 'token', answeredAt: bj(answered), sentAt } as never);
  if (props.rating) await answer(props.rating, props.answered!);
  return { answer };
}

// ------------------------------------------------------------------ reading what the report reads

type Lean<T> = T & { _id: string };
const dayDoc = (room: string, day: string) => ReportDayModel.findById(`${room}|${day}`).lean<Lean<{ district: string; day: string; month: string; entities: StoredFigures[]; builtAt: Date }>>();
const monthDoc = (district: string, month: string) =>
  ReportMonthModel.findById(`${district}|${month}`).lean<Lean<{ firstDay: string; throughDay: string; entities: StoredFigures[]; series: Array<{ room: string; recv: number[]; res: number[] }> }>>();

async function figures(room: string, day: string, officer: string | null): Promise<Figures | null> {
  const doc = await dayDoc(room, day);
  const e = doc?.entities.find((x) => (x.officer ?? null) === officer);
  return e ? loadFigures(e) : null;
}
function monthFigures(month: { entities: StoredFigures[] } | null, room: string, officer: string | null): Figures | null {
  const e = month?.entities.find((x) => x.room === room && (x.officer ?? null) === officer);
  return e ? loadFigures(e) : null;
}
/** The non-zero counts of one entity. */
const counts = (f: Figures | null) => (f ? (Object.fromEntries(Object.entries(f.c).filter(([, v]) => v)) as Partial<Record<CountKey, number>>) : null);
const pick = (f: Figures | null, ...keys: CountKey[]) => keys.map((k) => (f ? count(f, k) : 0));

function near(actual: number | null, seconds: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - seconds) / seconds).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
}

/** Every rollup document the reports read, without build times. */
async function snapshot() {
  const strip = (docs: unknown[]) => (docs as Array<Record<string, unknown>>).map(({ builtAt: _b, ...rest }) => rest).sort((x, y) => String(x._id).localeCompare(String(y._id)));
  return {
    days: strip(await ReportDayModel.find({}).lean()),
    months: strip(await ReportMonthModel.find({}).lean()),
    trends: strip(await ReportTrendModel.find({}).lean()),
  };
}
const marks = async () => (await ReportDayMarkModel.find({}).lean()).map((m) => ({ day: String(m._id), rooms: m.rooms, by: m.by })).sort((a, b) => a.day.localeCompare(b.day));
const nightly = (day: string, extra: { backfillDays?: number } = {}) => runRollups({ zone: ZONE, now: bj(`${day}T00:20`), backfillDays: 1, ...extra });

// Monday 2 March 2026 onwards (Beijing).
const D1 = '2026-03-02';
const D2 = '2026-03-03';
const D3 = '2026-03-04';

describe('one closed day', () => {
  it('stores per room and per officer what happened on that Beijing day: items, response times, SLA, satisfaction', async () => {
    // HPL: 张伟 (O1) takes A at 09:10, answers it at 09:30 and resolves it at 11:00 (due at 10:00: in time).
    await item({ room: 'HPL', created: `${D1}T09:00`, dueMinutes: 60, steps: [claim(`${D1}T09:10`, O1), reply(`${D1}T09:30`, O1), resolve(`${D1}T11:00`, O1)] });
    // A tip at 23:30 Beijing (15:30 UTC) is D1's; a question at 00:10 on D2 (still D1 in UTC) is not.
    await item({ room: 'HPL', kind: 'tip', created: `${D1}T23:30` });
    await item({ room: 'HPL', created: `${D2}T00:10` });
    // LSC: 王强 (O2) takes and resolves one without answering; due at 11:00, never answered: missed.
    await item({ room: 'LSC', created: `${D1}T10:00`, dueMinutes: 60, steps: [claim(`${D1}T10:05`, O2), resolve(`${D1}T12:00`, O2)] });
    // Satisfaction about O1: 满意 on D1, 基本满意 at 23:50 on D1, 不满意 at 00:05 on D2 (D2's).
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T11:00`, rating: 'satisfied', answered: `${D1}T12:00` });
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T11:01`, rating: 'basic', answered: `${D1}T23:50` });
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T11:02`, rating: 'unsatisfied', answered: `${D2}T00:05` });

    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const now = bj(`${D2}T00:20`);
    expect(await rollupDay(D1, { zone: ZONE, now, logger })).toEqual({ rooms: 2 });

    // One document per room with activity (PDA had none), under the Beijing day.
    expect((await ReportDayModel.find({}, { _id: 1 }).lean()).map((d) => d._id).sort()).toEqual([`HPL|${D1}`, `LSC|${D1}`]);
    const hpl = (await dayDoc('HPL', D1))!;
    expect(hpl).toMatchObject({ district: 'XH', day: D1, month: '2026-03', builtAt: now });
    // The room's own figures first, then its officers.
    expect(hpl.entities.map((e) => e.officer ?? null)).toEqual([null, O1]);
    expect(counts(await figures('HPL', D1, null))).toEqual({ recv_question: 1, recv_tip: 1, tip_recv: 1, res_question: 1, sla_due: 1, survey_sent: 3, sat_satisfied: 1, sat_basic: 1 });
    expect(counts(await figures('HPL', D1, O1))).toEqual({ recv_question: 1, res_question: 1, sla_due: 1, survey_sent: 3, sat_satisfied: 1, sat_basic: 1 });
    expect(counts(await figures('LSC', D1, O2))).toEqual({ recv_question: 1, res_question: 1, sla_due: 1, sla_breached: 1 });

    // Response times: first answer after 30 min, resolved after 2 h (calendar; HPL's opening hours: the same).
    const o1 = (await figures('HPL', D1, O1))!;
    near(histogramQuantile(o1.h.frtCal, 0.5), 30 * 60);
    near(histogramQuantile(o1.h.frtBiz, 0.5), 30 * 60);
    near(histogramQuantile(o1.h.resCal, 0.5), 2 * 3600);
    near(histogramQuantile(o1.h.resBiz, 0.5), 2 * 3600);
    // LSC was resolved after 2 h but never answered: no first-response time, no business hours (none set).
    const lsc = (await figures('LSC', D1, null))!;
    expect([histogramCount(lsc.h.frtCal), histogramCount(lsc.h.resCal), histogramCount(lsc.h.resBiz)]).toEqual([0, 1, 0]);

    // The day is marked done for every room, by the job.
    expect(await marks()).toEqual([{ day: D1, rooms: 2, by: 'job' }]);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; day: string; rooms: number }).map(({ msg, day, rooms }) => ({ msg, day, rooms }))).toEqual([
      { msg: 'report rollup: day built', day: D1, rooms: 2 },
    ]);
  });

  it('advances every district’s month and trend, including a district with nothing that day', async () => {
    await item({ room: 'HPL', created: `${D1}T09:00`, steps: [claim(`${D1}T09:10`, O1), resolve(`${D1}T10:00`, O1)] });
    await item({ room: 'HPL', kind: 'dispute', created: `${D1}T15:00` });
    await item({ room: 'LSC', kind: 'tip', created: `${D1}T23:59` });
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T10:00`, rating: 'satisfied', answered: `${D1}T10:30` });
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T10:01`, rating: 'unsatisfied', answered: `${D1}T11:00` });
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T10:02`, rating: 'basic', answered: `${D1}T11:00` });
    await survey({ room: 'HPL', officer: null, sent: `${D1}T10:03` });
    await rollupDay(D1, { zone: ZONE, now: bj(`${D2}T00:20`) });

    const xh = (await monthDoc('XH', '2026-03'))!;
    expect([xh.firstDay, xh.throughDay]).toEqual([D1, D1]);
    // Rooms in order, each room's total before its officers.
    expect(xh.entities.map((e) => [e.room, e.officer ?? null])).toEqual([['HPL', null], ['HPL', O1], ['LSC', null]]);
    expect(counts(monthFigures(xh, 'HPL', O1))).toEqual({ recv_question: 1, res_question: 1, survey_sent: 3, sat_satisfied: 1, sat_basic: 1, sat_unsatisfied: 1 });
    // The daily chart: items received and resolved per day of March (31 days), all kinds together.
    expect(xh.series.map((s) => s.room)).toEqual(['HPL', 'LSC']);
    const hplSeries = xh.series.find((s) => s.room === 'HPL')!;
    expect(hplSeries.recv).toEqual([0, 2, ...new Array(29).fill(0)]);
    expect(hplSeries.res).toEqual([0, 1, ...new Array(29).fill(0)]);
    expect(xh.series.find((s) => s.room === 'LSC')!.recv).toEqual([0, 1, ...new Array(29).fill(0)]);

    // The 12-month trend: received, resolved, surveys sent and the three answers.
    const trend = await ReportTrendModel.findById('XH|2026-03').lean();
    expect(trend).toMatchObject({ district: 'XH', month: '2026-03', firstDay: D1, throughDay: D1 });
    expect(trend!.entries.map(({ room, officer, recv, res, sent, s, b, u }) => ({ room, officer: officer ?? null, recv, res, sent, s, b, u }))).toEqual([
      { room: 'HPL', officer: null, recv: 2, res: 1, sent: 4, s: 1, b: 1, u: 1 },
      { room: 'HPL', officer: O1, recv: 1, res: 1, sent: 3, s: 1, b: 1, u: 1 },
      { room: 'LSC', officer: null, recv: 1, res: 0, sent: 0, s: 0, b: 0, u: 0 },
    ]);

    // PD had nothing: its month still says it holds D1 (the report will not recompute the day), empty.
    expect(await monthDoc('PD', '2026-03')).toMatchObject({ firstDay: D1, throughDay: D1, entities: [], series: [] });
    expect(await ReportTrendModel.findById('PD|2026-03').lean()).toMatchObject({ throughDay: D1, entries: [] });
  });

  it('refuses a day that is not over in Beijing yet, and writes nothing', async () => {
    await item({ room: 'HPL', created: `${D1}T09:00` });
    await expect(rollupDay(D1, { zone: ZONE, now: new Date(bj(`${D2}T00:00`).getTime() - 1) })).rejects.toThrow(/not over yet/);
    expect([await ReportDayModel.countDocuments(), await ReportMonthModel.countDocuments(), await ReportDayMarkModel.countDocuments()]).toEqual([0, 0, 0]);
    // At midnight Beijing the day is over (16:00 UTC: the UTC day is not).
    await rollupDay(D1, { zone: ZONE, now: bj(`${D2}T00:00`) });
    expect(count((await figures('HPL', D1, null))!, 'recv_question')).toBe(1);
  });

  it('puts a room that is no longer listed under an unknown district rather than losing it', async () => {
    await item({ room: 'OLD', created: `${D1}T09:00` });
    await rollupDay(D1, { zone: ZONE, now: bj(`${D2}T00:20`) });
    expect(await dayDoc('OLD', D1)).toMatchObject({ district: '_' });
    const unknown = await monthDoc('_', '2026-03');
    expect(counts(monthFigures(unknown, 'OLD', null))).toEqual({ recv_question: 1 });
    expect((await monthDoc('XH', '2026-03'))!.entities).toEqual([]);
  });
});

describe('days into months', () => {
  it('adds each day to the month once: re-runs and three instances at once change nothing', async () => {
    for (const [day, n] of [[D1, 1], [D2, 2], [D3, 3]] as const) {
      for (let k = 0; k < n; k++) await item({ room: 'HPL', created: `${day}T09:0${k}`, dueMinutes: 60 });
    }
    await item({ room: 'LSC', created: `${D2}T09:00`, dueMinutes: 60, steps: [claim(`${D2}T09:30`, O2), resolve(`${D2}T10:00`, O2)] });
    const roll = (day: string) => rollupDay(day, { zone: ZONE, now: bj('2026-03-07T08:00') });
    await roll(D1);
    await roll(D2);
    const month = async () => {
      const m = (await monthDoc('XH', '2026-03'))!;
      return { firstDay: m.firstDay, throughDay: m.throughDay, hpl: pick(monthFigures(m, 'HPL', null), 'recv_question', 'res_question'), lsc: pick(monthFigures(m, 'LSC', O2), 'recv_question', 'res_question'), series: m.series.map((s) => [s.room, s.recv.slice(0, 4), s.res.slice(0, 4)]) };
    };
    const afterTwo = {
      firstDay: D1,
      throughDay: D2,
      hpl: [3, 0],
      lsc: [1, 1],
      series: [['HPL', [0, 1, 2, 0], [0, 0, 0, 0]], ['LSC', [0, 0, 1, 0], [0, 0, 1, 0]]],
    };
    expect(await month()).toEqual(afterTwo);
    const before = await snapshot();

    // A resumed or repeated run of either day: the same documents, the month not counted twice.
    await roll(D2);
    await roll(D1);
    expect(await month()).toEqual(afterTwo);
    expect(await snapshot()).toEqual(before);

    // Three instances rolling up each of the next days at once (a run taken over while the old holder still writes).
    const next = [D3, '2026-03-05', '2026-03-06'];
    for (const day of next) await Promise.all([roll(day), roll(day), roll(day)]);
    expect(await month()).toMatchObject({ throughDay: '2026-03-06', hpl: [6, 0], series: [['HPL', [0, 1, 2, 3], [0, 0, 0, 0]], ['LSC', [0, 0, 1, 0], [0, 0, 1, 0]]] });
    expect((await ReportDayModel.find({}, { _id: 1 }).lean()).map((d) => d._id).sort()).toEqual([`HPL|${D1}`, `HPL|${D2}`, `HPL|${D3}`, `LSC|${D2}`]);
    expect(await marks()).toEqual([D1, D2, ...next].map((day) => ({ day, rooms: day === D2 ? 2 : day === D1 || day === D3 ? 1 : 0, by: 'job' })));
  });

  it('a re-run of a day replaces its room documents with what the records say now (late imports), once in the month', async () => {
    await item({ room: 'HPL', created: `${D1}T09:00` });
    await rollupDay(D1, { zone: ZONE, now: bj(`${D2}T00:20`) });
    // Records of D1 imported afterwards: one more for HPL, a first one for LSC.
    await item({ room: 'HPL', created: `${D1}T10:00` });
    await item({ room: 'LSC', created: `${D1}T11:00` });
    const rerun = bj(`${D2}T01:00`);
    expect(await rollupDay(D1, { zone: ZONE, now: rerun })).toEqual({ rooms: 2 });
    expect(await dayDoc('HPL', D1)).toMatchObject({ builtAt: rerun });
    expect(counts(await figures('HPL', D1, null))).toEqual({ recv_question: 2 });
    expect(counts(await figures('LSC', D1, null))).toEqual({ recv_question: 1 });
    expect(await marks()).toEqual([{ day: D1, rooms: 2, by: 'job' }]);
    // The month already holds D1: never merged twice.
    expect(counts(monthFigures(await monthDoc('XH', '2026-03'), 'HPL', null))).toEqual({ recv_question: 1 });
  });

  it('starts the month afresh after a gap (the report computes the missing days) and at a new month', async () => {
    await item({ room: 'HPL', created: `${D1}T09:00` });
    await item({ room: 'HPL', created: `${D3}T09:00` });
    await item({ room: 'HPL', created: '2026-03-31T23:30' });
    await item({ room: 'HPL', created: '2026-04-01T08:00' });
    const now = bj('2026-04-02T00:20');
    await rollupDay(D1, { zone: ZONE, now });
    await rollupDay(D3, { zone: ZONE, now }); // D2 skipped
    let march = (await monthDoc('XH', '2026-03'))!;
    expect([march.firstDay, march.throughDay, count(monthFigures(march, 'HPL', null)!, 'recv_question')]).toEqual([D3, D3, 1]);
    expect(march.series[0].recv.slice(0, 5)).toEqual([0, 0, 0, 1, 0]);

    await rollupDay('2026-03-31', { zone: ZONE, now });
    await rollupDay('2026-04-01', { zone: ZONE, now });
    march = (await monthDoc('XH', '2026-03'))!;
    expect([march.firstDay, march.throughDay]).toEqual(['2026-03-31', '2026-03-31']);
    expect(march.series[0].recv[30]).toBe(1);
    const april = (await monthDoc('XH', '2026-04'))!;
    expect([april.firstDay, april.throughDay, count(monthFigures(april, 'HPL', null)!, 'recv_question')]).toEqual(['2026-04-01', '2026-04-01', 1]);
    expect(april.series[0].recv).toEqual([1, ...new Array(29).fill(0)]);
  });
});

describe('the nightly job (runRollups)', () => {
  it('backfills, then catches up from the last day rolled up, a few days per run, oldest first', async () => {
    await item({ room: 'HPL', created: `${D2}T09:00`, dueMinutes: 60 });
    let beats = 0;
    const heartbeat = async () => {
      beats++;
    };
    // No rollups yet: the last 3 closed days.
    expect(await runRollups({ zone: ZONE, now: bj('2026-03-06T00:20'), backfillDays: 3, heartbeat })).toEqual({ days: [D2, D3, '2026-03-05'] });
    expect(beats).toBe(3);
    expect(await marks()).toEqual([
      { day: '2026-03-03', rooms: 1, by: 'job' },
      { day: '2026-03-04', rooms: 0, by: 'job' },
      { day: '2026-03-05', rooms: 0, by: 'job' },
    ]);
    // Later the same night: nothing left to do.
    expect(await runRollups({ zone: ZONE, now: bj('2026-03-06T03:00') })).toEqual({ days: [] });
    // After three nights without the job: two days per run, from where it stopped.
    expect(await runRollups({ zone: ZONE, now: bj('2026-03-09T00:20'), maxDays: 2 })).toEqual({ days: ['2026-03-06', '2026-03-07'] });
    expect(await runRollups({ zone: ZONE, now: bj('2026-03-09T00:25'), maxDays: 2 })).toEqual({ days: ['2026-03-08'] });
    // A day rolled up out of order (by hand) does not send the job back.
    await rollupDay(D1, { zone: ZONE, now: bj('2026-03-09T00:30') });
    expect(await runRollups({ zone: ZONE, now: bj('2026-03-10T00:20') })).toEqual({ days: ['2026-03-09'] });
  });

  it('starts 31 days back by default and takes at most 62 days per run', async () => {
    expect((await runRollups({ zone: ZONE, now: bj('2026-04-01T00:20') })).days).toEqual(Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`));
    await ReportDayMarkModel.collection.deleteMany({ _id: { $ne: '2026-03-01' } } as never);
    const { days } = await runRollups({ zone: ZONE, now: bj('2026-05-15T00:20') });
    expect([days.length, days[0], days[61]]).toEqual([62, '2026-03-02', '2026-05-02']);
  });

  it('drops live caches more than two days old', async () => {
    const now = bj(`${D3}T00:20`);
    const live = (id: string, hoursAgo: number) => ({ _id: id, district: 'XH', from: now, to: now, open: true, computedAt: new Date(now.getTime() - hoursAgo * 3600_000), days: [] });
    await ReportLiveModel.collection.insertMany([live('old', 49), live('recent', 47)] as never[]);
    await nightly(D3);
    expect((await ReportLiveModel.find({}, { _id: 1 }).lean()).map((d) => d._id)).toEqual(['recent']);
  });
});

describe('the nightly rollups and a rebuild agree', () => {
  it('after a claim two days late, resolve → reopen → resolve, and a late answer', async () => {
    // D1: X arrives and waits; Y is taken, answered and resolved by 王强 (O2); his survey goes out.
    const x = await item({ room: 'HPL', created: `${D1}T09:00`, dueMinutes: 60 });
    const y = await item({ room: 'HPL', created: `${D1}T10:00`, dueMinutes: 60, steps: [claim(`${D1}T10:10`, O2), reply(`${D1}T10:20`, O2), resolve(`${D1}T11:00`, O2)] });
    const ySurvey = await survey({ room: 'HPL', officer: O2, sent: `${D1}T11:00` });
    await item({ room: 'OLD', created: `${D1}T12:00`, dueMinutes: 60 });
    expect(await nightly(D2)).toEqual({ days: [D1] });

    // D2: 张伟 (O1) reopens Y and resolves it again; the resident rates 王强 a day late; LSC gets one.
    await y.later(reopen(`${D2}T09:00`, O1), resolve(`${D2}T10:00`, O1));
    await ySurvey.answer('satisfied', `${D2}T08:00`);
    await item({ room: 'LSC', created: `${D2}T14:00`, dueMinutes: 60 });
    await nightly(D3);

    // D3 (D1 + 2): 张伟 finally takes X, answers and resolves it.
    await x.later(claim(`${D3}T10:00`, O1), reply(`${D3}T10:05`, O1), resolve(`${D3}T11:00`, O1));
    await item({ room: 'PDA', created: `${D3}T16:00`, dueMinutes: 60 });
    await nightly('2026-03-05');

    const nightlySnap = await snapshot();
    // Stale documents from before are gone after a rebuild.
    await ReportDayModel.collection.insertOne({ _id: 'HPL|2026-02-27', room: 'HPL', district: 'XH', day: '2026-02-27', month: '2026-02', entities: [], builtAt: new Date() } as never);
    await ReportLiveModel.collection.insertOne({ _id: 'XH|x|y', district: 'XH', from: new Date(), to: new Date(), open: true, computedAt: bj(`${D3}T23:00`), days: [] } as never);
    const rebuilt = await rebuildAllRollups({ zone: ZONE, now: bj('2026-03-05T09:00'), since: D1 });
    expect(rebuilt).toEqual({ days: 3, dayDocs: 6, months: 3 });
    expect(await snapshot()).toEqual(nightlySnap);
    expect(await ReportLiveModel.countDocuments()).toBe(0);
    expect(await marks()).toEqual([D1, D2, D3].map((day, i) => ({ day, rooms: [2, 2, 2][i], by: 'rebuild' })));

    // What a supervisor reads, credited to whoever did it on the day it was done.
    // D1: two received; X waits (nobody's); 王强 took Y and resolved it; X's due time passed unanswered.
    expect(counts(await figures('HPL', D1, null))).toEqual({ recv_question: 2, res_question: 1, sla_due: 2, sla_breached: 1, survey_sent: 1 });
    expect(counts(await figures('HPL', D1, O2))).toEqual({ recv_question: 1, res_question: 1, sla_due: 1, survey_sent: 1 });
    expect(await figures('HPL', D1, O1)).toBeNull();
    // D2: 张伟 took Y on by reopening it and resolved it (a second resolution, on its own day); the late 满意 is 王强's.
    expect(counts(await figures('HPL', D2, O1))).toEqual({ recv_question: 1, res_question: 1, reopened: 1 });
    expect(counts(await figures('HPL', D2, O2))).toEqual({ sat_satisfied: 1 });
    expect(pick(await figures('HPL', D2, null), 'recv_question', 'res_question', 'reopened', 'sat_satisfied')).toEqual([0, 1, 1, 1]);
    // D3: X taken on and resolved by 张伟; first answered 2 days 65 minutes after it arrived.
    const d3o1 = (await figures('HPL', D3, O1))!;
    expect(counts(d3o1)).toEqual({ recv_question: 1, res_question: 1 });
    near(histogramQuantile(d3o1.h.frtCal, 0.5), 2 * 86_400 + 65 * 60);
    // The month: Y's two resolutions on their two days, X's one; per officer as per day.
    const xh = (await monthDoc('XH', '2026-03'))!;
    expect(pick(monthFigures(xh, 'HPL', null), 'recv_question', 'res_question', 'reopened')).toEqual([2, 3, 1]);
    expect(pick(monthFigures(xh, 'HPL', O1), 'recv_question', 'res_question', 'reopened')).toEqual([2, 2, 1]);
    expect(pick(monthFigures(xh, 'HPL', O2), 'recv_question', 'res_question', 'sat_satisfied')).toEqual([1, 1, 1]);
    expect(xh.series.find((s) => s.room === 'HPL')!.res.slice(0, 5)).toEqual([0, 1, 1, 1, 0]);
    expect(counts(monthFigures(await monthDoc('_', '2026-03'), 'OLD', null))).toEqual({ recv_question: 1, sla_due: 1, sla_breached: 1 });
    expect(counts(monthFigures(await monthDoc('PD', '2026-03'), 'PDA', null))).toEqual({ recv_question: 1, sla_due: 1, sla_breached: 1 });
  });

  it('a rebuild without a first day starts at the earliest record, whatever order the records are read in', async () => {
    // Items are read before surveys: the survey of D1 comes after the item of D2.
    await item({ room: 'HPL', created: `${D2}T09:00`, dueMinutes: 60 });
    await survey({ room: 'HPL', officer: O1, sent: `${D1}T15:00` });
    await rebuildAllRollups({ zone: ZONE, now: bj(`${D3}T09:00`) });
    expect((await marks()).map((m) => m.day)).toEqual([D1, D2]);
    expect(counts(await figures('HPL', D1, O1))).toEqual({ survey_sent: 1 });
  });

  it('a rebuild starts at the first record (or yesterday on an empty database) and leaves today alone', async () => {
    const rebuild = (now: string) => rebuildAllRollups({ zone: ZONE, now: bj(now) });
    expect(await rebuild(`${D3}T09:00`)).toEqual({ days: 1, dayDocs: 0, months: 2 });
    expect(await marks()).toEqual([{ day: D2, rooms: 0, by: 'rebuild' }]);
    expect(await monthDoc('PD', '2026-03')).toMatchObject({ firstDay: D2, throughDay: D2, entities: [] });

    await item({ room: 'LSC', created: `${D2}T23:30`, dueMinutes: 20 });
    await item({ room: 'HPL', created: `${D3}T08:00`, dueMinutes: 60 }); // today: not over
    expect(await rebuild(`${D3}T09:00`)).toEqual({ days: 1, dayDocs: 1, months: 2 });
    expect(await marks()).toEqual([{ day: D2, rooms: 1, by: 'rebuild' }]);
    expect(await dayDoc('HPL', D3)).toBeNull();
    // Two days later: D2 (the first record) to yesterday, empty days included.
    expect(await rebuild('2026-03-06T09:00')).toEqual({ days: 3, dayDocs: 2, months: 2 });
    expect((await marks()).map((m) => m.day)).toEqual([D2, D3, '2026-03-05']);
    // Nothing to rebuild when the first day asked for is not over.
    expect(await rebuildAllRollups({ zone: ZONE, now: bj('2026-03-06T09:00'), since: '2026-03-06' })).toEqual({ days: 0, dayDocs: 0, months: 0 });
    expect(await marks()).toEqual([]);
  });
});
