import { enqueueMessage } from '../outbox';
import { JobDeliveryModel, JobRunModel, JobRunTakeoverModel, type JobRun } from './job-run.model';
import { insertUnique } from '../../storage/unique-insert';
import { quietHoursRelease } from '../../lib/quiet-hours';
import type { Delivery, JobDefinition, JobEnv, JobRunContext, JobSlot } from './notice.types';

/**
 * Claiming, leasing, resuming and finishing job runs. Exclusivity comes only from unique
 * inserts (JobRun {job, runKey}, JobRunTakeover {job, runKey, attempt}); nothing here relies
 * on an in-process flag or a conditional update, which FerretDB 1.24 does not make atomic.
 * Idempotence of what a run sends comes from the outbox key of each recipient.
 */

/** A run that keeps failing stops being retried after this many attempts. */
export const MAX_ATTEMPTS = 5;

/** A run that starts more than this after its slot is marked as caught up. */
const ON_TIME_MS = 2 * 60_000;

export function outboxKey(job: string, runKey: string, recipient: string): string {
  return `job:${job}:${runKey}:${recipient}`;
}

export function maxLateness(job: JobDefinition, env: JobEnv): number {
  return Math.min(env.catchUpMs, job.maxLatenessMs ? job.maxLatenessMs(env) : Infinity);
}

export type ClaimOutcome = 'ran' | 'taken' | 'too_late';

/** Claims a slot by inserting its JobRun; runs it when the claim is won. */
export async function claimAndRun(job: JobDefinition, slot: JobSlot, env: JobEnv, owner: string): Promise<ClaimOutcome> {
  const now = env.now();
  if (now.getTime() - slot.at.getTime() > maxLateness(job, env)) return 'too_late';
  const outcome = await insertUnique<JobRun>(JobRunModel, {
    job: job.name,
    runKey: slot.runKey,
    slotAt: slot.at,
    rooms: slot.rooms ?? [],
    payload: slot.payload ?? {},
    status: 'running',
    owner,
    attempt: 0,
    leaseUntil: new Date(now.getTime() + env.leaseMs),
    startedAt: now,
    catchUp: now.getTime() - slot.at.getTime() > ON_TIME_MS,
  });
  if (!outcome.won) return 'taken';
  env.logger.info({ job: job.name, runKey: slot.runKey, owner }, 'job run claimed');
  await execute(job, outcome.doc, 0, env, owner);
  return 'ran';
}

/**
 * Resumes runs whose holder's lease ran out (the instance died or hung): the first instance to
 * insert the next takeover attempt does the run again; deliveries already made are recognised
 * by their outbox key and not repeated.
 */
export async function resumeExpiredRuns(jobs: readonly JobDefinition[], env: JobEnv, owner: string): Promise<number> {
  const now = env.now();
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const candidates = await JobRunModel.find({ job: { $in: [...byName.keys()] }, status: 'running', leaseUntil: { $lt: now } }).lean<JobRun[]>();
  let resumed = 0;
  for (const run of candidates) {
    const job = byName.get(run.job)!;
    const latest = await JobRunTakeoverModel.findOne({ job: job.name, runKey: run.runKey }).sort({ attempt: -1 }).lean();
    const attempt = latest?.attempt ?? 0;
    const leaseUntil = latest?.leaseUntil ?? run.leaseUntil;
    if (leaseUntil.getTime() >= now.getTime()) continue; // alive: the run's mirror was stale
    if (now.getTime() - run.slotAt.getTime() > maxLateness(job, env)) {
      await JobRunModel.updateOne({ _id: run._id }, { $set: { status: 'expired', finishedAt: now, lastError: run.lastError ?? '超出补发时限，未继续发送' } });
      env.logger.warn({ job: job.name, runKey: run.runKey }, 'job run abandoned: outside the catch-up window');
      continue;
    }
    if (attempt + 1 >= MAX_ATTEMPTS) {
      await JobRunModel.updateOne({ _id: run._id }, { $set: { status: 'failed', finishedAt: now } });
      env.logger.error({ job: job.name, runKey: run.runKey, attempts: attempt + 1 }, 'job run failed for good');
      continue;
    }
    const next = attempt + 1;
    const lease = new Date(now.getTime() + env.leaseMs);
    const takeover = await insertUnique(JobRunTakeoverModel, { job: job.name, runKey: run.runKey, attempt: next, owner, leaseUntil: lease, at: now });
    if (!takeover.won) continue;
    await JobRunModel.updateOne({ _id: run._id }, { $set: { attempt: next, owner, leaseUntil: lease } });
    env.logger.warn({ job: job.name, runKey: run.runKey, attempt: next, previousOwner: run.owner, owner }, 'job run resumed after its lease ran out');
    await execute(job, { ...run, attempt: next, owner, leaseUntil: lease }, next, env, owner);
    resumed++;
  }
  return resumed;
}

