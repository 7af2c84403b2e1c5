import type { Logger } from '../../logging/logger';
import { isDuplicateKeyError } from '../../storage/unique-insert';
import { addDays, dayRange, dayStart, daysInMonth, localDay, monthOfDay } from './calendar';
import { addFigures, count, emptyFigures, entityKey, ITEM_KIND_KEYS, loadFigures, storeFigures, type DayFigures, type Figures, type StoredFigures } from './figures';
import {
  ReportDayMarkModel,
  ReportDayModel,
  ReportLiveModel,
  ReportMonthModel,
  ReportTrendModel,
  type ReportDayDoc,
  type ReportMonthDoc,
  type ReportTrendDoc,
} from './rollup.model';
import { accumulateRange, loadRooms, type RoomInfo } from './rollup.source';

/**
 * Building the rollups. One writer at a time: the daily job (its run is claimed exactly once by
 * the jobs framework) or the rebuild script (run with the scheduler stopped). Every write is a
 * deterministic replace, so a resumed run writes the same documents again, and the month
 * document records which days it holds (throughDay), so a day is never merged twice.
 */

const UNKNOWN_DISTRICT = '_';

export const receivedTotal = (f: Figures) => ITEM_KIND_KEYS.reduce((s, k) => s + count(f, `recv_${k}`), 0);
export const resolvedTotal = (f: Figures) => ITEM_KIND_KEYS.reduce((s, k) => s + count(f, `res_${k}`), 0);

/** One ReportDay document per room with any activity that day (pure). */
export function buildDayDocs(day: string, days: DayFigures, rooms: Map<string, RoomInfo>, builtAt: Date): ReportDayDoc[] {
  const byRoom = new Map<string, StoredFigures[]>();
  for (const e of days.get(day)?.values() ?? []) {
    const list = byRoom.get(e.room) ?? [];
    list.push(storeFigures(e.room, e.officer, e.f));
    byRoom.set(e.room, list);
  }
  return [...byRoom.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([room, entities]) => ({
      _id: `${room}|${day}`,
      room,
      district: rooms.get(room)?.district ?? UNKNOWN_DISTRICT,
      day,
      month: monthOfDay(day),
      entities: entities.sort((a, b) => (a.officer ?? '').localeCompare(b.officer ?? '')),
      builtAt,
    }));
}

/**
 * Adds one day's documents of a district to its month document (pure). `existing` must hold
 * the days up to the day before; anything else (no document yet, a gap) starts the month
 * document afresh at `day` — the report computes the days it does not hold from raw records.
 */
export function mergeDayIntoMonth(existing: ReportMonthDoc | null, district: string, day: string, dayDocs: ReportDayDoc[], builtAt: Date): ReportMonthDoc {
  const month = monthOfDay(day);
  const continues = existing !== null && existing.throughDay === addDays(day, -1) && existing.month === month;
  const entities = new Map<string, { room: string; officer: string | null; f: Figures }>();
  const series = new Map<string, { recv: number[]; res: number[] }>();
  const n = daysInMonth(month);
  if (continues) {
    for (const e of existing.entities) entities.set(entityKey(e.room, e.officer ?? null), { room: e.room, officer: e.officer ?? null, f: loadFigures(e) });
    for (const s of existing.series) series.set(s.room, { recv: [...s.recv], res: [...s.res] });
  }
  const index = Number(day.slice(8, 10)) - 1;
  for (const doc of dayDocs) {
    for (const e of doc.entities) {
      const key = entityKey(e.room, e.officer ?? null);
      const target = entities.get(key) ?? { room: e.room, officer: e.officer ?? null, f: emptyFigures() };
      const f = loadFigures(e);
      addFigures(target.f, f);
      entities.set(key, target);
      if (e.officer === null || e.officer === undefined) {
        const s = series.get(e.room) ?? { recv: new Array(n).fill(0), res: new Array(n).fill(0) };
        s.recv[index] += receivedTotal(f);
        s.res[index] += resolvedTotal(f);
        series.set(e.room, s);
      }
    }
  }
  return {
    _id: `${district}|${month}`,
    district,
    month,
    firstDay: continues ? existing.firstDay : day,
    throughDay: day,
    entities: [...entities.values()]
      .sort((a, b) => a.room.localeCompare(b.room) || (a.officer ?? '').localeCompare(b.officer ?? ''))
      .map((e) => storeFigures(e.room, e.officer, e.f)),
    series: [...series.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([room, s]) => ({ room, recv: s.recv, res: s.res })),
    builtAt,
  };
}

