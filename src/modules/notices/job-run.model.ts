import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * What makes each run of each scheduled job happen exactly once across instances.
 *
 * - JobRun {job, runKey} (unique): inserting it *is* claiming the run. Its lease (`leaseUntil`)
 *   says how long the claiming instance is trusted to be working on it.
 * - JobRunTakeover {job, runKey, attempt} (unique): when a lease ran out (the instance died),
 *   another instance resumes the run by inserting attempt n+1; only one can.
 *   The latest attempt's own `leaseUntil` is authoritative (the run's copy is a mirror for queries).
 * - JobDelivery {key} (unique): one per recipient of a run, with the room it concerns, so the
 *   officers' page can show what each run sent (status comes from the outbox by the same key).
 * - SchedulerState {job}: up to when this job's slots were looked at; only bounds the search,
 *   never decides exclusivity (a stale write just makes the next tick look at more slots).
 */
export const JOB_RUN_STATUSES = ['running', 'done', 'failed', 'expired'] as const;

const jobRunSchema = new Schema(
  {
    job: { type: String, required: true, maxlength: 60 },
    runKey: { type: String, required: true, maxlength: 200 },
    /** The scheduled moment of this run. */
    slotAt: { type: Date, required: true },
    /** Rooms the run concerns ([] = every room, e.g. the reminder sweep). */
    rooms: { type: [String], default: [] },
    /** What the job needs to (re)do the run, e.g. {room, month, phase}. */
    payload: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, required: true, enum: JOB_RUN_STATUSES, default: 'running' },
    owner: { type: String, required: true, maxlength: 100 },
    attempt: { type: Number, required: true, default: 0 },
    leaseUntil: { type: Date, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    /** Recipients this run enqueued for (counted at the end of the run). */
    sent: { type: Number, default: 0 },
    /** True when it ran late, after downtime. */
    catchUp: { type: Boolean, default: false },
    lastError: { type: String, default: null, maxlength: 500 },
  },
  { timestamps: true },
);
jobRunSchema.index({ job: 1, runKey: 1 }, { unique: true });
jobRunSchema.index({ status: 1, leaseUntil: 1 });
jobRunSchema.index({ slotAt: -1 });

export type JobRun = InferSchemaType<typeof jobRunSchema> & { _id: Types.ObjectId; createdAt: Date };
export const JobRunModel = model('JobRun', jobRunSchema);

const jobRunTakeoverSchema = new Schema(
  {
    job: { type: String, required: true },
    runKey: { type: String, required: true },
    attempt: { type: Number, required: true, min: 1 },
    owner: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
jobRunTakeoverSchema.index({ job: 1, runKey: 1, attempt: 1 }, { unique: true });
export const JobRunTakeoverModel = model('JobRunTakeover', jobRunTakeoverSchema);

const jobDeliverySchema = new Schema(
  {
    /** The outbox key: `job:<job>:<runKey>:<recipient>`. */
    key: { type: String, required: true, maxlength: 400 },
    job: { type: String, required: true },
    runKey: { type: String, required: true },
    room: { type: String, default: null },
    recipient: { type: String, required: true, maxlength: 200 },
    /** group | resident | officer | volunteer (a room's 安全员/专管员, by SMS) */
    audience: { type: String, required: true, enum: ['group', 'resident', 'officer', 'volunteer'] },
    /** What officers see for the recipient: a group topic, "预约 Y…", an officer's name. Never a phone number. */
    label: { type: String, default: null, maxlength: 120 },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
jobDeliverySchema.index({ key: 1 }, { unique: true });
jobDeliverySchema.index({ job: 1, runKey: 1 });
export const JobDeliveryModel = model('JobDelivery', jobDeliverySchema);

const schedulerStateSchema = new Schema(
  {
    job: { type: String, required: true },
    lastChecked: { type: Date, required: true },
  },
  { timestamps: true },
);
schedulerStateSchema.index({ job: 1 }, { unique: true });
export const SchedulerStateModel = model('SchedulerState', schedulerStateSchema);
