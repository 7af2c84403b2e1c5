/**
 * Notices: deliver a message to these recipients exactly once. A notice job (src/jobs/*.job.ts,
 * or a module's own, e.g. broadcasts) says which slots are due and whom to tell; this module
 * claims and leases the runs (unique inserts), resumes the runs of dead instances, keys every
 * delivery so a retry sends nothing twice, holds group notices in quiet hours (src/lib/quiet-hours.ts), and records
 * what went to whom (job runs, deliveries, officers' in-app notifications, SLA escalations).
 */
export { claimAndRun, resumeExpiredRuns, outboxKey } from './runs';
export { createJobEnv } from './env';
export { notifyOfficer } from './officer-notify';
export {
  activeOfficers,
  boundGroupsByIds,
  boundGroupsOfRooms,
  dedupe,
  districtSupervisors,
  groupAddress,
  roomOfficers,
  type BoundGroup,
  type OfficerTarget,
} from './recipients';
export type { JobDefinition, JobEnv, JobRunContext, JobSlot } from './notice.types';
export { escalationKey } from './escalation.model';
export { escalationsOf, markEscalated } from './escalations';
export { advanceLastChecked, lastCheckedTimes } from './scheduler-state';
export { cancelRunBeforeStart, deliveryCounts, recentRuns, runStates } from './history';
export { findNotification, latestNotifications, markNotificationRead } from './notifications';
