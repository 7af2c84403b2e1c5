import type { Item } from '../items';
import type { Logger } from '../../logging/logger';

/**
 * In-process hooks other modules subscribe to (e.g. surveys ask for a rating once an item
 * is resolved). Handlers run after the change has committed, one after another; a failing
 * handler is logged and does not undo the change nor stop the others. Handlers that must
 * survive a crash should write their own durable record first thing.
 */
export type ItemResolvedHandler = (item: Item) => Promise<void>;

const resolvedHandlers: ItemResolvedHandler[] = [];

/** Subscribes to resolves; returns a function that unsubscribes. */
export function onItemResolved(handler: ItemResolvedHandler): () => void {
  resolvedHandlers.push(handler);
  return () => {
    const i = resolvedHandlers.indexOf(handler);
    if (i >= 0) resolvedHandlers.splice(i, 1);
  };
}

export async function emitItemResolved(item: Item, logger?: Logger): Promise<void> {
  for (const handler of [...resolvedHandlers]) {
    try {
      await handler(item);
    } catch (err) {
      logger?.error({ err, item: String(item._id) }, 'onItemResolved handler failed');
    }
  }
}
