/**
 * Errors of the database driver that mean "the database did not answer" (down, restarting, or
 * busy past its timeout), as opposed to a bad query or a broken rule. Only this layer knows the
 * driver's error names: the HTTP edge turns such an error into a retryable 503, background work
 * (the scheduler) waits for the next round instead of reporting a fault of its own.
 */
const DB_DOWN_NAMES = new Set([
  'MongooseServerSelectionError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/** True when the error only says the database was away: a retry later may succeed. */
export function isDatabaseDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (DB_DOWN_NAMES.has(err.name)) return true;
  // mongoose's "Operation `x.find()` buffering timed out after 3000ms"; Node's EPIPE when the
  // driver writes to a socket the database closed while shutting down, and FerretDB's "context
  // canceled" for a command cut off by its shutdown (both seen as 500s before).
  // SQLite's "database is locked" (SQLITE_BUSY) is FerretDB waiting out its 10 s busy timeout
  // under extreme write contention: transient, so a retryable 503 rather than a 500.
  return /buffering timed out|connection .* closed|ECONNREFUSED|socket has been ended by the other party|\] context canceled$|database is locked|SQLITE_BUSY/i.test(err.message);
}