/** The small per-month numbers the 12-month trend reads (pure). */
export function trendFromMonth(m: ReportMonthDoc): ReportTrendDoc {
  return {
    _id: m._id,
    district: m.district,
    month: m.month,
    firstDay: m.firstDay,
    throughDay: m.throughDay,
    entries: m.entities.map((e) => {
      const f = loadFigures(e);
      return {
        room: e.room,
        officer: e.officer ?? null,
        recv: receivedTotal(f),
        res: resolvedTotal(f),
        sent: count(f, 'survey_sent'),
        s: count(f, 'sat_satisfied'),
        b: count(f, 'sat_basic'),
        u: count(f, 'sat_unsatisfied'),
      };
    }),
  };
}

/** Inserts documents by id; those that exist already (a resumed run) are replaced. */
async function putAll(model: typeof ReportDayModel | typeof ReportMonthModel | typeof ReportTrendModel, docs: Array<{ _id: string }>): Promise<void> {
  for (let i = 0; i < docs.length; i += 500) {
    const batch = docs.slice(i, i + 500);
    try {
      await model.collection.insertMany(batch as never[], { ordered: false });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const written = new Set<string>(Object.values((err as { insertedIds?: Record<string, string> }).insertedIds ?? {}).map(String));
      for (const doc of batch) if (!written.has(doc._id)) await model.collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
    }
  }
}

/**
 * Replaces a document by id, creating it when absent. Two writers at once (a run taken over while
 * the old holder still writes) may both try to create it: the loser's upsert fails on the unique
 * `_id` (FerretDB does not retry it), and the same replace, tried again, then updates the winner's copy.
 */
async function replaceById(model: typeof ReportMonthModel | typeof ReportTrendModel | typeof ReportDayMarkModel, doc: { _id: string }): Promise<void> {
  try {
    await model.collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await model.collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
  }
}

export interface RollupOptions {
  zone: string;
  now: Date;
  logger?: Logger;
  heartbeat?: () => Promise<void>;
}

/** Rolls up one closed day for every room, then advances every district's month document. */
export async function rollupDay(day: string, opts: RollupOptions & { by?: 'job' | 'rebuild' }): Promise<{ rooms: number }> {
  const from = dayStart(day, opts.zone);
  const to = dayStart(addDays(day, 1), opts.zone);
  if (to.getTime() > opts.now.getTime()) throw new Error(`day ${day} is not over yet`);
  const rooms = await loadRooms();
  const roomMap = new Map(rooms.map((r) => [r.code, r]));
  const acc = await accumulateRange({ from, to, zone: opts.zone, rooms });
  const builtAt = opts.now;
  const dayDocs = buildDayDocs(day, acc.days, roomMap, builtAt);
  await putAll(ReportDayModel, dayDocs);

  const districts = new Set<string>([...rooms.map((r) => r.district), ...dayDocs.map((d) => d.district)]);
  const month = monthOfDay(day);
  for (const district of [...districts].sort()) {
    const existing = await ReportMonthModel.findById(`${district}|${month}`).lean<ReportMonthDoc>();
    if (existing && existing.throughDay >= day && existing.firstDay <= day) continue; // already holds this day (resumed run)
    const merged = mergeDayIntoMonth(existing, district, day, dayDocs.filter((d) => d.district === district), builtAt);
    await replaceById(ReportMonthModel, merged);
    await replaceById(ReportTrendModel, trendFromMonth(merged));
  }
  await replaceById(ReportDayMarkModel, { _id: day, rooms: dayDocs.length, builtAt, by: opts.by ?? 'job' } as { _id: string });
  opts.logger?.info({ day, rooms: dayDocs.length }, 'report rollup: day built');
  return { rooms: dayDocs.length };
}

