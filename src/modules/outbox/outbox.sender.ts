import type { OutboxChannel } from './outbox.service';
import { redactDelivered } from '../../lib/mask';
import type { Logger } from '../../logging/logger';
import { isDatabaseDown } from '../../storage/database-errors';
import { insertUnique } from '../../storage/unique-insert';
import { OutboxModel, OutboxOpenModel, OutboxSendModel, openRowOf, type OutboxMessage, type OutboxOpenRow } from './outbox.model';

/**
 * Delivers queued outbox messages of one channel (the WeChat bot runs one per process).
 *
 * Exclusivity: attempt n of a message is claimed by inserting OutboxSend {message, attempt: n}
 * (unique). Only the winner hands the message to the channel, so two senders — two bot
 * processes, or two ticks of one — never both send the same attempt.
 *
 * Failure: the error is stored (`lastError`), the message goes back to `queued` with
 * `nextAttemptAt` pushed out by exponential backoff; after `maxAttempts` it is `failed`.
 *
 * Crash safety: a message left in `sending` (the sender died between claiming and recording)
 * is retried with the next attempt once its claim is older than `staleSendingMs`. If the
 * crash happened after WeChat accepted the message, the resident gets it twice — logged as
 * a possible duplicate. Nothing is ever lost.
 */
export type SendFn = (message: OutboxMessage) => Promise<void | SendOutcome>;

/** What a send may report instead of "sent": handed over, waiting for someone to confirm it. */
export interface SendOutcome {
  status: 'awaiting';
  externalId: string;
}

/**
 * Thrown by a SendFn when a rule of the channel holds the message; the reason is kept in
 * `lastError` for the officers' page and a hold never counts towards the failure limit.
 *  - `until` a time (quiet hours, a daily cap, a robot's minute): the message goes back to
 *    `queued` and is tried again then;
 *  - `until` null (customer service: 48 hours or 5 messages after the resident's last message):
 *    only the resident can open the way again, so the message becomes `held`, is not retried,
 *    and goes out after releaseHeld().
 */
export class OutboxHold extends Error {
  constructor(
    public readonly until: Date | null,
    public readonly reason: string,
  ) {
    super(reason);
    this.name = 'OutboxHold';
  }
}

/** Thrown by a SendFn when sending can never succeed (an expired code, a rejected number): `failed` at once, reason kept. */
export class OutboxGiveUp extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OutboxGiveUp';
  }
}

export interface OutboxSenderOptions {
  channel: OutboxChannel;
  /** Who is sending (bot name + pid): recorded on each claim. */
  senderId: string;
  /** Only messages for this account (or for any account: account null). */
  account?: string | null;
  send: SendFn;
  logger: Logger;
  now?: () => Date;
  batchSize?: number;
  maxAttempts?: number;
  /** Backoff after attempt n: min(maxBackoffMs, baseBackoffMs · 2^(n-1)). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  staleSendingMs?: number;
  /**
   * Asked before each send; false skips the message for this tick (e.g. the daily cap is
   * reached for a message that is not urgent, or the bot is logged out).
   */
  canSend?: (message: OutboxMessage) => Promise<boolean> | boolean;
}

export interface TickResult {
  sent: number;
  failed: number;
  skipped: number;
}

export interface OutboxSender {
  tick(): Promise<TickResult>;
  /** Polls every `intervalMs` (and whenever kick() is called). */
  start(intervalMs: number): void;
  /** Runs a tick soon (after a message was enqueued). */
  kick(): void;
  stop(): Promise<void>;
}

/** How often a sender runs the repair pass over the outbox itself (see OutboxOpenModel). */
const REPAIR_EVERY_MS = 60_000;

export function backoffMs(attempt: number, base = 2_000, max = 10 * 60_000): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

