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
 */
export async function startTestDatabase(): Promise<TestDatabase> {
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
