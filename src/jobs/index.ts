export { createScheduler, type Scheduler, type TickReport } from './scheduler';
export { allJobs, messageJobs } from './registry';
export { slotsBetween, nextSlots, slotKey } from './schedule';
