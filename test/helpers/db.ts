import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../src/storage/connection';
import { EmbeddedDatabase } from '../../src/storage/embedded';
import { invalidateScheduleCache } from '../../src/modules/appointments/schedule.service';

export interface TestDatabase {
  uri: string;
  embedded: EmbeddedDatabase;
  /** Empties every collection (keeps indexes). */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A fresh real database server for one test file: its own temp dir and free port, the same
 * resolution as production (mongod, else FerretDB). Never a mock.
 *
 * A mutation run (`npm run test:mutation`) re-runs the same test files once per mutant; there
 * stryker.config.mjs starts ONE server for the whole run and sets TEST_DATABASE_SERVER, and each
 * test file gets its own fresh database on it (dropped at the end) instead of its own server.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const shared = process.env.TEST_DATABASE_SERVER;
  if (shared) return useSharedServer(shared);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'police-room-test-'));
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  const uri = await embedded.start();
  await connectDatabase(uri, { dbName: 'test' });
  return {
    uri,
    embedded,
    async clear() {
      for (const model of Object.values(mongoose.connection.models)) await model.deleteMany({});
      // Slot lists reuse schedules, calendars and held seats for a few seconds; the data is gone.
      invalidateScheduleCache();
    },
    async stop() {
      await disconnectDatabase();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let sharedCount = 0;

/** A database of its own on an already running server (the mutation run's): same models, same indexes. */
async function useSharedServer(uri: string): Promise<TestDatabase> {
  const dbName = `t${process.pid}_${Date.now().toString(36)}_${sharedCount++}`;
  await connectDatabase(uri, { dbName });
  const db = {
    uri,
    async clear() {
      for (const model of Object.values(mongoose.connection.models)) await model.deleteMany({});
      invalidateScheduleCache();
    },
    async stop() {
      await mongoose.connection.db?.dropDatabase().catch(() => undefined);
      await disconnectDatabase();
    },
  };
  // Tests that stop and restart their database (outage tests) need a server of their own.
  Object.defineProperty(db, 'embedded', {
    get() {
      throw new Error('TEST_DATABASE_SERVER is shared: this test stops its database and cannot run on it');
    },
  });
  return db as TestDatabase;
}
