/**
 * Throughput of the conversation core and of the WeChat bot (mock puppet).
 *
 *   npx tsx scripts/bench-conversations.ts [--messages 3000] [--bot-messages 300]
 *
 * Prints:
 *  1. understanding only (pure, no I/O): analyze() with the catalog and FAQs of 100 / 1,000 / 4,000
 *     entries — shows cost vs FAQ size;
 *  2. the whole core, handleInbound(), with the catalog and a 1,000-entry FAQ, against a real
 *     embedded database (FerretDB here). Per message the core reads the conversation memory (1 query)
 *     and writes it only when something changed; room/catalog/FAQ come from in-memory caches.
 *     Messages that create items or join threads add their inserts;
 *  3. end to end through a real Wechaty on wechaty-puppet-mock (core + outbox + sender loop).
 */
import { surveySettings } from '../src/modules/surveys';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpus } from 'node:os';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';
import { handleInbound } from '../src/modules/conversations/conversation.service';
import { createKnowledge } from '../src/modules/conversations/knowledge';
import { seedAll } from '../src/modules/seed/seed.service';
import { SERVICE_CATALOG } from '../src/lib/service-catalog';
import { connectDatabase, disconnectDatabase } from '../src/storage/connection';
import { EmbeddedDatabase } from '../src/storage/embedded';
import { createUnderstanding, FAQ_SEED, type FaqEntry } from '../src/understanding';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const MESSAGES = [
  '身份证丢了怎么办', '孩子刚出生怎么上户口？', '警务室几点开门', '你好', '电动车能推楼道里充电吗？', '无犯罪记录证明怎么开',
  '刚租了房子要去登记吗', '住多久才能办居住证', '捡了个钱包交哪儿', '港澳通行证能在警务室签注吗', '这个月18号开放日几点开始',
  '老人走了户口去哪注销', '户口本上还写着未婚咋改', '谢谢', '明天坐火车身份证还没下来能办个临时的吗', '单位让开户籍证明在哪开',
];

/** A synthetic FAQ of n entries: the seed, then variations of it (different ids, shuffled keywords). */
export function syntheticFaq(n: number): FaqEntry[] {
  const out: FaqEntry[] = [];
  const extra = ['社区', '街道', '办理', '咨询', '窗口', '周末', '材料', '流程', '多久', '费用', '线上', '异地'];
  for (let i = 0; out.length < n; i++) {
    const base = FAQ_SEED[i % FAQ_SEED.length];
    const round = Math.floor(i / FAQ_SEED.length);
    out.push(
      round === 0
        ? base
        : { ...base, id: `${base.id}-v${round}`, question: `${base.question}（${extra[round % extra.length]}${round}）`, keywords: [...(base.keywords ?? []), extra[(round + i) % extra.length]] },
    );
  }
  return out;
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')} msg/s`;
}

async function benchUnderstanding(): Promise<void> {
  console.log('\n1. Understanding only (pure: emergency rules, jieba, intent rules, BM25 over catalog + FAQ)');
  for (const size of [100, 1000, 4000]) {
    const u = createUnderstanding({ faq: syntheticFaq(size) });
    for (let i = 0; i < 200; i++) u.analyze(MESSAGES[i % MESSAGES.length]);
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) u.analyze(MESSAGES[i % MESSAGES.length]);
    const ms = performance.now() - t0;
    console.log(`   FAQ ${String(size).padStart(5)} entries: ${rate(n, ms).padStart(14)}  (${((ms / n) * 1000).toFixed(0)} µs/msg)`);
  }
}

async function benchCore(total: number): Promise<void> {
  console.log(`\n2. Whole core, handleInbound() with catalog + 1,000-entry FAQ, ${total} messages, real database`);
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const logger = createLogger({ level: 'silent' });
  const knowledge = createKnowledge({ faq: syntheticFaq(1000), services: SERVICE_CATALOG.map((s) => ({ ...s, bookable: true })) });
  const deps = { config, logger, knowledge, ai: null, surveys: surveySettings(config) };
  const msg = (i: number, conv: string) => ({ channel: 'web' as const, conversationId: conv, senderId: conv, text: MESSAGES[i % MESSAGES.length], isGroup: false, mentioned: true, room: 'HPL', receivedAt: new Date() });
  for (let i = 0; i < 100; i++) await handleInbound(msg(i, `warm-${i % 10}`), deps);
  for (const concurrency of [1, 8, 32]) {
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        while (next < total) {
          const i = next++;
          await handleInbound(msg(i, `bench-${w}-${i % 50}`), deps);
        }
      }),
    );
    const ms = performance.now() - t0;
    console.log(`   concurrency ${String(concurrency).padStart(2)}: ${rate(total, ms).padStart(14)}  (${(ms / total).toFixed(2)} ms/msg wall)`);
  }
}

async function benchBot(total: number): Promise<void> {
  console.log(`\n3. Through the bot: wechaty-puppet-mock → core → outbox → sender → mock WeChat, ${total} private messages`);
  const { startMockWechat } = await import('../test/helpers/mock-wechat');
  const wx = await startMockWechat({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '50', BOT_RATE_SENDER_PER_MIN: '100000', BOT_DAILY_SEND_CAP: '1000000' }),
    logger: createLogger({ level: 'silent' }),
    botOptions: { knowledge: createKnowledge({ faq: syntheticFaq(1000) }), outbox: { batchSize: 200 } },
  });
  const residents = Array.from({ length: 20 }, (_, i) => wx.createResident(`居民${i}`));
  for (const r of residents) r.say('选择警务室 HPL').to(wx.me);
  await Promise.all(residents.map((r) => wx.waitForMessage(r, (t) => t.includes('和平里'), 20_000)));
  const { OutboxModel } = await import('../src/modules/outbox/outbox.model');
  // Latency: one message at a time, waiting for its reply.
  const solo = residents[0];
  const lat: number[] = [];
  for (let i = 0; i < 30; i++) {
    const n = wx.messagesTo(solo).length;
    const t = performance.now();
    solo.say(MESSAGES[i % MESSAGES.length]).to(wx.me);
    while (wx.messagesTo(solo).length === n) await new Promise((r) => setTimeout(r, 2));
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  console.log(`   one at a time: median ${lat[15].toFixed(0)} ms from the resident's message to the bot's reply (p90 ${lat[27].toFixed(0)} ms)`);
  const since = new Date();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) residents[i % residents.length].say(MESSAGES[i % MESSAGES.length]).to(wx.me);
  // Every message gets at least one reply; done when ≥ total replies exist and none is waiting.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const [made, pending] = await Promise.all([
      OutboxModel.countDocuments({ createdAt: { $gte: since }, channel: 'wechat' }),
      OutboxModel.countDocuments({ createdAt: { $gte: since }, status: { $in: ['queued', 'sending'] } }),
    ]);
    if ((made >= total && pending === 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - t0;
  const sent = await OutboxModel.countDocuments({ createdAt: { $gte: since }, status: 'sent' });
  console.log(`   ${total} messages in, ${sent} replies delivered: ${rate(total, ms)} end to end`);
  await wx.stop();
}

async function main(): Promise<void> {
  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`);
  await benchUnderstanding();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-conv-'));
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  try {
    const uri = await embedded.start();
    await connectDatabase(uri, { dbName: 'bench' });
    console.log(`\nDatabase: ${embedded.kind} (embedded, temp dir)`);
    await seedAll({ demo: true });
    await benchCore(arg('messages', 3000));
    await benchBot(arg('bot-messages', 300));
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
