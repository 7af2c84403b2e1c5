import mongoose, { type Connection } from 'mongoose';

/**
 * One mongoose connection per process. Short server-selection and socket timeouts make a
 * stopped database surface as a quick 503 instead of requests that hang; the driver
 * reconnects on its own when the database comes back.
 */
export async function connectDatabase(uri: string, options: { dbName?: string } = {}): Promise<Connection> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, {
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
  });
  await syncIndexes();
  return mongoose.connection;
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
