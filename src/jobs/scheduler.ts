import { randomBytes } from 'node:crypto';
import os from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import { isDatabaseDown } from '../storage/database-errors';
import { advanceLastChecked, claimAndRun, createJobEnv, type JobDefinition, type JobEnv, lastCheckedTimes, resumeExpiredRuns } from '../modules/notices';

/**
 * The scheduler of one instance. Every minute (node-cron, in APP_TIMEZONE) it ticks: for each
 * job it computes the slots due since the job was last checked (bounded by the catch-up
 * window), claims each one by unique insert, runs the ones it won, and resumes runs whose
 * holder's lease ran out. Any number of instances may tick at once; cron firing or not only
 * decides *when* a tick looks, never *what* runs — that is computed from the schedule.
 */
export interface Scheduler {
  readonly instanceId: string;
  readonly env: JobEnv;
  readonly jobs: readonly JobDefinition[];
  /** Looks at every job once. Safe to call at any time, from any instance, concurrently. */
  tick(): Promise<TickReport>;
  /** Starts the minute cron (and ticks at once, to catch up after downtime). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TickReport {
  ran: string[];
  resumed: number;
  errors: number;
}

/** When a job was never checked before, look back this far (one tick), so a start at 09:00:30 still runs 09:00. */
const FIRST_LOOK_BACK_MS = 60_000;

/**
 * Each tick looks a little before lastChecked too: a record saved just as the previous tick
 * read (a visit, a broadcast, talk-day settings) would otherwise fall between two ticks.
 * Looking twice is harmless: a slot already claimed is just a duplicate key.
 */
const OVERLAP_MS = 2 * 60_000;

/**
 * A failed step of a tick. The database being away (down, restarting) is no fault of the job:
 * a warning, and the next tick looks at the same slots again; anything else is an error.
 */
function logFailure(log: Logger, err: unknown, fields: Record<string, unknown>, message: string): void {
  if (isDatabaseDown(err)) log.warn({ ...fields, err, databaseAway: true }, `${message}: the database is away (retried at the next tick)`);
  else log.error({ ...fields, err }, message);
}

export function createScheduler(props: {
  jobs: readonly JobDefinition[];
  config: Config;
  logger: Logger;
  now?: () => Date;
  instanceId?: string;
}): Scheduler {
  const env = createJobEnv(props);
  const instanceId = props.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = props.logger.child({ component: 'scheduler', instance: instanceId });
  let task: ScheduledTask | null = null;

  async function tick(): Promise<TickReport> {
    const report: TickReport = { ran: [], resumed: 0, errors: 0 };
    const names = props.jobs.map((j) => j.name);
    const now = env.now();
    let states: Map<string, Date>;
    try {
      states = await lastCheckedTimes(names);
    } catch (err) {
      logFailure(log, err, {}, 'scheduler tick failed: cannot read its state');
      return { ...report, errors: 1 };
    }
    const checked: string[] = [];
    for (const job of props.jobs) {
      try {
        const lastChecked = states.get(job.name) ?? new Date(now.getTime() - FIRST_LOOK_BACK_MS);
        const from = new Date(Math.max(lastChecked.getTime() - OVERLAP_MS, now.getTime() - env.catchUpMs));
        for (const slot of await job.slotsBetween(from, now, env)) {
          const outcome = await claimAndRun(job, slot, env, instanceId);
          if (outcome === 'ran') report.ran.push(`${job.name}:${slot.runKey}`);
        }
        checked.push(job.name);
      } catch (err) {
        // lastChecked is not advanced: the next tick looks at the same slots again.
        report.errors++;
        logFailure(log, err, { job: job.name }, 'scheduler tick failed for a job');
      }
    }
    try {
      report.resumed = await resumeExpiredRuns(props.jobs, env, instanceId);
      await advanceLastChecked(checked, states, now);
    } catch (err) {
      report.errors++;
      logFailure(log, err, {}, 'scheduler tick failed while resuming runs or saving its state');
    }
    return report;
  }

  return {
    instanceId,
    env,
    jobs: props.jobs,
    tick,
    async start() {
      if (task) return;
      task = cron.schedule(
        '* * * * *',
        async () => {
          await tick();
        },
        { timezone: env.zone, name: `scheduler-${instanceId}`, noOverlap: true },
      );
      log.info({ jobs: props.jobs.map((j) => j.name), timezone: env.zone }, 'scheduler started');
      void tick();
    },
    async stop() {
      if (!task) return;
      await task.stop();
      await task.destroy();
      task = null;
      log.info('scheduler stopped');
    },
  };
}
