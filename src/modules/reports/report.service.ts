import { activeOfficersOfRooms, officersByIds } from '../officers';
import { addDays, dayStart, localDay, monthLastDay, monthsEndingAt, monthStartDay, daysInMonth, currentMonth } from './calendar';
import { addFigures, emptyFigures, storeFigures, type Figures } from './figures';
import { isBelowTarget, satisfactionRate } from './report-math';
import { PRECISION_NOTE, percent1, presentFigures, type PresentedFigures } from './report.presenter';
import { ReportLiveModel, ReportMonthModel, ReportTrendModel, type ReportLiveDoc, type ReportMonthDoc, type ReportTrendDoc } from './rollup.model';
import { receivedTotal, resolvedTotal } from './rollup.service';
import { accumulateRange, loadRooms, type RoomInfo } from './rollup.source';
import { classroomAnswerers, classroomFigures, loadClassroomMonth, type ClassroomAnswerer, type ClassroomFigures } from './classroom-figures';
import { districtMonth, type Entity } from './live-days';
import { emptyWorkLog, loadWorkLogMonth, officerWorkLog, roomWorkLog, sumWorkLog, WORK_LOG_KIND_LIST, type WorkLogFigures } from './work-log-figures';

/**
 * The monthly assessment of a scope (a district, a room, an officer). Reads one month
 * document per district (days already rolled up) and adds the days not rolled up yet — the
 * still-open current day — computed from raw records, through a short-lived cache that the
 * live-refresh job keeps warm (on FerretDB a raw computation scans the item collection);
 * reading a district's month is live-days.ts.
 */
export interface ReportSettings {
  zone: string;
  targetPercent: number;
  /** How old a cached computation of the open days may be. */
  liveMaxAgeMs: number;
}

export type ReportFocus = { type: 'overview' } | { type: 'room'; room: string } | { type: 'officer'; officer: string };

export interface ReportScope {
  /** Rooms the viewer may see. */
  rooms: string[] | 'all';
  /** Officer ids whose own figures the viewer may see ('all' within the visible rooms). */
  officers: string[] | 'all';
  /** Admins may narrow the overview to a district. */
  district?: string;
}

// ------------------------------------------------------------------ the report

export interface MonthlyReport {
  month: string;
  generatedAt: string;
  timezone: string;
  targetPercent: number;
  scope: {
    type: ReportFocus['type'];
    label: string;
    district: { code: string; name: string } | null;
    room: { code: string; name: string } | null;
    officer: { id: string; name: string } | null;
  };
  coverage: { rolledUpThrough: string | null; liveFrom: string | null; liveAsOf: string | null; complete: boolean };
  precision: typeof PRECISION_NOTE;
  totals: PresentedFigures;
  rooms: Array<{ code: string; name: string; district: string; type: string; rank: number | null; workLog: WorkLogFigures; classroom: ClassroomFigures } & PresentedFigures>;
  officers: Array<{ id: string; name: string; rooms: string[]; workLog: WorkLogFigures; classroom: ClassroomFigures } & PresentedFigures>;
  /** Field work (工作日志) against the monthly targets of each room's type: totals of the scope (per row: `workLog`). */
  workLog: { kinds: typeof WORK_LOG_KIND_LIST; totals: WorkLogFigures };
  /**
   * 网上课堂: questions asked and first answered in the month, of the scope's rooms (per row: `classroom`,
   * for an officer the questions they asked), and the supervisors and admins who answered them.
   */
  classroom: { totals: ClassroomFigures & { answers: number }; answerers: ClassroomAnswerer[] };
  daily: { days: string[]; received: number[]; resolved: number[] };
  trend: Array<{ month: string; received: number; resolved: number; surveysSent: number; answers: number; satisfied: number; basic: number; unsatisfied: number; percent: number | null; flagged: boolean; complete: boolean }>;
  yearly: { answers: number; percent: number | null; flagged: boolean };
}

