/**
 * Inbox latency with a large queue on the embedded database (FerretDB 1.24 / SQLite here).
 *
 *   npx tsx scripts/bench-inbox.ts [--items 100000] [--open 2000] [--runs 50] [--data DIR]
 *
 * 1. Inserts --items items with insertMany (batches of 5,000) over the demo district's four
 *    rooms: --open of them open (new), the rest resolved over the past year; each item gets a thread
 *    of 3 messages (the resident's message; for resolved items an officer's reply and a status event).
 * 2. Signs an officer of room HPL in (the real HTTP stack, in process, via supertest) and
 *    times, --runs times each: GET /api/inbox (default: open), GET /api/inbox?status=all,
 *    GET /api/inbox?breached=true, GET /api/inbox/:id, POST /api/inbox/:id/claim on distinct
 *    items, POST /api/inbox/next. Prints p50/p99 in milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { Types } from 'mongoose';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logging/logger';
import { CODE_ALPHABET } from '../src/lib/codes';
import { ItemMessageModel, ItemModel, type ItemKind } from '../src/modules/items/item.model';
import { threadMessageId } from '../src/modules/items/thread';
import { OfficerModel } from '../src/modules/officers/officer.model';
import { seedAll } from '../src/modules/seed/seed.service';
import { connectDatabase, disconnectDatabase } from '../src/storage/connection';
import { EmbeddedDatabase } from '../src/storage/embedded';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ITEMS = Number(arg('items', '100000'));
const OPEN = Number(arg('open', '2000'));
const RUNS = Number(arg('runs', '50'));
const DATA = arg('data', '');
const BATCH = 5000;
const ROOMS = ['HPL', 'LSC', 'DHL', 'LD01'];
const KINDS: ItemKind[] = ['question', 'question', 'question', 'dispute', 'complaint', 'tip', 'emergency'];
const PRIORITY: Record<string, number> = { emergency: 3, tip: 2, complaint: 2, followup: 2, dispute: 1, question: 0 };

let seed = 4242;
const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;

function code(n: number): string {
  let body = '';
  for (let k = 0; k < 7; k++) {
    body += CODE_ALPHABET[n % CODE_ALPHABET.length];
    n = Math.floor(n / CODE_ALPHABET.length);
  }
  return `S${body}`;
}

function objectIdAt(at: Date): Types.ObjectId {
  const buf = Buffer.alloc(12);
  buf.writeUInt32BE(Math.floor(at.getTime() / 1000), 0);
  for (let k = 4; k < 12; k++) buf[k] = Math.floor(rand() * 256);
  return new Types.ObjectId(buf);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(label: string, runs: number, fn: (i: number) => Promise<void>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1).padStart(8);
  console.log(`${label.padEnd(44)} p50 ${f(percentile(samples, 50))} ms   p99 ${f(percentile(samples, 99))} ms   (n=${runs})`);
}

async function main(): Promise<void> {
  const dir = DATA || mkdtempSync(path.join(os.tmpdir(), 'bench-inbox-'));
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  const uri = process.env.MONGODB_URI ?? (await embedded.start());
  await connectDatabase(uri, { dbName: 'bench_inbox' });
  try {
    await seedAll({ demo: true });
    const existing = await ItemModel.estimatedDocumentCount();
    if (existing < ITEMS) {
      const t0 = Date.now();
      const now = Date.now();
      for (let start = existing; start < ITEMS; start += BATCH) {
        const docs = [];
        const messages: Array<Record<string, unknown>> = [];
        for (let i = start; i < Math.min(ITEMS, start + BATCH); i++) {
          const open = i >= ITEMS - OPEN;
          const kind = KINDS[Math.floor(rand() * KINDS.length)];
          const createdAt = new Date(open ? now - rand() * 3 * 86400_000 : now - 4 * 86400_000 - rand() * 365 * 86400_000);
          docs.push({
            // An _id from the creation time, as if the item had been created then (ObjectIds start with their time).
            _id: objectIdAt(createdAt),
            code: code(i + 1),
            room: ROOMS[i % ROOMS.length],
            kind,
            status: open ? 'new' : 'resolved',
            priority: PRIORITY[kind],
            flagged: kind === 'emergency',
            summary: `测试事项 ${i}：孩子刚出生怎么上户口？`,
            dueAt: new Date(createdAt.getTime() + 24 * 3600_000),
            createdAt,
            updatedAt: createdAt,
            lastActivityAt: createdAt,
            resolvedAt: open ? null : new Date(createdAt.getTime() + 3600_000),
            firstResponseAt: open ? null : new Date(createdAt.getTime() + 600_000),
          });
          const item = docs[docs.length - 1]._id;
          // Numbered as appendMessage() numbers them (src/modules/items/thread.ts).
          const message = (seq: number, m: Record<string, unknown>) => messages.push({ _id: threadMessageId(item, seq), seq, item, attachments: [], officer: null, ...m });
          message(1, { author: 'resident', kind: 'message', text: `孩子刚出生怎么上户口？（${i}）`, at: createdAt });
          if (!open) {
            message(2, { author: 'officer', kind: 'reply', text: '请携带出生医学证明到警务室办理。', at: new Date(createdAt.getTime() + 600_000) });
            message(3, { author: 'system', kind: 'event', text: '已办结', at: new Date(createdAt.getTime() + 3600_000) });
          }
        }
        await ItemModel.insertMany(docs, { ordered: false, lean: true });
        await ItemMessageModel.insertMany(messages, { ordered: false, lean: true });
      }
      console.log(`inserted ${ITEMS - existing} items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    console.log(`items in database: ${await ItemModel.estimatedDocumentCount()} (${await ItemModel.countDocuments({ status: 'new' })} new), thread messages: ${await ItemMessageModel.estimatedDocumentCount()}`);

    await OfficerModel.deleteOne({ username: 'bench_officer' });
    await OfficerModel.create({ username: 'bench_officer', name: '压测民警', role: 'officer', rooms: ['HPL'], passwordHash: await hash('bench-password-1') });
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', DATA_DIR: dir });
    const app = createApp({ config, logger: createLogger({ level: 'silent' }) });
    const agent = request.agent(app.callback());
    const loginRes = await agent.post('/api/auth/login').send({ username: 'bench_officer', password: 'bench-password-1' });
    if (loginRes.status !== 200) throw new Error(`login failed: ${loginRes.status}`);
    const csrf = loginRes.body.csrfToken as string;

    const open = await ItemModel.find({ room: 'HPL', status: 'new' }, { _id: 1 }).limit(RUNS * 2).lean();
    // The first request after start builds the open queue from the items (a full pass); timed apart.
    const t0 = Date.now();
    await agent.get('/api/inbox').expect(200);
    console.log(`first GET /api/inbox after start (builds the open queue): ${Date.now() - t0} ms`);
    await time('GET /api/inbox (open, HPL officer)', RUNS, async () => {
      const res = await agent.get('/api/inbox');
      if (res.status !== 200) throw new Error(String(res.status));
    });
    await time('GET /api/inbox?status=all', RUNS, async () => {
      await agent.get('/api/inbox?status=all').expect(200);
    });
    await time('GET /api/inbox?breached=true', RUNS, async () => {
      await agent.get('/api/inbox?breached=true').expect(200);
    });
    await time('GET /api/inbox/:id (item + thread)', RUNS, async (i) => {
      await agent.get(`/api/inbox/${open[i]._id}`).expect(200);
    });
    await time('POST /api/inbox/:id/claim', RUNS, async (i) => {
      await agent.post(`/api/inbox/${open[i]._id}/claim`).set('X-CSRF-Token', csrf).send({}).expect(200);
    });
    await time('POST /api/inbox/next', RUNS, async () => {
      const res = await agent.post('/api/inbox/next').set('X-CSRF-Token', csrf).send({}).expect(200);
      if (!res.body.item) throw new Error('queue empty');
    });
  } finally {
    await disconnectDatabase();
    await embedded.stop();
    if (!DATA) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
