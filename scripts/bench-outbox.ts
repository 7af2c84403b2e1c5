/**
 * What one poll of the WeChat outbox sender costs when the outbox holds a long history.
 *
 *   npx tsx scripts/bench-outbox.ts [--sent 50000] [--polls 30]
 *
 * 1. Inserts --sent delivered WeChat messages (a few months of a busy room's replies).
 * 2. Times --polls idle sender ticks (nothing due: what the bot pays every OUTBOX_POLL_MS), then
 *    one tick that delivers 20 freshly enqueued messages.
 * 3. For comparison, times the outbox query the sender ran before the open rows existed (and
 *    still runs once a minute as its repair pass).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logging/logger';
import { OutboxModel } from '../src/modules/outbox/outbox.model';
import { createOutboxSender } from '../src/modules/outbox/outbox.sender';
import { enqueueMessage } from '../src/modules/outbox/outbox.service';
import { connectDatabase, disconnectDatabase } from '../src/storage/connection';
import { EmbeddedDatabase } from '../src/storage/embedded';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const SENT = arg('sent', 50_000);
const POLLS = arg('polls', 30);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-outbox-'));
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  const uri = process.env.MONGODB_URI ?? (await embedded.start());
  await connectDatabase(uri, { dbName: 'bench_outbox' });
  try {
    const t0 = Date.now();
    const now = Date.now();
    for (let start = 0; start < SENT; start += 5000) {
      const docs = Array.from({ length: Math.min(5000, SENT - start) }, (_, k) => {
        const at = new Date(now - 90 * 86_400_000 + (start + k) * 1000);
        return { key: `hist:${start + k}`, channel: 'wechat', conversationId: `wxid_${(start + k) % 500}`, text: '您好，已收到您的消息，民警会尽快回复。', status: 'sent', attempts: 1, nextAttemptAt: at, sentAt: at, createdAt: at, updatedAt: at };
      });
      await OutboxModel.collection.insertMany(docs as never[]);
    }
    process.stdout.write(`# Outbox sender poll with ${SENT.toLocaleString('en')} delivered messages in the outbox\n\ninserted in ${((Date.now() - t0) / 1000).toFixed(1)} s\n\n`);

    let sentNow = 0;
    const sender = createOutboxSender({ channel: 'wechat', senderId: 'bench', logger: createLogger({ level: 'warn' }), send: async () => void sentNow++ });
    await sender.tick(); // the first tick runs the repair pass
    const idle: number[] = [];
    for (let i = 0; i < POLLS; i++) idle.push(await timed(() => sender.tick()));
    for (let i = 0; i < 20; i++) await enqueueMessage({ key: `new:${i}`, to: { channel: 'wechat', conversationId: `wxid_${i}`, isGroup: false }, text: `回复${i}` });
    const busy = await timed(() => sender.tick());
    const old: number[] = [];
    for (let i = 0; i < Math.min(POLLS, 10); i++) {
      old.push(
        await timed(async () => {
          const at = new Date();
          await OutboxModel.find({ channel: 'wechat', status: 'queued', nextAttemptAt: { $lte: at } }).sort({ urgent: -1, nextAttemptAt: 1 }).limit(20).lean();
          await OutboxModel.find({ channel: 'wechat', status: 'sending', updatedAt: { $lte: new Date(at.getTime() - 120_000) } }).limit(20).lean();
        }),
      );
    }
    process.stdout.write(`| what | p50 ms | p99 ms |\n|---|---|---|\n`);
    process.stdout.write(`| idle sender tick (open rows), n=${idle.length} | ${pct(idle, 50).toFixed(1)} | ${pct(idle, 99).toFixed(1)} |\n`);
    process.stdout.write(`| tick delivering 20 new messages (${sentNow} sent) | ${busy.toFixed(1)} | — |\n`);
    process.stdout.write(`| the outbox query of the old poll / the repair pass, n=${old.length} | ${pct(old, 50).toFixed(1)} | ${pct(old, 99).toFixed(1)} |\n`);
  } finally {
    await disconnectDatabase();
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
