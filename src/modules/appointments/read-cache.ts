import { LRUCache } from 'lru-cache';

/**
 * A few seconds of in-process memory for what slot lists read: schedules, the calendar and
 * held seats. A burst of bookings or chat messages about one room reads them hundreds of
 * times, and on FerretDB each of those reads scans its collection. Edits made through this
 * process forget the entries at once; another instance's edits show within the entry's TTL.
 * Capacity never depends on this cache: a seat is taken by unique insert, whatever a list said.
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
