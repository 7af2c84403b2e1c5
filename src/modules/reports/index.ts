export { buildMonthlyReport, refreshLiveCaches, type MonthlyReport, type ReportFocus, type ReportScope, type ReportSettings } from './report.service';
export { rollupDay, runRollups, rebuildAllRollups, lastRolledUpDay } from './rollup.service';
export { ensureReportIndexes } from './report.indexes';
