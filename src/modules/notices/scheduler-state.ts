import { SchedulerStateModel } from './job-run.model';
import { insertUnique } from '../../storage/unique-insert';

/**
 * Up to when each job's slots were looked at. It only bounds the scheduler's search, never
 * decides exclusivity (a stale write just makes the next tick look at more slots).
 */

/** When each of these jobs was last checked (a job never checked has no entry). */
export async function lastCheckedTimes(jobs: readonly string[]): Promise<Map<string, Date>> {
  const docs = await SchedulerStateModel.find({ job: { $in: jobs } }).lean();
  return new Map(docs.map((d) => [d.job, d.lastChecked]));
}

/** Moves each job's lastChecked forward (never back). Races only make a later tick look at a few more slots. */
export async function advanceLastChecked(jobs: readonly string[], states: ReadonlyMap<string, Date>, now: Date): Promise<void> {
  const existing = jobs.filter((j) => states.has(j) && states.get(j)!.getTime() < now.getTime());
  for (const job of jobs.filter((j) => !states.has(j))) {
    const created = await insertUnique(SchedulerStateModel, { job, lastChecked: now });
    if (!created.won) existing.push(job);
  }
  if (existing.length === 0) return;
  await SchedulerStateModel.bulkWrite(
    existing.map((job) => ({ updateOne: { filter: { job, lastChecked: { $lt: now } }, update: { $set: { lastChecked: now } } } })),
    { ordered: false },
  );
}
