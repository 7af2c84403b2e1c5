import { LRUCache } from 'lru-cache';

/**
 * A few seconds of in-process memory for reads that many requests repeat and that FerretDB
 * answers by scanning a collection: the service catalog, rooms as bookings see them,
 * schedules, the calendar and the held seats behind slot lists. Edits made through this
 * process forget their entries at once; another instance's edits show within the entry's TTL.
 * Nothing exclusive depends on it: a seat is taken by unique insert, whatever a list said.
 * Cached values are shared: callers must not modify them.
 */
export const READ_TTL_MS = 5000;
const cache = new LRUCache<string, Promise<unknown>>({ max: 1000, ttl: READ_TTL_MS });

export function cachedRead<T>(key: string, load: () => PromiseLike<T>, ttlMs = READ_TTL_MS): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit as Promise<T>;
  // Resolved once here (a mongoose Query would run again on every then).
  const value = Promise.resolve(load());
  cache.set(key, value, { ttl: ttlMs });
  value.catch(() => {
    if (cache.get(key) === value) cache.delete(key);
  });
  return value;
}

/** Forgets the entries whose key starts with `prefix` (all entries without one). */
export function forgetReads(prefix?: string): void {
  if (prefix === undefined) return cache.clear();
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}
