import mongoose, { type Connection } from 'mongoose';
import { pings } from './server-files';

/**
 * One mongoose connection per process. Short server-selection and socket timeouts make a
 * stopped database surface as a quick 503 instead of requests that hang; the driver
 * reconnects on its own when the database comes back.
 */
export async function connectDatabase(uri: string, options: { dbName?: string } = {}): Promise<Connection> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, connectOptions(options));
  await syncIndexes();
  return mongoose.connection;
}

function connectOptions(options: { dbName?: string }): mongoose.ConnectOptions {
  return {
    // No mongoose-level queue: every operation goes straight to the driver, which selects a
    // server within serverSelectionTimeoutMS (a quick 503 while the database is down) and
    // reconnects by itself. Mongoose's own buffer depends on its connection-state bookkeeping,
    // which once stayed "disconnected" after a FerretDB restart and held queries forever.
    bufferCommands: false,
    dbName: options.dbName,
    serverSelectionTimeoutMS: 3000,
    socketTimeoutMS: 20000,
    connectTimeoutMS: 3000,
    heartbeatFrequencyMS: 2000,
    // FerretDB 1.24 has no sessions/transactions and no retryable writes.
    retryWrites: false,
    // Mongoose builds every model's indexes as soon as it connects (models compiled later too);
    // syncIndexes() below waits for that pass. A collection is created by its first index or
    // insert, so asking the server to create each of ~80 collections at every start (autoCreate)
    // is skipped: it cost about 40% of the index pass on a warm start.
    autoIndex: true,
    autoCreate: false,
  };
}

export interface ConnectionWatch {
  stop(): void;
}

/**
 * Heals a connection the driver does not bring back by itself. Seen in the database-outage
 * fault run (about one restart in five, on a loaded machine): after the database came back, the
 * driver's monitor kept the server "Unknown" for over a minute while a fresh client connected
 * at once, so the service answered 503 until restarted. Every `everyMs` this pings through the
 * connection; when it has failed for `stuckAfterMs` and a fresh client reaches the database,
 * the connection is closed and opened again. A database that is really down is left to the
 * driver (no reconnect storm).
 */
export function watchConnection(
  uri: string,
  options: { dbName?: string },
  log: (message: string, detail?: Record<string, unknown>) => void,
  timing: { everyMs: number; stuckAfterMs: number } = { everyMs: 1000, stuckAfterMs: 5000 },
): ConnectionWatch {
  let lastOk = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      if (await isDatabaseReady()) {
        lastOk = Date.now();
        return;
      }
      if (Date.now() - lastOk < timing.stuckAfterMs || !(await pings(uri, 1000))) return;
      log('database reachable but this connection is not: reconnecting', { unreadyMs: Date.now() - lastOk });
      await mongoose.disconnect().catch(() => undefined);
      await mongoose.connect(uri, connectOptions(options));
      lastOk = Date.now();
      log('database connection reopened');
    })()
      .catch((err: unknown) => log('database reconnect failed', { err: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        busy = false;
      });
  }, timing.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}


/**
 * Waits until every registered model's indexes exist (and throws if one could not be built);
 * unique indexes carry the product's exclusivity guarantees, so they must exist before traffic.
 * The work is mongoose's own autoIndex pass (`Model.init()`, started for every model when the
 * connection opens, all models at once; run again after a reconnect), not a second pass: before,
 * a sequential `createIndexes()` per model ran beside it and doubled the start-up's index work.
 */
export async function syncIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.connection.models).map((model) => model.init()));
}

export async function isDatabaseReady(): Promise<boolean> {
  // Asks the driver, not mongoose's readyState (see bufferCommands above).
  const db = mongoose.connection.db;
  if (!db) return false;
  try {
    await Promise.race([
      db.admin().command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 1500)),
    ]);
    return true;
  } catch {
    return false;
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
