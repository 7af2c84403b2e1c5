/** The officers' 工作日志 (field work) and its monthly targets: what other code may use. */
export { WORK_LOG_COUNT_LABELS, WORK_LOG_KINDS, WORK_LOG_KIND_LABELS, WORK_LOG_MAX_PHOTOS, type WorkLogKind } from './work-log.kinds';
export type { WorkLogEntry } from './work-log.model';
export { presentWorkLogEntry } from './work-log.presenter';
export {
  addWorkLogPhoto,
  createWorkLogEntry,
  listWorkLog,
  monthBounds,
  monthOf,
  photosOfEntries,
  placesOfRoom,
  workLogEntryById,
  workLogTallies,
  type WorkLogTally,
} from './work-log.service';
export { describeTargets, presentTargets, setWorkLogTargets, workLogTargets, type TargetsByRoomType } from './work-log.targets';
