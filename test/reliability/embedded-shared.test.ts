import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { connectDatabase, disconnectDatabase } from '../../src/storage/connection';
import { EmbeddedDatabase } from '../../src/storage/embedded';
import { buildTestApp } from '../helpers/app';

/**
 * Issue #17, "The service stays up": processes that share a data directory share one embedded
 * server (a second one never kills the first one's live server), a provably dead owner's
 * unanswering leftover is cleaned up, and a server that dies under a running service is
 * started again by itself so /readyz comes back without a restart. Real FerretDB children.
 */
jest.setTimeout(120_000);

const dirs: string[] = [];
const open: EmbeddedDatabase[] = [];
function database(dir: string): EmbeddedDatabase {
  const db = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false, superviseMs: 200, restartBackoffMs: { base: 200, max: 2000 }, log: () => undefined });
  open.push(db);
  return db;
}
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'police-room-embedded-'));
  dirs.push(dir);
  return dir;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};
async function withClient<T>(uri: string, fn: (c: InstanceType<typeof mongoose.mongo.MongoClient>) => Promise<T>): Promise<T> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.close(true);
  }
}
async function eventually(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 40_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

afterEach(async () => {
  await disconnectDatabase().catch(() => undefined);
  for (const db of open.splice(0).reverse()) await db.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('a second process on the same data directory uses the running server instead of killing it, and takes over when the owner stops', async () => {
  const dir = tempDir();
  const first = database(dir);
  const uri = await first.start();
  const pid = first.serverPid!;
  await withClient(uri, (c) => c.db('police_room').collection('probe').insertOne({ _id: 'kept' as never, v: 1 }));

  const second = database(dir);
  expect(await second.start()).toBe(uri);
  expect(second.shared).toBe(true);
  expect(alive(pid)).toBe(true);
  expect(await withClient(uri, (c) => c.db('police_room').collection('probe').findOne({ _id: 'kept' as never }))).toMatchObject({ v: 1 });

  // The owner stops (npm start ended while the bot runs): the guest starts the server again on the same port.
  await first.stop();
  expect(alive(pid)).toBe(false);
  await eventually('the guest to take over', async () => !second.shared && second.serverPid !== null && (await withClient(uri, async (c) => Boolean(await c.db('admin').command({ ping: 1 }))).catch(() => false)));
  expect(second.serverPid).not.toBe(pid);
  expect(await withClient(uri, (c) => c.db('police_room').collection('probe').findOne({ _id: 'kept' as never }))).toMatchObject({ v: 1 });
});

it("a leftover server that does not answer and whose owner is gone is cleaned up", async () => {
  const dir = tempDir();
  const crashed = database(dir);
  await crashed.start();
  const leftover = crashed.serverPid!;
  // The owner died without shutting down (a finished process's pid) and its server hangs.
  const dead = spawnSync('true').pid;
  const infoFile = path.join(dir, 'ferretdb', 'server.json');
  const info = JSON.parse(readFileSync(infoFile, 'utf8'));
  writeFileSync(infoFile, JSON.stringify({ ...info, ownerPid: dead }));
  process.kill(leftover, 'SIGSTOP');
  const next = database(dir);
  const uri = await next.start();
  expect(next.shared).toBe(false);
  expect(next.serverPid).not.toBe(leftover);
  await eventually('the leftover to be gone', () => !alive(leftover), 10_000);
  expect(await withClient(uri, async (c) => (await c.db('admin').command({ ping: 1 })).ok)).toBe(1);
});

it('a server killed under the running service is started again by itself: /readyz returns to 200 and the data is there', async () => {
  const dir = tempDir();
  const db = database(dir);
  const uri = await db.start();
  await connectDatabase(uri, { dbName: 'police_room' });
  const { app } = buildTestApp();
  await request(app.callback()).get('/readyz').expect(200);
  await mongoose.connection.db!.collection('probe').insertOne({ _id: 'before-crash' as never });

  const pid = db.serverPid!;
  process.kill(pid, 'SIGKILL');
  await eventually('readyz to fail', async () => (await request(app.callback()).get('/readyz')).status === 503, 15_000);
  await eventually('readyz to come back by itself', async () => (await request(app.callback()).get('/readyz')).status === 200);
  await eventually('the restart to be recorded', () => db.restarts === 1, 5_000);
  expect(db.serverPid).not.toBe(pid);
  expect(await mongoose.connection.db!.collection('probe').findOne({ _id: 'before-crash' as never })).not.toBeNull();
});