/** The last day rolled up, or null. */
export async function lastRolledUpDay(): Promise<string | null> {
  const marks = await ReportDayMarkModel.find({}, { _id: 1 }).lean();
  let last: string | null = null;
  for (const m of marks) if (last === null || String(m._id) > last) last = String(m._id);
  return last;
}

/**
 * What the daily job does: rolls up every closed day after the last one rolled up, oldest
 * first, at most `maxDays` per run (a long outage is caught up over a few runs). With no
 * rollups at all it starts `backfillDays` back; older history comes from scripts/rebuild-rollups.ts.
 */
export async function runRollups(opts: RollupOptions & { maxDays?: number; backfillDays?: number }): Promise<{ days: string[] }> {
  const yesterday = addDays(localDay(opts.now, opts.zone), -1);
  const last = await lastRolledUpDay();
  const first = last ? addDays(last, 1) : addDays(yesterday, -((opts.backfillDays ?? 31) - 1));
  const days = first <= yesterday ? dayRange(first, yesterday).slice(0, opts.maxDays ?? 62) : [];
  for (const day of days) {
    await rollupDay(day, { ...opts, by: 'job' });
    await opts.heartbeat?.();
  }
  // Live caches of ranges now covered by rollups are useless: drop those older than two days.
  await ReportLiveModel.deleteMany({ computedAt: { $lt: new Date(opts.now.getTime() - 2 * 86_400_000) } });
  return { days };
}

/**
 * Rebuilds every rollup from the raw records in one pass over each collection: all closed days
 * from the first record until yesterday. Replaces what was there. Same code path for figures
 * and merging as the daily job, so the result is identical to rolling the days up one by one.
 */
export async function rebuildAllRollups(opts: RollupOptions & { since?: string }): Promise<{ days: number; dayDocs: number; months: number }> {
  const today = localDay(opts.now, opts.zone);
  const yesterday = addDays(today, -1);
  const rooms = await loadRooms();
  const roomMap = new Map(rooms.map((r) => [r.code, r]));
  const from = new Date(0);
  const to = dayStart(today, opts.zone);
  const acc = await accumulateRange({ from, to, zone: opts.zone, rooms, fullScan: true });
  const activeDays = [...acc.days.keys()].sort();
  const firstDay = opts.since ?? activeDays[0] ?? yesterday;
  const builtAt = opts.now;

  await ReportDayModel.deleteMany({});
  await ReportMonthModel.deleteMany({});
  await ReportTrendModel.deleteMany({});
  await ReportDayMarkModel.deleteMany({});
  await ReportLiveModel.deleteMany({});

  const districts = [...new Set(rooms.map((r) => r.district))].sort();
  const months = new Map<string, ReportMonthDoc>();
  let dayDocCount = 0;
  let pending: ReportDayDoc[] = [];
  const marks: Array<{ _id: string; rooms: number; builtAt: Date; by: string }> = [];
  for (const day of firstDay <= yesterday ? dayRange(firstDay, yesterday) : []) {
    const dayDocs = buildDayDocs(day, acc.days, roomMap, builtAt);
    const dayDistricts = new Set([...districts, ...dayDocs.map((d) => d.district)]);
    for (const district of dayDistricts) {
      const key = `${district}|${monthOfDay(day)}`;
      months.set(key, mergeDayIntoMonth(months.get(key) ?? null, district, day, dayDocs.filter((d) => d.district === district), builtAt));
    }
    pending.push(...dayDocs);
    dayDocCount += dayDocs.length;
    marks.push({ _id: day, rooms: dayDocs.length, builtAt, by: 'rebuild' });
    if (pending.length >= 2000) {
      await putAll(ReportDayModel, pending);
      pending = [];
      await opts.heartbeat?.();
    }
  }
  await putAll(ReportDayModel, pending);
  await putAll(ReportMonthModel, [...months.values()]);
  await putAll(ReportTrendModel, [...months.values()].map(trendFromMonth));
  for (let i = 0; i < marks.length; i += 1000) await ReportDayMarkModel.collection.insertMany(marks.slice(i, i + 1000) as never[], { ordered: false });
  opts.logger?.info({ days: marks.length, dayDocs: dayDocCount, months: months.size }, 'report rollups rebuilt');
  return { days: marks.length, dayDocs: dayDocCount, months: months.size };
}
