/**
 * The bot process is killed mid-send and restarted (issue 8). The sending half of the bot is
 * the outbox sender; scripts/faults/outbox-worker.ts runs it in a child process with a fake
 * WeChat transport that appends each delivery to a file. The first worker is SIGKILLed right
 * after WeChat accepted a message but before the sender recorded it as sent; a second worker
 * resumes. Every queued message is delivered, none lost, the only repeat is the message in
 * flight at the crash, and that repeat is logged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase, disconnectDatabase } from '../../src/storage/connection';
import { projectRoot } from '../../src/lib/project-root';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { OutboxModel, OutboxSendModel } from '../../src/modules/outbox/outbox.model';
import { sleep, startSharedDatabase, type SharedDatabase } from '../../scripts/faults/harness';

jest.setTimeout(90_000);

let db: SharedDatabase;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await startSharedDatabase('botcrash');
  await connectDatabase(db.serverUri, { dbName: db.dbName });
  dir = mkdtempSync(path.join(os.tmpdir(), 'bot-crash-'));
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await disconnectDatabase();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Delivery {
  phase: string;
  key?: string;
  id?: string;
  pid: number;
  at: number;
}

function readDeliveries(file: string): Delivery[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Delivery);
}

function startWorker(file: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/faults/outbox-worker.ts'], {
    cwd: projectRoot(),
    env: { ...process.env, MONGODB_URI: db.uri, DELIVERIES: file, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

async function until<T>(probe: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

it('a sender killed mid-send and restarted delivers every message; only the one in flight is repeated, and logged', async () => {
  const MESSAGES = 12;
  for (let i = 0; i < MESSAGES; i++) {
    await enqueueMessage({ key: `crash:${String(i).padStart(2, '0')}`, to: { channel: 'wechat', conversationId: `wx-${i}`, isGroup: false }, text: `第${i}条通知`, purpose: 'notice' });
  }
  const file = path.join(dir, 'deliveries.jsonl');

  // Worker 1: killed (SIGKILL, no clean-up) just after WeChat accepted its 5th message.
  const first = startWorker(file, { SENDER_ID: 'bot#first', SEND_MS: '100', ACK_MS: '600' });
  const inFlight = await until(() => readDeliveries(file).filter((d) => d.phase === 'delivered')[4], 60_000, 'five deliveries by the first worker');
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  const beforeCrash = readDeliveries(file).filter((d) => d.phase === 'delivered');
  expect(beforeCrash).toHaveLength(5);
  // The crash left exactly that message in "sending".
  const stuck = await OutboxModel.find({ status: 'sending' }).lean();
  expect(stuck.map((m) => m.key)).toEqual([inFlight.key]);

  // Worker 2: the restarted bot (stale "sending" claims retried after 1 s here; 120 s by default).
  const second = startWorker(file, { SENDER_ID: 'bot#second', SEND_MS: '20', ACK_MS: '0', STALE_SENDING_MS: '1000' });
  await until(async () => (await OutboxModel.countDocuments({ status: 'sent' })) === MESSAGES, 60_000, 'every message sent');
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));

  const delivered = readDeliveries(file).filter((d) => d.phase === 'delivered');
  const counts = new Map<string, number>();
  for (const d of delivered) counts.set(d.key!, (counts.get(d.key!) ?? 0) + 1);
  // Every queued message reached WeChat …
  expect([...counts.keys()].sort()).toEqual(Array.from({ length: MESSAGES }, (_, i) => `crash:${String(i).padStart(2, '0')}`));
  // … and the only repeat is the message in flight at the crash, sent once more.
  const repeats = [...counts.entries()].filter(([, n]) => n > 1);
  expect(repeats).toEqual([[inFlight.key, 2]]);
  expect(delivered).toHaveLength(MESSAGES + 1);

  // The repeat is counted in the log: one warning naming that message.
  const warnings = second
    .output()
    .split('\n')
    .filter((line) => line.includes('left in \\"sending\\" by a crashed sender'));
  expect(warnings).toHaveLength(1);
  expect(JSON.parse(warnings[0])).toMatchObject({ level: 40, message: inFlight.id, attempt: 2 });

  // Attempts are claimed exactly once: attempt 1 by the first worker, attempt 2 (the repeat) by the second.
  const sends = await OutboxSendModel.find({ message: inFlight.id }).sort({ attempt: 1 }).lean();
  expect(sends.map((s) => [s.attempt, s.sender])).toEqual([
    [1, 'bot#first'],
    [2, 'bot#second'],
  ]);
  const final = await OutboxModel.find({}).lean();
  expect(final.every((m) => m.status === 'sent')).toBe(true);
  process.stderr.write(`bot crash: ${MESSAGES} messages, ${delivered.length} deliveries, repeated ${inFlight.key} (logged once)\n`);
});
