import { roomByCode, roomsByCodes } from '../../modules/rooms';
import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../config';
import { badRequest, forbidden, notFound } from '../../lib/errors';
import type { AppContext, AppState } from '../types';
import { parseInput, roomCodeSchema } from '../validate';
import { accessibleRoomCodes, type SessionOfficer } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { ITEM_KIND_LABELS, type ItemKind } from '../../modules/items';
import { officerById, officersVisibleTo } from '../../modules/officers';
import { buildMonthlyReport, type Cell, currentMonth, dailyChart, ITEM_KIND_KEYS, MONTH_RE, type MonthlyReport, type PresentedFigures, rankingChart, type ReportFocus, type ReportScope, type ReportSettings, toCsv, trendChart, volunteersOfReport, volunteerTeamsCsv } from '../../modules/reports';

export const ReportQuerySchema = z.object({
  month: z.string().regex(MONTH_RE, '月份格式应为 YYYY-MM').optional(),
  room: roomCodeSchema.optional(),
  officer: z.string().regex(/^[a-f0-9]{24}$/, '民警编号格式不正确').optional(),
  district: z.string().trim().min(1).max(32).optional(),
});
export type MonthlyReportQuery = z.infer<typeof ReportQuerySchema>;

const TABLES = ['rooms', 'officers', 'kinds', 'trend', 'daily', 'summary', 'answerers', 'volunteers'] as const;
const CHARTS = ['ranking', 'trend', 'daily'] as const;
export const ReportTableSchema = z.enum(TABLES);
export const ReportChartSchema = z.enum(CHARTS.map((c) => `${c}.svg`) as [string, ...string[]]);

/**
 * Who may see what: officers their rooms and their own figures; supervisors every room and
 * officer of their district; admins everything. Checked on the room / officer asked for.
 */
