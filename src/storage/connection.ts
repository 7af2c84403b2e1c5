import mongoose, { type Connection } from 'mongoose';

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
    autoIndex: true,
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
      if (Date.now() - lastOk < timing.stuckAfterMs || !(await reachable(uri))) return;
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

/** Can a fresh client reach the database right now? */
async function reachable(uri: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

/** Builds every registered model's indexes; unique indexes carry the product's exclusivity guarantees, so they must exist before traffic. */
export async function syncIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.connection.models)) {
    await model.createIndexes();
  }
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
