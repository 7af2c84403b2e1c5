import { DateTime } from 'luxon';
import { claimItem, reopenItem, resolveItem, transferItem } from '../../src/modules/inbox/claims.service';
import { replyToItem } from '../../src/modules/inbox/replies.service';
import type { Actor, InboxSettings } from '../../src/modules/inbox/inbox.types';
import { createItem } from '../../src/modules/items/item.service';
import { count, loadFigures } from '../../src/modules/reports/figures';
import { ReportDayModel, ReportMonthModel, ReportTrendModel } from '../../src/modules/reports/rollup.model';
import { rebuildAllRollups, runRollups } from '../../src/modules/reports/rollup.service';
import { answerSurvey, requestSurvey, surveySettings } from '../../src/modules/surveys/survey.service';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The monthly figures come from facts recorded when they happen (an item's transitions, a
 * survey sent, an answer given), so the nightly rollup of day D (run at 00:20 on D+1) and a
 * rebuild days later agree, whatever happened to D's items afterwards: claimed on D+1 by another
 * officer, transferred, reopened and resolved again, rated late.
 */
const ZONE = 'Asia/Shanghai';
const t = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const clock = { now: t('2026-03-02T08:00') };
const settings: InboxSettings = { leaseMinutes: 30, now: () => clock.now };

let db: TestDatabase;
let o1: Actor;
let o2: Actor;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: false });
  const a = await createOfficer({ username: 'ev_o1', name: '张伟', rooms: ['HPL'], district: 'XH' });
  const b = await createOfficer({ username: 'ev_o2', name: '王强', rooms: ['HPL'], district: 'XH' });
  o1 = { id: a.id, name: '张伟', username: 'ev_o1', role: 'officer' };
  o2 = { id: b.id, name: '王强', username: 'ev_o2', role: 'officer' };
});
afterAll(async () => db.stop());

const at = async <T>(iso: string, fn: () => Promise<T>): Promise<T> => {
  clock.now = t(iso);
  return fn();
};
const nightly = (day: string) => at(`${day}T00:20`, () => runRollups({ zone: ZONE, now: clock.now, backfillDays: 1 }));

/** Everything the reports read, without the build times. */
async function snapshot() {
  const strip = <T extends { _id: unknown; builtAt?: unknown }>(docs: T[]) => docs.map(({ builtAt: _b, ...rest }) => rest).sort((x, y) => String(x._id).localeCompare(String(y._id)));
  return {
    days: strip(await ReportDayModel.find({}).lean()),
    months: strip(await ReportMonthModel.find({}).lean()),
    trends: strip((await ReportTrendModel.find({}).lean()) as Array<{ _id: string; builtAt?: unknown }>),
  };
}

function figuresOf(snap: Awaited<ReturnType<typeof snapshot>>, day: string, officer: string | null) {
  const doc = snap.days.find((d) => d._id === `HPL|${day}`);
  const e = doc?.entities.find((x) => (x.officer ?? null) === officer);
  return e ? loadFigures(e as never) : null;
}

it('the nightly rollups of each day equal a rebuild made after later claims, transfers, reopens and late survey answers', async () => {
  // Day 1 (Mon 2 March): four questions; 张伟 takes A and C, answers and resolves A; A's survey goes out.
  const [A, B, C, D] = await at('2026-03-02T09:00', () => Promise.all([1, 2, 3, 4].map((n) => createItem({ room: 'HPL', kind: 'question', text: `问题 ${n}：居住证怎么办理？`, now: clock.now }))));
  await at('2026-03-02T10:00', () => claimItem({ actor: o1, itemId: A._id, settings }));
  await at('2026-03-02T10:05', () => replyToItem({ actor: o1, itemId: A._id, text: '请带身份证到警务室办理。', settings }));
  await at('2026-03-02T10:30', () => claimItem({ actor: o1, itemId: C._id, settings }));
  await at('2026-03-02T11:00', () => resolveItem({ actor: o1, itemId: A._id, settings }));
  const { survey } = await at('2026-03-02T11:00', () => requestSurvey({ subject: { type: 'item', id: String(A._id) }, room: 'HPL', officerId: o1.id, now: clock.now, settings: surveySettings(testConfig()) } as never));
  await nightly('2026-03-03');

  // Day 2: 王强 takes B (received on day 1), C is transferred to him, A is reopened and resolved again by him;
  // the resident rates A a day late.
  await at('2026-03-03T09:00', () => claimItem({ actor: o2, itemId: B._id, settings }));
  await at('2026-03-03T09:10', () => transferItem({ actor: o1, itemId: C._id, targetOfficerId: o2.id, settings }));
  await at('2026-03-03T10:00', () => reopenItem({ actor: o2, itemId: A._id, settings }));
  await at('2026-03-03T10:30', () => resolveItem({ actor: o2, itemId: A._id, settings }));
  await at('2026-03-03T11:00', () => answerSurvey({ survey, rating: 'satisfied', via: 'token', now: clock.now, settings: surveySettings(testConfig()) }));
  await nightly('2026-03-04');

  // Day 3: D gets its (late) first answer from 张伟; 王强 resolves C; B is reopened... by nobody: it stays open.
  await at('2026-03-04T09:00', () => claimItem({ actor: o1, itemId: D._id, settings }));
  await at('2026-03-04T09:05', () => replyToItem({ actor: o1, itemId: D._id, text: '已转派出所。', settings }));
  await at('2026-03-04T15:00', () => resolveItem({ actor: o2, itemId: C._id, settings }));
  await nightly('2026-03-05');

  const nightlySnap = await snapshot();
  await at('2026-03-05T09:00', () => rebuildAllRollups({ zone: ZONE, now: clock.now, since: '2026-03-02' }));
  const rebuiltSnap = await snapshot();
  expect(rebuiltSnap).toEqual(nightlySnap);

  // And the figures say what happened, credited to whoever did it on the day they did it.
  const d1room = figuresOf(nightlySnap, '2026-03-02', null)!;
  expect(count(d1room, 'recv_question')).toBe(4);
  expect(count(d1room, 'res_question')).toBe(1);
  const d1o1 = figuresOf(nightlySnap, '2026-03-02', o1.id)!;
  expect([count(d1o1, 'recv_question'), count(d1o1, 'res_question')]).toEqual([2, 1]); // took A and C, resolved A
  expect(figuresOf(nightlySnap, '2026-03-02', o2.id)).toBeNull(); // 王强 did nothing on day 1
  const d2o2 = figuresOf(nightlySnap, '2026-03-03', o2.id)!;
  expect([count(d2o2, 'recv_question'), count(d2o2, 'res_question'), count(d2o2, 'reopened')]).toEqual([3, 1, 1]); // took B, C, A; resolved A again
  const d2room = figuresOf(nightlySnap, '2026-03-03', null)!;
  expect([count(d2room, 'res_question'), count(d2room, 'reopened'), count(d2room, 'sat_satisfied')]).toEqual([1, 1, 1]);
  // The late answer counts for the officer the survey was about, on the day it was given.
  expect(count(figuresOf(nightlySnap, '2026-03-03', o1.id)!, 'sat_satisfied')).toBe(1);
  // Due on day 2 at 09:00: A answered in time; B, C, D not answered by then: 3 of 4 missed.
  expect([count(d2room, 'sla_due'), count(d2room, 'sla_breached')]).toEqual([4, 3]);
});