export async function buildMonthlyReport(props: { month: string; focus: ReportFocus; scope: ReportScope; now: Date; settings: ReportSettings }): Promise<MonthlyReport> {
  const { month, focus, scope, now, settings } = props;
  const allRooms = await loadRooms();
  let rooms = allRooms.filter((r) => scope.rooms === 'all' || scope.rooms.includes(r.code));
  if (scope.district) rooms = rooms.filter((r) => r.district === scope.district);
  if (focus.type === 'room') rooms = rooms.filter((r) => r.code === focus.room);
  const roomCodes = new Set(rooms.map((r) => r.code));
  const officerVisible = (id: string) => scope.officers === 'all' || scope.officers.includes(id);

  const districts = [...new Set(rooms.map((r) => r.district))].sort();
  const entities: Entity[] = [];
  const series = new Map<string, { recv: number[]; res: number[] }>();
  const coverage = { rolledUpThrough: null as string | null, liveFrom: null as string | null, liveAsOf: null as string | null };
  for (const district of districts) {
    const dm = await districtMonth(district, rooms.filter((r) => r.district === district), allRooms, month, now, settings);
    for (const e of dm.entities.values()) if (roomCodes.has(e.room)) entities.push(e);
    for (const [room, s] of dm.series) if (roomCodes.has(room)) series.set(room, s);
    if (dm.rolledUp && (coverage.rolledUpThrough === null || dm.rolledUp.throughDay < coverage.rolledUpThrough)) coverage.rolledUpThrough = dm.rolledUp.throughDay;
    for (const l of dm.live) {
      if (coverage.liveFrom === null || l.from < coverage.liveFrom) coverage.liveFrom = l.from;
      if (l.open && (coverage.liveAsOf === null || l.computedAt < coverage.liveAsOf)) coverage.liveAsOf = l.computedAt;
    }
  }

  // Field work of the month in these rooms, counted live from the work log (Beijing calendar month).
  const monthFrom = dayStart(monthStartDay(month), settings.zone);
  const monthTo = dayStart(addDays(monthLastDay(month), 1), settings.zone);
  const workLogMonth = await loadWorkLogMonth([...roomCodes], monthFrom, monthTo);
  // 网上课堂 of the month in these rooms, from its insert-only facts (Beijing calendar month).
  const classroomMonth = await loadClassroomMonth([...roomCodes], monthFrom, monthTo);

  // Officer figures: (room, officer) pairs summed per officer, limited to what the viewer may see.
  // Officers serving these rooms are listed even with nothing this month (their work log is assessed too).
  const officerPairs = entities.filter((e) => e.officer !== null && officerVisible(e.officer) && (focus.type !== 'officer' || e.officer === focus.officer));
  const serving = focus.type === 'officer' ? [] : (await activeOfficersOfRooms([...roomCodes])).map((o) => String(o._id));
  const logged = workLogMonth.tallies.map((t) => t.officer);
  const askers = classroomMonth.asked.map((q) => q.askedBy);
  const officerIds = [...new Set([...officerPairs.map((e) => e.officer!), ...serving, ...logged, ...askers])].filter((id) => officerVisible(id) && (focus.type !== 'officer' || id === focus.officer));
  if (focus.type === 'officer' && !officerIds.includes(focus.officer)) officerIds.push(focus.officer);
  const officerDocs = await officersByIds(officerIds);
  const roomInfo = new Map(allRooms.map((r) => [r.code, r]));
  const ownRoomsOf = new Map(officerDocs.map((o) => [String(o._id), (o.rooms ?? []).map((c) => roomInfo.get(c)).filter((r): r is RoomInfo => Boolean(r))]));
  const names = new Map(officerDocs.map((o) => [String(o._id), o.name]));
  const officers = officerIds
    .map((id) => {
      const f = emptyFigures();
      const pairRooms = new Set<string>();
      for (const e of officerPairs) if (e.officer === id) {
        addFigures(f, e.f);
        pairRooms.add(e.room);
      }
      for (const t of workLogMonth.tallies) if (t.officer === id) pairRooms.add(t.room);
      const workLog = officerWorkLog(workLogMonth, id, roomCodes, ownRoomsOf.get(id) ?? []);
      for (const r of ownRoomsOf.get(id) ?? []) if (roomCodes.has(r.code)) pairRooms.add(r.code);
      const classroom = classroomFigures(classroomMonth, (q) => q.askedBy === id);
      return { id, name: names.get(id) ?? '（已停用）', rooms: [...pairRooms].sort(), f, workLog, classroom };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));

  const roomFigures = rooms.map((r) => {
    const f = emptyFigures();
    for (const e of entities) if (e.room === r.code && e.officer === null) addFigures(f, e.f);
    return { room: r, f };
  });
  // Ranked by satisfaction (rooms without answers last), then by volume.
  const ranked = [...roomFigures].sort((a, b) => {
    const ra = satisfactionRate(sat(a.f));
    const rb = satisfactionRate(sat(b.f));
    if (ra === null && rb !== null) return 1;
    if (rb === null && ra !== null) return -1;
    if (ra !== null && rb !== null && ra !== rb) return rb - ra;
    return receivedTotal(b.f) - receivedTotal(a.f) || a.room.code.localeCompare(b.room.code);
  });
  let rank = 0;
  const presentedRooms = ranked.map(({ room, f }) => ({
    code: room.code,
    name: room.name,
    district: room.district,
    type: room.type,
    rank: satisfactionRate(sat(f)) === null ? null : ++rank,
    ...presentFigures(f, settings.targetPercent),
    workLog: roomWorkLog(workLogMonth, room),
    classroom: classroomFigures(classroomMonth, (q) => q.room === room.code),
  }));

  const totals = emptyFigures();
  if (focus.type === 'officer') officers.filter((o) => o.id === focus.officer).forEach((o) => addFigures(totals, o.f));
  else roomFigures.forEach(({ f }) => addFigures(totals, f));

  const n = daysInMonth(month);
  const daily = { days: Array.from({ length: n }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`), received: new Array(n).fill(0), resolved: new Array(n).fill(0) };
  if (focus.type !== 'officer') {
    for (const s of series.values()) {
      s.recv.forEach((v, i) => (daily.received[i] += v));
      s.res.forEach((v, i) => (daily.resolved[i] += v));
    }
  }

  const trend = await buildTrend({ month, districts, roomCodes, focus, officerVisible, current: totals, now, settings });
  const yearSat = trend.reduce((s, t) => ({ satisfied: s.satisfied + t.satisfied, basic: s.basic + t.basic, unsatisfied: s.unsatisfied + t.unsatisfied }), { satisfied: 0, basic: 0, unsatisfied: 0 });
  const yearAnswers = yearSat.satisfied + yearSat.basic + yearSat.unsatisfied;

  const district = districts.length === 1 ? allRooms.find((r) => r.district === districts[0]) : undefined;
  const focusRoom = focus.type === 'room' ? rooms[0] : undefined;
  const focusOfficer = focus.type === 'officer' ? { id: focus.officer, name: names.get(focus.officer) ?? '（未知）' } : null;
  const label = focusOfficer ? `民警 ${focusOfficer.name}` : focusRoom ? focusRoom.name : district ? district.districtName : '全部辖区';
  const isPast = monthLastDay(month) < localDay(now, settings.zone);
  // An officer's report: the questions that officer asked, and who answered them.
  const inFocus = (q: { askedBy: string }) => focus.type !== 'officer' || q.askedBy === focus.officer;
  return {
    month,
    generatedAt: now.toISOString(),
    timezone: settings.zone,
    targetPercent: settings.targetPercent,
    scope: {
      type: focus.type,
      label,
      district: district ? { code: district.district, name: district.districtName } : null,
      room: focusRoom ? { code: focusRoom.code, name: focusRoom.name } : null,
      officer: focusOfficer,
    },
    coverage: { ...coverage, complete: isPast },
    precision: PRECISION_NOTE,
    totals: presentFigures(totals, settings.targetPercent),
    rooms: focus.type === 'officer' ? [] : presentedRooms,
    officers: officers.map((o) => ({ id: o.id, name: o.name, rooms: o.rooms, ...presentFigures(o.f, settings.targetPercent), workLog: o.workLog, classroom: o.classroom })),
    workLog: {
      kinds: WORK_LOG_KIND_LIST,
      totals:
        focus.type === 'officer'
          ? (officers.find((o) => o.id === focus.officer)?.workLog ?? emptyWorkLog())
          : sumWorkLog(presentedRooms.map((r) => r.workLog)),
    },
    classroom: {
      totals: { ...classroomFigures(classroomMonth, inFocus), answers: classroomMonth.answers.filter(inFocus).length },
      answerers: classroomAnswerers(classroomMonth, inFocus),
    },
    daily,
    trend,
    yearly: { answers: yearAnswers, percent: percent1(satisfactionRate(yearSat)), flagged: isBelowTarget(yearSat, settings.targetPercent) },
  };
}

const sat = (f: Figures) => ({ satisfied: f.c.sat_satisfied ?? 0, basic: f.c.sat_basic ?? 0, unsatisfied: f.c.sat_unsatisfied ?? 0 });

async function buildTrend(props: {
  month: string;
  districts: string[];
  roomCodes: Set<string>;
  focus: ReportFocus;
  officerVisible: (id: string) => boolean;
  current: Figures;
  now: Date;
  settings: ReportSettings;
}): Promise<MonthlyReport['trend']> {
  const months = monthsEndingAt(props.month, 12);
  const earlier = months.slice(0, -1);
  const docs = props.districts.length
    ? await ReportTrendModel.find({ district: { $in: props.districts }, month: { $in: earlier } }).lean<ReportTrendDoc[]>()
    : [];
  const thisMonth = currentMonth(props.now, props.settings.zone);
  return months.map((m) => {
    const point = { received: 0, resolved: 0, surveysSent: 0, satisfied: 0, basic: 0, unsatisfied: 0 };
    let complete = true;
    if (m === props.month) {
      point.received = receivedTotal(props.current);
      point.resolved = resolvedTotal(props.current);
      point.surveysSent = props.current.c.survey_sent ?? 0;
      Object.assign(point, sat(props.current));
      complete = m < thisMonth;
    } else {
      const ofMonth = docs.filter((d) => d.month === m);
      if (ofMonth.length === 0 || ofMonth.some((d) => d.firstDay !== monthStartDay(m) || d.throughDay !== monthLastDay(m))) complete = false;
      for (const d of ofMonth) {
        for (const e of d.entries) {
          if (!props.roomCodes.has(e.room)) continue;
          const take = props.focus.type === 'officer' ? e.officer === props.focus.officer && props.officerVisible(e.officer) : e.officer === null;
          if (!take) continue;
          point.received += e.recv;
          point.resolved += e.res;
          point.surveysSent += e.sent;
          point.satisfied += e.s;
          point.basic += e.b;
          point.unsatisfied += e.u;
        }
      }
    }
    const answers = point.satisfied + point.basic + point.unsatisfied;
    return { month: m, ...point, answers, percent: percent1(satisfactionRate(point)), flagged: isBelowTarget(point, props.settings.targetPercent), complete };
  });
}

/**
 * Recomputes the cached live figures of every district's open days (what the live-refresh job
 * runs), so report requests read a fresh cache instead of scanning raw records. One scan of the
 * raw records serves all districts (on FerretDB every scan reads the whole collection).
 */
export async function refreshLiveCaches(now: Date, settings: ReportSettings): Promise<number> {
  const allRooms = await loadRooms();
  const month = currentMonth(now, settings.zone);
  const today = localDay(now, settings.zone);
  const targets: Array<{ district: string; fromDay: string }> = [];
  for (const district of [...new Set(allRooms.map((r) => r.district))].sort()) {
    const md = await ReportMonthModel.findById(`${district}|${month}`, { throughDay: 1 }).lean<Pick<ReportMonthDoc, 'throughDay'>>();
    const fromDay = md ? addDays(md.throughDay, 1) : monthStartDay(month);
    if (fromDay <= today) targets.push({ district, fromDay });
  }
  if (targets.length === 0) return 0;
  const earliest = targets.reduce((min, t) => (t.fromDay < min ? t.fromDay : min), targets[0].fromDay);
  const acc = await accumulateRange({ from: dayStart(earliest, settings.zone), to: now, zone: settings.zone, rooms: allRooms });
  const districtOf = new Map(allRooms.map((r) => [r.code, r.district]));
  for (const t of targets) {
    const doc: ReportLiveDoc = {
      _id: `${t.district}|${t.fromDay}|open`,
      district: t.district,
      from: dayStart(t.fromDay, settings.zone),
      to: now,
      open: true,
      computedAt: now,
      days: [...acc.days.entries()]
        .filter(([day]) => day >= t.fromDay)
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([day, entities]) => ({
          day,
          entities: [...entities.values()].filter((e) => districtOf.get(e.room) === t.district).map((e) => storeFigures(e.room, e.officer, e.f)),
        }))
        .filter((d) => d.entities.length > 0),
    };
    await ReportLiveModel.collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
  }
  return targets.length;
}
