export { buildMonthlyReport, refreshLiveCaches, type MonthlyReport, type ReportFocus, type ReportScope, type ReportSettings } from './report.service';
export { runRollups } from './rollup.service';
export { ensureReportIndexes } from './report.indexes';
export { currentMonth, MONTH_RE } from './calendar';
export { dailyChart, rankingChart, trendChart } from './charts';
export { type Cell, toCsv } from './csv';
export { ITEM_KIND_KEYS } from './figures';
export type { PresentedFigures } from './report.presenter';
export { volunteersOfReport, volunteerTeamsCsv } from './volunteer-figures';