export function createOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 8;
  const staleSendingMs = options.staleSendingMs ?? 120_000;
  const log = options.logger.child({ outbox: options.channel, sender: options.senderId });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<TickResult> | null = null;
  let again = false;
  let stopped = false;
  let lastRepair = 0;

  /** Due messages from the open rows: queued and due, or left in `sending` for too long. */
  async function candidates(at: Date): Promise<OutboxMessage[]> {
    const accountOk = (a: string | null | undefined) => !options.account || a == null || a === options.account;
    const staleBefore = at.getTime() - staleSendingMs;
    const rows = (await OutboxOpenModel.find({ channel: options.channel }).lean<OutboxOpenRow[]>()).filter((r) => accountOk(r.account));
    const queued = rows
      .filter((r) => r.status === 'queued' && r.nextAttemptAt.getTime() <= at.getTime())
      .sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, batchSize);
    const stale = rows.filter((r) => r.status === 'sending' && r.updatedAt.getTime() <= staleBefore).slice(0, batchSize);
    const picked = [...queued, ...stale];
    if (at.getTime() - lastRepair >= REPAIR_EVERY_MS) {
      lastRepair = at.getTime();
      for (const row of await repairRows(at)) if (!picked.some((p) => p._id.equals(row._id))) picked.push(row);
    }
    const messages = await Promise.all(picked.map((r) => OutboxModel.findById(r._id).lean<OutboxMessage>()));
    const due: OutboxMessage[] = [];
    for (const [i, m] of messages.entries()) {
      if (!m || m.status === 'sent' || m.status === 'failed') {
        await OutboxOpenModel.deleteOne({ _id: picked[i]._id }); // delivered or gone: the row is stale
        continue;
      }
      // The message itself decides, as the outbox query did before the rows: the attempt
      // claimed next is computed from this snapshot, so a message another sender has just
      // taken (now `sending`, not stale) must not be picked up again.
      const isDue = m.status === 'queued' ? m.nextAttemptAt.getTime() <= at.getTime() : m.updatedAt.getTime() <= staleBefore;
      if (isDue) due.push(m);
    }
    return due;
  }

  /**
   * The outbox itself, queried as before the open rows existed (a scan on FerretDB, so once a
   * minute): messages due or stuck in `sending` that have no row get one back.
   */
  async function repairRows(at: Date): Promise<OutboxOpenRow[]> {
    const account = options.account ? { account: { $in: [null, options.account] } } : {};
    const [queued, stale] = await Promise.all([
      OutboxModel.find({ channel: options.channel, status: 'queued', nextAttemptAt: { $lte: at }, ...account }).limit(batchSize).lean<OutboxMessage[]>(),
      OutboxModel.find({ channel: options.channel, status: 'sending', updatedAt: { $lte: new Date(at.getTime() - staleSendingMs) }, ...account })
        .limit(batchSize)
        .lean<OutboxMessage[]>(),
    ]);
    const rows: OutboxOpenRow[] = [];
    for (const m of [...queued, ...stale]) {
      const row = openRowOf(m, m.status === 'sending' ? 'sending' : 'queued', m.status === 'sending' ? m.updatedAt : at) as OutboxOpenRow;
      const outcome = await insertUnique(OutboxOpenModel, row);
      if (outcome.won) log.info({ message: String(m._id) }, 'outbox row repaired');
      rows.push(row);
    }
    return rows;
  }

  async function deliver(message: OutboxMessage): Promise<'sent' | 'failed' | 'skipped'> {
    const attempt = (message.attempts ?? 0) + 1;
    const claimedAt = now();
    const claim = await insertUnique(OutboxSendModel, { message: message._id, attempt, sender: options.senderId, claimedAt });
    if (!claim.won) return 'skipped';
    if (message.status === 'sending') {
      log.warn({ message: String(message._id), attempt }, 'retrying a message left in "sending" by a crashed sender: the resident may receive it twice');
    }
    // The claim time on the sender's clock, not the database driver's: "stuck in sending" is judged
    // against the same clock (a sender on an injected clock, or instances whose clocks differ a little).
    await OutboxModel.updateOne({ _id: message._id }, { $set: { status: 'sending', attempts: attempt, updatedAt: claimedAt } }, { timestamps: false });
    await OutboxOpenModel.updateOne({ _id: message._id }, { $set: { status: 'sending', updatedAt: claimedAt } });
    let outcome: void | SendOutcome;
    try {
      outcome = await options.send(message);
    } catch (err) {
      if (err instanceof OutboxHold && err.until === null) {
        await OutboxModel.updateOne({ _id: message._id }, { $set: { status: 'held', lastError: err.reason.slice(0, 500), holds: (message.holds ?? 0) + 1 } });
        await OutboxOpenModel.deleteOne({ _id: message._id });
        log.info({ message: String(message._id), reason: err.reason }, 'outbox message held until the resident writes again');
        return 'skipped';
      }
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof OutboxHold && err.until) {
        const nextAttemptAt = err.until;
        // Only the claim's winner writes the message, so a plain $set of the count is safe.
        await OutboxModel.updateOne({ _id: message._id }, { $set: { status: 'queued', lastError: reason.slice(0, 500), nextAttemptAt, holds: (message.holds ?? 0) + 1 } });
        await OutboxOpenModel.updateOne({ _id: message._id }, { $set: { status: 'queued', nextAttemptAt, updatedAt: now() } });
        log.info({ message: String(message._id), until: nextAttemptAt, reason: reason.slice(0, 200) }, 'outbox message held');
        return 'skipped';
      }
      // Claims that ended in a hold were not attempts at delivery.
      const final = err instanceof OutboxGiveUp || attempt - (message.holds ?? 0) >= maxAttempts;
      const nextAttemptAt = new Date(now().getTime() + backoffMs(attempt, options.baseBackoffMs, options.maxBackoffMs));
      await OutboxModel.updateOne(
        { _id: message._id },
        {
          $set: {
            status: final ? 'failed' : 'queued',
            lastError: reason.slice(0, 500),
            nextAttemptAt,
          },
        },
      );
      if (final) await OutboxOpenModel.deleteOne({ _id: message._id });
      else await OutboxOpenModel.updateOne({ _id: message._id }, { $set: { status: 'queued', nextAttemptAt, updatedAt: now() } });
      log.warn({ message: String(message._id), attempt, final, reason: reason.slice(0, 200) }, 'outbox send failed');
      return 'failed';
    }
    // Once handed over, secrets and codes in the text are blanked (the row stays for the jobs page until purged).
    const redacted = redactDelivered(message.text);
    const text = redacted !== message.text ? { text: redacted } : {};
    if (outcome && outcome.status === 'awaiting') {
      await OutboxModel.updateOne({ _id: message._id }, { $set: { status: 'awaiting', externalId: outcome.externalId, handedOverAt: now(), lastError: null, ...text } });
    } else {
      await OutboxModel.updateOne({ _id: message._id }, { $set: { status: 'sent', sentAt: now(), ...text } });
    }
    await OutboxOpenModel.deleteOne({ _id: message._id });
    log.debug({ message: String(message._id), attempt, purpose: message.purpose }, 'outbox message sent');
    return 'sent';
  }

  async function tick(): Promise<TickResult> {
    const result: TickResult = { sent: 0, failed: 0, skipped: 0 };
    for (const message of await candidates(now())) {
      if (stopped) break;
      if (options.canSend && !(await options.canSend(message))) {
        result.skipped++;
        continue;
      }
      const outcome = await deliver(message);
      result[outcome]++;
    }
    return result;
  }

  function runTick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = tick()
      .catch((err) => {
        // The database away (down, restarting): the next tick tries again; nothing is lost, no fault to report.
        if (isDatabaseDown(err)) log.warn({ err, databaseAway: true }, 'outbox tick skipped: the database is away (retried at the next tick)');
        else log.error({ err }, 'outbox tick failed');
        return { sent: 0, failed: 0, skipped: 0 };
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          runTick();
        }
      });
  }

  return {
    tick,
    start(intervalMs) {
      stopped = false;
      timer = setInterval(runTick, intervalMs);
      timer.unref?.();
      runTick();
    },
    kick() {
      setImmediate(runTick);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

/** Deletes delivered (and finally failed) messages older than the retention, with their send claims. */
export async function purgeDeliveredMessages(now: Date, retentionDays: number): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const old = await OutboxModel.find({ $or: [{ status: 'sent', sentAt: { $lt: before } }, { status: 'failed', updatedAt: { $lt: before } }] }, { _id: 1 }).lean();
  const ids = old.map((m) => m._id);
  for (let k = 0; k < ids.length; k += 1000) {
    const batch = ids.slice(k, k + 1000);
    await OutboxModel.deleteMany({ _id: { $in: batch } });
    await OutboxSendModel.deleteMany({ message: { $in: batch } });
  }
  return ids.length;
}
