import { nextSlots, slotKey, slotsBetween, type ScheduleSpec } from './schedule';
import type { JobDefinition, JobEnv } from '../modules/notices';
import { refreshLiveCaches, type ReportSettings, runRollups } from '../modules/reports';

/**
 * The assessment's two scheduled jobs (registered in src/jobs/registry.ts):
 *  - report-rollup: nightly, rolls up every closed day not rolled up yet. The jobs framework
 *    claims each run exactly once (unique JobRun insert); within the run, days are processed in
 *    order and each write is a deterministic replace, so a run resumed after a crash is harmless.
 *  - report-live: every REPORT_LIVE_REFRESH_MINUTES, recomputes the cached figures of the
 *    still-open day so report requests never scan raw records themselves.
 */
export const ROLLUP_JOB = 'report-rollup';
export const LIVE_JOB = 'report-live';

export function reportSettings(env: Pick<JobEnv, 'config' | 'zone'>): ReportSettings {
  return {
    zone: env.zone,
    targetPercent: env.config.REPORT_SATISFACTION_TARGET,
    liveMaxAgeMs: env.config.REPORT_LIVE_MAX_AGE_SECONDS * 1000,
  };
}

export function reportRollupJob(): JobDefinition {
  const spec = (env: JobEnv): ScheduleSpec => ({ kind: 'daily', times: [env.config.REPORT_ROLLUP_TIME] });
  const label = '月考核数据：汇总前一日';
  return {
    name: ROLLUP_JOB,
    label: '月考核日汇总',
    async slotsBetween(from, to, env) {
      return slotsBetween(spec(env), from, to, env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label }));
    },
    async upcoming(after, env, limit) {
      return nextSlots(spec(env), after, Math.min(limit, 2), env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label }));
    },
    async run(ctx) {
      const { days } = await runRollups({ zone: ctx.env.zone, now: ctx.env.now(), logger: ctx.env.logger, heartbeat: ctx.heartbeat });
      ctx.env.logger.info({ job: ROLLUP_JOB, days: days.length, last: days[days.length - 1] ?? null }, 'report rollup finished');
    },
  };
}

export function reportLiveJob(): JobDefinition {
  const spec = (env: JobEnv): ScheduleSpec => ({ kind: 'every', minutes: Math.max(1, env.config.REPORT_LIVE_REFRESH_MINUTES) });
  const label = '月考核数据：刷新当日实时数据';
  const enabled = (env: JobEnv) => env.config.REPORT_LIVE_REFRESH_MINUTES > 0;
  return {
    name: LIVE_JOB,
    label: '月考核当日数据刷新',
    async slotsBetween(from, to, env) {
      if (!enabled(env)) return [];
      return slotsBetween(spec(env), from, to, env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label }));
    },
    async upcoming(after, env, limit) {
      if (!enabled(env)) return [];
      return nextSlots(spec(env), after, Math.min(limit, 2), env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label }));
    },
    // A refresh that is late is pointless: the next one comes soon.
    maxLatenessMs: (env) => Math.max(1, env.config.REPORT_LIVE_REFRESH_MINUTES) * 60_000,
    async run(ctx) {
      await refreshLiveCaches(ctx.env.now(), reportSettings(ctx.env));
    },
  };
}
