import { JobDeliveryModel, JobRunModel, type JobRun } from './job-run.model';
import { insertUnique } from '../../storage/unique-insert';

/**
 * What the runs of the scheduled jobs did, for the pages that show it (the jobs page, mobile
 * visits, broadcasts), and the one command that stops a run before it starts.
 */

export type RunState = Pick<JobRun, 'runKey' | 'status' | 'finishedAt'>;

/** The runs of one job under these run keys (a key without a run has not started). */
export async function runStates(job: string, runKeys: readonly string[]): Promise<RunState[]> {
  if (runKeys.length === 0) return [];
  return JobRunModel.find({ job, runKey: { $in: runKeys } }, { runKey: 1, status: 1, finishedAt: 1 }).lean<RunState[]>();
}

/** How many recipients each run of one job was delivered to, by run key. */
export async function deliveryCounts(job: string, runKeys: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (runKeys.length === 0) return counts;
  const deliveries = await JobDeliveryModel.find({ job, runKey: { $in: runKeys } }, { runKey: 1 }).lean();
  for (const d of deliveries) counts.set(d.runKey, (counts.get(d.runKey) ?? 0) + 1);
  return counts;
}

/** One recipient of a run: the outbox key says how far the message got. */
export interface RunDelivery {
  key: string;
  job: string;
  runKey: string;
  room: string | null;
  audience: 'group' | 'resident' | 'officer';
  label: string | null;
}

/**
 * The latest runs (newest slot first), optionally of one job; with `rooms`, only runs for every
 * room or for one of those rooms. Each comes with its recipients.
 */
export async function recentRuns(props: { job?: string; rooms: readonly string[] | 'all'; limit: number }): Promise<{ runs: JobRun[]; deliveries: RunDelivery[] }> {
  const filter: Record<string, unknown> = props.job ? { job: props.job } : {};
  if (props.rooms !== 'all') filter.$or = [{ rooms: { $size: 0 } }, { rooms: { $in: props.rooms } }];
  const runs = await JobRunModel.find(filter).sort({ slotAt: -1 }).limit(props.limit).lean<JobRun[]>();
  const deliveries = runs.length ? await JobDeliveryModel.find({ $or: runs.map((r) => ({ job: r.job, runKey: r.runKey })) }).lean<RunDelivery[]>() : [];
  return { runs, deliveries };
}

/**
 * Cancels a run that has not started by taking its slot (the unique JobRun insert) as an
 * already-expired run; false when the run was claimed first. A cancel and a send racing each
 * other cannot both win.
 */
export async function cancelRunBeforeStart(props: { job: string; runKey: string; slotAt: Date; rooms: string[]; payload: Record<string, unknown>; by: string; reason: string; now: Date }): Promise<boolean> {
  const claim = await insertUnique(JobRunModel, {
    job: props.job,
    runKey: props.runKey,
    slotAt: props.slotAt,
    rooms: props.rooms,
    payload: props.payload,
    status: 'expired',
    owner: `cancel:${props.by}`,
    attempt: 0,
    leaseUntil: props.now,
    startedAt: props.now,
    finishedAt: props.now,
    lastError: props.reason,
  });
  return claim.won;
}
