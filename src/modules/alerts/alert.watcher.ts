import type { Logger } from '../../logging/logger';
import { itemBriefs, itemsCreatedBetween, type ItemKind, OPEN_STATUSES } from '../items';
import { createdItemsSince, onLocalEvent } from '../live';
import { AlertWatchMarkModel, type AlertWatchMark } from './alert-settings.model';
import { ALERTED_KINDS, queueItemAlert, type AlertSettings } from './alert.service';

/** An alert queued this long after its item was created says it is late. */
const LATE_AFTER_MS = 5 * 60_000;
/** How far back a catch-up looks at most (sent alerts stay in the outbox, by key, longer than this). */
const MAX_CATCH_UP_MS = 3 * 24 * 3600_000;

/**
 * Announces new emergencies and tips to the room's officers. This instance's own new items
 * are heard at once (local live events); items created by other processes (another instance,
 * the WeChat bot) are found by polling the shared item.created events. Every instance may
 * see the same item: the alert's outbox key makes it one message.
 *
 * Gaps: every pass records when it finished (AlertWatchMark, shared). The first pass of an
 * instance (at start) that finds the mark older than the look-back knows that no instance was
 * watching in between (the service was down while the WeChat bot took tips, say): it reads the
 * emergencies and tips created since the mark from the items themselves and alerts each open
 * one that never got its alert, once across instances (the alert's outbox key is a unique
 * insert), saying that it is late and since when the item has waited.
 */
export interface AlertWatcher {
  /** One polling pass (tests call it; start() runs it every pollMs). */
  poll(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createAlertWatcher(options: {
  settings: AlertSettings;
  logger: Logger;
  now?: () => Date;
  pollMs?: number;
  /** Look this far back at start (items created while no instance ran). */
  lookBackMs?: number;
  /** Called after alerts were queued (the senders push them out at once). */
  onQueued?: () => void;
}): AlertWatcher {
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ alerts: true });
  const done = new Set<string>();
  const lookBackMs = options.lookBackMs ?? 10 * 60_000;
  let since = new Date(now().getTime() - lookBackMs);
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let pending: Promise<unknown> = Promise.resolve();

  let caughtUp = false;

  async function announce(id: string, lateSince: Date | null = null): Promise<number> {
    if (done.has(id)) return 0;
    const [item] = await itemBriefs([id]);
    if (!item || !ALERTED_KINDS.has(item.kind)) {
      done.add(id);
      return 0;
    }
    const queued = await queueItemAlert({ item, event: 'new', eventKey: `new:${String(item._id)}`, settings: options.settings, now: now(), lateSince });
    done.add(id);
    if (queued) {
      log.info({ code: item.code, kind: item.kind, room: item.room, queued, late: Boolean(lateSince) }, 'officer alert queued');
      options.onQueued?.();
    }
    return queued;
  }

  /** Alerts the open emergencies and tips created while no instance was watching (see above). */
  async function catchUp(at: Date): Promise<number> {
    const mark = await AlertWatchMarkModel.findById('watcher').lean<AlertWatchMark>();
    if (!mark || at.getTime() - mark.at.getTime() <= lookBackMs) return 0;
    const from = new Date(Math.max(mark.at.getTime() - 60_000, at.getTime() - MAX_CATCH_UP_MS));
    const items = await itemsCreatedBetween(from, at, [...ALERTED_KINDS] as ItemKind[], 1000);
    log.warn({ gapFrom: mark.at, items: items.length }, 'no instance watched for alerts for a while: catching up');
    let queued = 0;
    for (const item of items) {
      if (!(OPEN_STATUSES as readonly string[]).includes(item.status)) continue;
      const late = at.getTime() - item.createdAt.getTime() > LATE_AFTER_MS ? item.createdAt : null;
      queued += await announce(String(item._id), late);
    }
    return queued;
  }

  async function poll(): Promise<number> {
    const started = now();
    let queued = 0;
    if (!caughtUp) {
      queued += await catchUp(started);
      caughtUp = true;
    }
    // Events are stamped by their writers' clocks: look a minute back to catch a late stamp.
    const events = await createdItemsSince(new Date(since.getTime() - 60_000));
    for (const e of events) {
      if (e.kind && !ALERTED_KINDS.has(e.kind)) continue;
      queued += await announce(String(e.item)).catch((err) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'officer alert failed; the next pass retries');
        return 0;
      });
    }
    since = started;
    await AlertWatchMarkModel.updateOne({ _id: 'watcher' }, { $set: { at: started } }, { upsert: true });
    if (done.size > 10_000) done.clear();
    return queued;
  }

  return {
    poll,
    start() {
      unsubscribe = onLocalEvent((event) => {
        if (event.type !== 'item.created' || !event.item || (event.kind && !ALERTED_KINDS.has(event.kind))) return;
        pending = pending.then(() => announce(String(event.item)).catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'officer alert failed; the next pass retries')));
      });
      // The first pass at once: it catches up a gap in which no instance watched.
      pending = pending.then(() => poll().catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'alert pass failed; the next pass retries')));
      timer = setInterval(() => void poll().catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'alert pass failed')), options.pollMs ?? 15_000);
      timer.unref?.();
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      if (timer) clearInterval(timer);
      timer = null;
      await pending;
    },
  };
}