async function resolveRequest(ctx: AppContext, query: MonthlyReportQuery, settings: ReportSettings, now: Date) {
  const officer = currentOfficer(ctx.state) as SessionOfficer;
  const month = query.month ?? currentMonth(now, settings.zone);
  if (month > currentMonth(now, settings.zone)) throw badRequest('不能查询未来月份的考核数据（Month is in the future）');
  if (query.room && query.officer) throw badRequest('room 与 officer 只能二选一（Give room or officer, not both）');
  const codes = await accessibleRoomCodes(officer);
  const scope: ReportScope = { rooms: codes, officers: officer.role === 'officer' ? [officer.id] : 'all' };
  if (query.district) {
    if (officer.role === 'officer' || (officer.role === 'supervisor' && query.district !== officer.district)) {
      ctx.state.log.warn({ officer: officer.username, role: officer.role, district: query.district, path: ctx.path }, 'access refused: district report');
    }
    if (officer.role === 'officer') throw forbidden('无权查看辖区汇总（Officers see their own rooms only）');
    if (officer.role === 'supervisor' && query.district !== officer.district) throw forbidden('无权访问其他辖区的数据（You may not access another district’s data）');
    scope.district = query.district;
  }
  let focus: ReportFocus = { type: 'overview' };
  if (query.room) {
    const room = await roomByCode(query.room, { fields: ['code'] });
    if (!room) throw notFound('未找到该警务室（Unknown room）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    focus = { type: 'room', room: room.code };
  }
  if (query.officer) {
    const target = await officerById(query.officer);
    if (!target) throw notFound('未找到该民警（Unknown officer）', 'officer_not_found');
    const allowed =
      officer.role === 'admin' ||
      (officer.role === 'officer' && String(target._id) === officer.id) ||
      (officer.role === 'supervisor' && codes !== 'all' && (target.district === officer.district || (target.rooms ?? []).some((r) => codes.includes(r))));
    if (!allowed) {
      ctx.state.log.warn({ officer: officer.username, target: query.officer, path: ctx.path }, 'access refused: officer report');
      throw forbidden('无权查看其他民警的考核数据（You may not see another officer’s figures）');
    }
    focus = { type: 'officer', officer: String(target._id) };
  }
  return { officer, month, scope, focus };
}

// A short in-process memo: the page asks for the JSON and three charts of the same report at once.
const memo = new Map<string, { at: number; report: Promise<MonthlyReport> }>();
const MEMO_MS = 10_000;

function cachedReport(key: string, build: () => Promise<MonthlyReport>, now: number): Promise<MonthlyReport> {
  const hit = memo.get(key);
  if (hit && now - hit.at < MEMO_MS) return hit.report;
  for (const [k, v] of memo) if (now - v.at >= MEMO_MS) memo.delete(k);
  const report = build();
  report.catch(() => memo.delete(key));
  memo.set(key, { at: now, report });
  return report;
}

export function clearReportMemo(): void {
  memo.clear();
}

const minutes = (s: number | null) => (s === null ? null : Math.round(s / 6) / 10);
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

function figureColumns(): string[] {
  return [
    '受理',
    '办结',
    '首次响应中位数(分钟)',
    '首次响应P90(分钟)',
    '首次响应中位数-工作时(分钟)',
    '首次响应P90-工作时(分钟)',
    '办结时长中位数(分钟)',
    '办结时长P90(分钟)',
    '办结时长中位数-工作时(分钟)',
    '办结时长P90-工作时(分钟)',
    '应响应',
    '超时未响应',
    '预约',
    '预约办结',
    '爽约',
    '取消',
    '线索受理',
    '线索办结',
    '回访发出',
    '评价数',
    '满意',
    '基本满意',
    '不满意',
    '满意率(%)',
    '低于考核线',
  ];
}

function figureCells(f: PresentedFigures): Cell[] {
  return [
    f.items.received,
    f.items.resolved,
    minutes(f.firstResponse.calendar.median),
    minutes(f.firstResponse.calendar.p90),
    minutes(f.firstResponse.business.median),
    minutes(f.firstResponse.business.p90),
    minutes(f.resolution.calendar.median),
    minutes(f.resolution.calendar.p90),
    minutes(f.resolution.business.median),
    minutes(f.resolution.business.p90),
    f.sla.due,
    f.sla.breached,
    f.appointments.booked,
    f.appointments.completed,
    f.appointments.noShow,
    f.appointments.cancelled,
    f.tips.received,
    f.tips.resolved,
    f.surveys.sent,
    f.surveys.answered,
    f.surveys.satisfied,
    f.surveys.basic,
    f.surveys.unsatisfied,
    f.satisfaction.percent,
    f.satisfaction.flagged,
  ];
}

/** The field work (工作日志) beside the other figures: per kind the entries and the target, then the total and what fell short. */
function workLogColumns(report: MonthlyReport): string[] {
  return [...report.workLog.kinds.flatMap((k) => [`工作日志-${k.label}`, `工作日志-${k.label}目标`]), '工作日志合计', '工作日志未达标项'];
}

function workLogCells(report: MonthlyReport, w: MonthlyReport['workLog']['totals']): Cell[] {
  const label = new Map(report.workLog.kinds.map((k) => [k.key, k.label]));
  return [...report.workLog.kinds.flatMap((k) => [w.counts[k.key], w.targets[k.key]]), w.total, w.belowTarget.map((k) => label.get(k)).join('、')];
}

/** 网上课堂 beside the other figures: questions asked and first answered in the month, and the median wait for that first answer. */
const CLASSROOM_COLUMNS = ['网上课堂提问', '网上课堂已解答', '网上课堂首次解答中位数(分钟)'];
const classroomCells = (c: MonthlyReport['rooms'][number]['classroom']): Cell[] => [c.asked, c.answered, c.medianMinutesToFirstAnswer];

const ROLE_LABELS: Record<string, string> = { supervisor: '督导', admin: '管理员' };

export function reportCsv(report: MonthlyReport, table: Exclude<(typeof TABLES)[number], 'volunteers'>): string {
  switch (table) {
    case 'rooms':
      return toCsv(
        ['月份', '排名', '警务室编号', '警务室', ...figureColumns(), ...workLogColumns(report), ...CLASSROOM_COLUMNS],
        report.rooms.map((r) => [report.month, r.rank, r.code, r.name, ...figureCells(r), ...workLogCells(report, r.workLog), ...classroomCells(r.classroom)]),
      );
    case 'officers':
      return toCsv(
        ['月份', '民警', '所在警务室', ...figureColumns(), ...workLogColumns(report), ...CLASSROOM_COLUMNS],
        report.officers.map((o) => [report.month, o.name, o.rooms.join('、'), ...figureCells(o), ...workLogCells(report, o.workLog), ...classroomCells(o.classroom)]),
      );
    case 'kinds':
      return toCsv(
        ['月份', '类别', '受理', '办结'],
        ITEM_KIND_KEYS.map((k) => [report.month, ITEM_KIND_LABELS[k as ItemKind], report.totals.items.receivedByKind[k], report.totals.items.resolvedByKind[k]]),
      );
    case 'trend':
      return toCsv(
        ['月份', '受理', '办结', '回访发出', '评价数', '满意', '基本满意', '不满意', '满意率(%)', '低于考核线', '数据完整'],
        report.trend.map((t) => [t.month, t.received, t.resolved, t.surveysSent, t.answers, t.satisfied, t.basic, t.unsatisfied, t.percent, t.flagged, t.complete]),
      );
    case 'answerers':
      return toCsv(
        ['月份', '解答人', '角色', '网上课堂解答条数', '其中首次解答'],
        report.classroom.answerers.map((a) => [report.month, a.name, ROLE_LABELS[a.role] ?? a.role, a.answers, a.firstAnswers]),
      );
    case 'daily':
      return toCsv(['日期', '受理', '办结'], report.daily.days.map((d, i) => [d, report.daily.received[i], report.daily.resolved[i]]));
    case 'summary':
      return toCsv(
        ['月份', '范围', ...figureColumns(), '近12个月满意率(%)', ...workLogColumns(report), ...CLASSROOM_COLUMNS, '网上课堂解答条数'],
        [[report.month, report.scope.label, ...figureCells(report.totals), report.yearly.percent, ...workLogCells(report, report.workLog.totals), ...classroomCells(report.classroom.totals), report.classroom.totals.answers]],
      );
  }
}

export function reportChart(report: MonthlyReport, chart: (typeof CHARTS)[number]): string {
  switch (chart) {
    case 'ranking':
      return rankingChart({
        title: `${report.scope.label} ${report.month} 各警务室满意率`,
        rows: report.rooms.map((r) => ({ label: r.name, percent: pct(r.satisfaction.rate), flagged: r.satisfaction.flagged })),
        targetPercent: report.targetPercent,
      });
    case 'trend':
      return trendChart({
        title: `${report.scope.label} 近12个月满意率`,
        points: report.trend.map((t) => ({ label: `${Number(t.month.slice(5))}月`, percent: t.percent, flagged: t.flagged })),
        targetPercent: report.targetPercent,
      });
    case 'daily':
      return dailyChart({ title: `${report.scope.label} ${report.month} 每日受理与办结`, days: report.daily.days, received: report.daily.received, resolved: report.daily.resolved });
  }
}

export function reportsRouter(config: Config, options: { now?: () => Date } = {}): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/reports' });
  const settings: ReportSettings = {
    zone: config.APP_TIMEZONE,
    targetPercent: config.REPORT_SATISFACTION_TARGET,
    liveMaxAgeMs: config.REPORT_LIVE_MAX_AGE_SECONDS * 1000,
  };
  const clock = options.now ?? (() => new Date());

  async function load(ctx: AppContext) {
    const now = clock();
    const query = parseInput(ReportQuerySchema, ctx.query);
    const req = await resolveRequest(ctx, query, settings, now);
    const key = JSON.stringify([req.officer.id, req.officer.role, req.month, req.focus, req.scope.district ?? null]);
    return cachedReport(key, () => buildMonthlyReport({ month: req.month, focus: req.focus, scope: req.scope, now, settings }), now.getTime());
  }

  /** The rooms and officers the signed-in officer may open (for the page's menus). */
  router.get('/scope', requireOfficer(), async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const codes = await accessibleRoomCodes(officer);
    const rooms = await roomsByCodes(codes, { fields: ['code', 'name', 'district', 'districtName'] });
    const officers =
      officer.role === 'officer'
        ? [{ id: officer.id, name: officer.name }]
        : (await officersVisibleTo(officer, codes))
            .map((o) => ({ id: String(o._id), name: o.name }))
            .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    ctx.body = {
      officer: { id: officer.id, name: officer.name, role: officer.role, district: officer.district },
      month: currentMonth(clock(), settings.zone),
      targetPercent: settings.targetPercent,
      rooms: rooms.map((r) => ({ code: r.code, name: r.name, district: r.district, districtName: r.districtName })).sort((a, b) => a.code.localeCompare(b.code)),
      officers,
    };
  });

  router.get('/monthly', requireOfficer(), async (ctx) => {
    const report = await load(ctx);
    // Sections of their own (issue 20): the room's volunteers and what they did in the month.
    ctx.body = {
      ...report,
      ...(await volunteersOfReport(report, settings.zone)),
    };
    ctx.set('Cache-Control', 'private, no-store');
  });

  router.get('/monthly.csv', requireOfficer(), async (ctx) => {
    const table = parseInput(ReportTableSchema, ctx.query.table ?? 'rooms');
    const report = await load(ctx);
    const name = `monthly-${report.month}-${report.scope.room?.code ?? (report.scope.officer ? 'officer' : (report.scope.district?.code ?? 'all'))}-${table}.csv`;
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="${name}"`);
    ctx.set('Cache-Control', 'private, no-store');
    // The four volunteer teams per room: a section of its own (counted by the volunteers module).
    ctx.body = table === 'volunteers' ? volunteerTeamsCsv(report.month, (await volunteersOfReport(report, settings.zone)).volunteerTeams) : reportCsv(report, table);
  });

  router.get('/chart/:name', requireOfficer(), async (ctx) => {
    const name = parseInput(ReportChartSchema, ctx.params.name).replace('.svg', '') as (typeof CHARTS)[number];
    const report = await load(ctx);
    ctx.set('Content-Type', 'image/svg+xml; charset=utf-8');
    ctx.set('Cache-Control', 'private, max-age=30');
    ctx.body = reportChart(report, name);
  });

  return router;
}
