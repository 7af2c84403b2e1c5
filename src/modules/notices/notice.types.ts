import type { Types } from 'mongoose';
import type { ReplyAddress } from '../../lib/messages';
import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import type { QuietHours } from '../../lib/quiet-hours';

/** What every job gets: config, a logger, the clock, and the derived time settings. */
export interface JobEnv {
  config: Config;
  logger: Logger;
  now: () => Date;
  zone: string;
  quiet: QuietHours | null;
  /** Catch-up window: a missed slot older than this is not run. */
  catchUpMs: number;
  leaseMs: number;
}

/** One scheduled run of a job. `runKey` names it uniquely within the job. */
export interface JobSlot {
  runKey: string;
  at: Date;
  /** Rooms the run concerns ([] = all rooms). */
  rooms?: string[];
  /** What the run needs to do its work again on another instance. */
  payload?: Record<string, unknown>;
  /** A short Chinese description for the officers' page. */
  label?: string;
}

export interface Delivery {
  /** Stable id of the recipient within the run (group id, appointment code, officer id). */
  recipient: string;
  /**
   * For event-like jobs (SLA escalation) the thing that must be sent once is the event, not the
   * run: its key replaces the run key in the outbox key, so later runs cannot send it again.
   */
  eventKey?: string;
  room: string | null;
  audience: 'group' | 'resident' | 'officer' | 'volunteer';
  label: string | null;
  /** A chat address, or a mobile number (channel `sms`, delivered by the SMS sender). */
  to: ReplyAddress | { channel: 'sms'; conversationId: string; isGroup: false };
  text: string;
  purpose: string;
  /** A templated channel's parameters (SMS: the template gets these, `text` is what the reader sees). */
  params?: Record<string, string>;
  urgent?: boolean;
  item?: Types.ObjectId | string | null;
}

export interface JobRunContext {
  job: string;
  runKey: string;
  slotAt: Date;
  payload: Record<string, unknown>;
  attempt: number;
  env: JobEnv;
  /**
   * Enqueues one recipient's message under the key `job:<job>:<runKey>:<recipient>`
   * (idempotent: a resumed run re-delivers nothing). Also renews the run's lease.
   */
  deliver(d: Delivery): Promise<{ created: boolean }>;
  /** Tells the scheduler the run is alive (long runs call it between steps). */
  heartbeat(): Promise<void>;
}

export interface JobDefinition {
  name: string;
  /** Chinese label for the officers' page. */
  label: string;
  /** Slots with `at` in (from, to]. */
  slotsBetween(from: Date, to: Date, env: JobEnv): Promise<JobSlot[]>;
  /** The next slots after `after` (for GET /api/jobs/upcoming), at most `limit`. */
  upcoming(after: Date, env: JobEnv, limit: number): Promise<JobSlot[]>;
  /** How late a run may still start (ms), when less than the catch-up window makes sense (reminders). */
  maxLatenessMs?: (env: JobEnv) => number;
  run(ctx: JobRunContext): Promise<void>;
}
