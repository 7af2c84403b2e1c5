export { createScheduler, type Scheduler, type TickReport } from './scheduler';
export { allJobs, messageJobs } from './registry';
export { createJobEnv } from './env';
export { claimAndRun, resumeExpiredRuns, outboxKey, MAX_ATTEMPTS } from './runner';
export { quietHoursRelease, parseQuietHours, slotsBetween, nextSlots, slotKey } from './schedule';
export type { JobDefinition, JobEnv, JobSlot, JobRunContext, Delivery } from './types';
