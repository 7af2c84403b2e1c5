import { eveningReminderJob, hourReminderJob } from './appointment-reminder.job';
import { broadcastJob } from '../modules/broadcasts';
import { dailyDigestJob } from './daily-digest.job';
import { housekeepingJob } from './housekeeping.job';
import { mobileVisitJob } from './mobile-visit.job';
import { slaEscalationJob } from './sla-escalation.job';
import { talkDayJob } from './talk-day.job';
import { reportLiveJob, reportRollupJob } from './report.job';
import type { JobDefinition } from '../modules/notices';

/**
 * Every scheduled job of the product, in one list. Another module adds its job here (one
 * import + one entry): a JobDefinition says which slots are due and what a run does; the
 * scheduler handles claiming, leases, resumption and catch-up for all of them.
 */
export function allJobs(): JobDefinition[] {
  return [...messageJobs(), reportRollupJob(), reportLiveJob(), housekeepingJob()];
}

/** The jobs that send messages (notices, reminders, escalations, broadcasts). */
export function messageJobs(): JobDefinition[] {
  return [talkDayJob(), mobileVisitJob(), eveningReminderJob(), hourReminderJob(), slaEscalationJob(), dailyDigestJob(), broadcastJob()];
}