async function setLease(run: Pick<JobRun, '_id' | 'job' | 'runKey'>, attempt: number, leaseUntil: Date): Promise<void> {
  if (attempt > 0) await JobRunTakeoverModel.updateOne({ job: run.job, runKey: run.runKey, attempt }, { $set: { leaseUntil } });
  await JobRunModel.updateOne({ _id: run._id, attempt }, { $set: { leaseUntil } });
}

async function execute(job: JobDefinition, run: JobRun, attempt: number, env: JobEnv, owner: string): Promise<void> {
  let lastRenewal = env.now().getTime();
  const heartbeat = async () => {
    const now = env.now().getTime();
    if (now - lastRenewal < env.leaseMs / 3) return;
    lastRenewal = now;
    await setLease(run, attempt, new Date(now + env.leaseMs));
  };
  const ctx: JobRunContext = {
    job: job.name,
    runKey: run.runKey,
    slotAt: run.slotAt,
    payload: (run.payload ?? {}) as Record<string, unknown>,
    attempt,
    env,
    heartbeat,
    deliver: async (d) => {
      const created = await deliver(job.name, run.runKey, d, env);
      await heartbeat();
      return created;
    },
  };
  try {
    await job.run(ctx);
    const now = env.now();
    const sent = await JobDeliveryModel.countDocuments({ job: job.name, runKey: run.runKey });
    await JobRunModel.updateOne({ _id: run._id }, { $set: { status: 'done', finishedAt: now, sent, leaseUntil: now, lastError: null } });
    env.logger.info({ job: job.name, runKey: run.runKey, sent, owner }, 'job run finished');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    env.logger.error({ err, job: job.name, runKey: run.runKey, attempt }, 'job run failed; another attempt follows after the lease');
    // Expire the lease now, so the next tick of any instance takes the run over.
    const now = env.now();
    await setLease(run, attempt, now).catch(() => undefined);
    await JobRunModel.updateOne({ _id: run._id }, { $set: { lastError: message.slice(0, 500) } }).catch(() => undefined);
  }
}

/** One recipient's message: a JobDelivery record (for the officers' page) and the outbox entry, both keyed. */
async function deliver(job: string, runKey: string, d: Delivery, env: JobEnv): Promise<{ created: boolean }> {
  const now = env.now();
  const key = outboxKey(job, d.eventKey ?? runKey, d.recipient);
  await insertUnique(JobDeliveryModel, {
    key,
    job,
    runKey,
    room: d.room,
    recipient: d.recipient,
    audience: d.audience,
    label: d.label,
    at: now,
  });
  // Quiet hours hold non-urgent group messages until the morning; private messages and urgent ones go now.
  const notBefore = d.to.isGroup && !d.urgent ? quietHoursRelease(now, env.quiet, env.zone) : now;
  const { created } = await enqueueMessage({
    key,
    to: d.to,
    text: d.text,
    params: d.params ?? null,
    purpose: d.purpose,
    urgent: d.urgent ?? false,
    notBefore,
    item: d.item ?? null,
    source: `job:${job}:${runKey}`.slice(0, 120),
  });
  return { created };
}
