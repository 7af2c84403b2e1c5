import type { Logger } from '../../logging/logger';
import { itemBriefs } from '../items';
import { createdItemsSince, onLocalEvent } from '../live';
import { ALERTED_KINDS, queueItemAlert, type AlertSettings } from './alert.service';

/**
 * Announces new emergencies and tips to the room's officers. This instance's own new items
 * are heard at once (local live events); items created by other processes (another instance,
 * the WeChat bot) are found by polling the shared item.created events. Every instance may
 * see the same item: the alert's outbox key makes it one message.
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
  let since = new Date(now().getTime() - (options.lookBackMs ?? 10 * 60_000));
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let pending: Promise<unknown> = Promise.resolve();

  async function announce(id: string): Promise<number> {
    if (done.has(id)) return 0;
    const [item] = await itemBriefs([id]);
    if (!item || !ALERTED_KINDS.has(item.kind)) {
      done.add(id);
      return 0;
    }
    const queued = await queueItemAlert({ item, event: 'new', eventKey: `new:${String(item._id)}`, settings: options.settings, now: now() });
    done.add(id);
    if (queued) {
      log.info({ code: item.code, kind: item.kind, room: item.room, queued }, 'officer alert queued');
      options.onQueued?.();
    }
    return queued;
  }

  async function poll(): Promise<number> {
    const started = now();
    // Events are stamped by their writers' clocks: look a minute back to catch a late stamp.
    const events = await createdItemsSince(new Date(since.getTime() - 60_000));
    let queued = 0;
    for (const e of events) {
      if (e.kind && !ALERTED_KINDS.has(e.kind)) continue;
      queued += await announce(String(e.item)).catch((err) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'officer alert failed; the next pass retries');
        return 0;
      });
    }
    since = started;
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
