import { addDays, dayStart, daysInMonth, localDay, monthLastDay, monthStartDay } from './calendar';
import { addFigures, emptyFigures, entityKey, loadFigures, storeFigures, type Figures, type StoredFigures } from './figures';
import { ReportLiveModel, ReportMonthModel, type ReportLiveDoc, type ReportMonthDoc } from './rollup.model';
import { receivedTotal, resolvedTotal } from './rollup.service';
import { accumulateRange, type RoomInfo } from './rollup.source';

/**
 * A district's month as the report reads it: the month document of the days already rolled up,
 * plus the days not rolled up yet (the still-open current day, a past day the nightly job has
 * not reached) computed from raw records through a short-lived cache (report.service.ts's
 * refreshLiveCaches keeps it warm; on FerretDB a raw computation scans the item collection).
 */

/** What these computations need of the report's settings (ReportSettings). */
interface LiveSettings {
  zone: string;
  /** How old a cached computation of the open days may be. */
  liveMaxAgeMs: number;
}

export type Entity = { room: string; officer: string | null; f: Figures };

interface DistrictMonth {
  entities: Map<string, Entity>;
  series: Map<string, { recv: number[]; res: number[] }>;
  rolledUp: { firstDay: string; throughDay: string } | null;
  live: Array<{ from: string; to: string; computedAt: string; open: boolean }>;
}

/**
 * Figures of [from, to) for a district's rooms, per day. An open range (to = now) is cached
 * for `maxAgeMs`; a closed one (a past day the job has not rolled up yet) is cached until the
 * cache is pruned.
 */
export async function liveDays(props: {
  district: string;
  rooms: RoomInfo[];
  allRooms: RoomInfo[];
  fromDay: string;
  toDay: string | null; // null: up to now (open)
  now: Date;
  settings: LiveSettings;
  force?: boolean;
}): Promise<ReportLiveDoc> {
  const from = dayStart(props.fromDay, props.settings.zone);
  const open = props.toDay === null;
  const key = `${props.district}|${props.fromDay}|${open ? 'open' : props.toDay}`;
  if (!props.force) {
    const cached = await ReportLiveModel.findById(key).lean<ReportLiveDoc>();
    if (cached && (!open || props.now.getTime() - cached.computedAt.getTime() <= props.settings.liveMaxAgeMs) && cached.computedAt <= props.now) return cached;
  }
  const to = open ? props.now : dayStart(addDays(props.toDay!, 1), props.settings.zone);
  // The cache entry is the district's: always computed for all its rooms, whoever asks (a room's
  // officer reads a subset; filling the district's entry with it would undercount the supervisor's
  // report). Callers keep the rooms they may see.
  const districtRooms = props.allRooms.filter((r) => r.district === props.district).map((r) => r.code);
  const acc = await accumulateRange({ from, to, zone: props.settings.zone, rooms: props.allRooms, onlyRooms: districtRooms });
  const doc: ReportLiveDoc = {
    _id: key,
    district: props.district,
    from,
    to,
    open,
    computedAt: props.now,
    days: [...acc.days.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([day, entities]) => ({
      day,
      entities: [...entities.values()].map((e) => storeFigures(e.room, e.officer, e.f)),
    })),
  };
  // Several instances may write the same cache entry; each is a complete, correct snapshot.
  await ReportLiveModel.collection.replaceOne({ _id: key } as never, doc as never, { upsert: true });
  return doc;
}

export async function districtMonth(district: string, rooms: RoomInfo[], allRooms: RoomInfo[], month: string, now: Date, settings: LiveSettings): Promise<DistrictMonth> {
  const out: DistrictMonth = { entities: new Map(), series: new Map(), rolledUp: null, live: [] };
  const first = monthStartDay(month);
  const last = monthLastDay(month);
  if (dayStart(first, settings.zone).getTime() > now.getTime()) return out; // a future month
  const today = localDay(now, settings.zone);
  const n = daysInMonth(month);
  const seriesOf = (room: string) => {
    let s = out.series.get(room);
    if (!s) {
      s = { recv: new Array(n).fill(0), res: new Array(n).fill(0) };
      out.series.set(room, s);
    }
    return s;
  };
  const add = (e: StoredFigures, day: string | null) => {
    const key = entityKey(e.room, e.officer ?? null);
    const target = out.entities.get(key) ?? { room: e.room, officer: e.officer ?? null, f: emptyFigures() };
    const f = loadFigures(e);
    addFigures(target.f, f);
    out.entities.set(key, target);
    if (day && (e.officer === null || e.officer === undefined)) {
      const s = seriesOf(e.room);
      const i = Number(day.slice(8, 10)) - 1;
      s.recv[i] += receivedTotal(f);
      s.res[i] += resolvedTotal(f);
    }
  };

  const md = await ReportMonthModel.findById(`${district}|${month}`).lean<ReportMonthDoc>();
  const gaps: Array<{ from: string; to: string | null }> = [];
  const lastClosed = addDays(today, -1);
  const end = last < today ? last : today; // last day with any time in the past
  if (md) {
    out.rolledUp = { firstDay: md.firstDay, throughDay: md.throughDay };
    for (const e of md.entities) add(e, null);
    for (const s of md.series) {
      const t = seriesOf(s.room);
      s.recv.forEach((v, i) => (t.recv[i] += v));
      s.res.forEach((v, i) => (t.res[i] += v));
    }
    if (md.firstDay > first) gaps.push({ from: first, to: addDays(md.firstDay, -1) });
    if (md.throughDay < end) gaps.push({ from: addDays(md.throughDay, 1), to: end === today ? null : end });
  } else {
    gaps.push({ from: first, to: end === today ? null : end });
  }
  for (const gap of gaps) {
    // A gap reaching today is computed up to now; closed days of it (yesterday, before the
    // nightly job ran) are part of the same computation.
    const toDay = gap.to !== null && gap.to > lastClosed ? null : gap.to;
    const doc = await liveDays({ district, rooms, allRooms, fromDay: gap.from, toDay, now, settings });
    out.live.push({ from: gap.from, to: toDay ?? today, computedAt: doc.computedAt.toISOString(), open: toDay === null });
    for (const d of doc.days) for (const e of d.entities) add(e, d.day);
  }
  return out;
}
