/**
 * Fault: the database stops for a while under load (issue 8: 30 s).
 *
 *   npx tsx scripts/faults/db-outage.ts [--outage-seconds=30] [--concurrency=8] [--after-seconds=10] [--max-requests=50000]
 *
 * Starts one embedded database and one service instance (child process, src/main.ts), keeps
 * `concurrency` loopback clients busy with web chat messages (emergencies, which create an item
 * whose code is in the reply, and ordinary questions) and /readyz, stops the database for the
 * outage, starts it again (same port and data) and keeps the load on a while. An in-process
 * outbox sender with a fake WeChat transport holds a message that falls due during the outage.
 * Prints figures: answers by phase and status, latencies, time to recover, accepted vs stored
 * messages, outbox delivery after the restart. Loopback only, bounded by time and request count.
 *
 * test/reliability/db-outage.test.ts runs the same scenario with a ~5 s outage and asserts on it.
 */
import path from 'node:path';
import { isDatabaseReady, connectDatabase, disconnectDatabase } from '../../src/storage/connection';
import { createLogger } from '../../src/logging/logger';
import { seedAll } from '../../src/modules/seed/seed.service';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createOutboxSender } from '../../src/modules/outbox/outbox.sender';
import { call, itemCodeIn, percentile, sleep, startServiceInstance, startSharedDatabase } from './harness';

export interface OutageOptions {
  outageMs: number;
  concurrency: number;
  /** Load before the stop. */
  warmupMs?: number;
  /** Load after the restart. */
  afterMs?: number;
  maxRequests?: number;
  /** Client-side timeout: a request not answered by then counts as hanging (status 0). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * before; stopping: SIGTERM sent, the server still finishing its connections; outage: its process has exited;
 * restarting: its new process is starting (requests may be served by it); after: it answers again.
 */
type Phase = 'before' | 'stopping' | 'outage' | 'restarting' | 'after';
type Kind = 'emergency' | 'question' | 'readyz';

interface Sample {
  phase: Phase;
  kind: Kind;
  status: number;
  ms: number;
  text?: string;
  code?: string | null;
  /** An emergency's answer told the resident to call 110. */
  said110?: boolean;
  /** The Retry-After header of a 503, in seconds (null: missing). */
  retryAfter?: number | null;
  error?: string;
}

export interface PhaseFigures {
  requests: number;
  byStatus: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface OutageFigures {
  outageMs: number;
  concurrency: number;
  /** SIGTERM to the database server's exit (it finishes open connections meanwhile). */
  databaseShutdownMs: number;
  outboxDeliveredBeforeOutage: boolean;
  phases: Record<Phase, PhaseFigures>;
  /** Requests with no answer within the client timeout, or refused connections. */
  hanging: number;
  /** Slowest answer of a request started during the outage (stopping or stopped). */
  maxOutageLatencyMs: number;
  /** From the database's restart (start of the server process) to the service's first ready answer. */
  recoveryMs: number | null;
  /** Emergency messages answered 200 with an item code (the service says it recorded them). */
  accepted: number;
  /** Of those, found in the database with their text. */
  stored: number;
  lost: string[];
  /** Requests started after the database process exited that were answered 200 (kind, ms, code). */
  outageSuccesses: string[];
  /** Emergencies answered 200 (numbers shown) without an item code: not recorded, and not claimed to be. */
  answeredUnrecorded: number;
  /** Emergencies, by phase and status: an emergency is never held back, so all should be 200 with 110 in the answer. */
  emergencies: Record<Phase, Record<string, number>>;
  /** Emergencies whose answer did not tell the resident to call 110 (first few). */
  emergenciesWithout110: string[];
  /** 503 answers without a usable Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** The service's error lines "could not record an emergency item" (one per emergency answered without a code). */
  emergencyRecordFailures: number;
  /** Outbox message queued as the database stopped: delivered this long after its restart began (null: never). */
  outboxDeliveredAfterRestartMs: number | null;
  outboxMessageStatus: string | null;
  /** Errors the service logged (pino level ≥ 50) that were not database-unavailable 503s or an emergency it could not record, first few. */
  serviceErrors: string[];
  instanceOutputTail: string;
}

const EMERGENCY = ['救命！有人拿刀在楼道里砍人', '楼下着火了，好多烟'];
const QUESTIONS = ['身份证丢了怎么补办', '办居住证需要什么材料', '户口迁移怎么办理'];

function phaseFigures(samples: Sample[]): PhaseFigures {
  const byStatus: Record<string, number> = {};
  for (const s of samples) byStatus[String(s.status)] = (byStatus[String(s.status)] ?? 0) + 1;
  const ms = samples.map((s) => s.ms);
  return { requests: samples.length, byStatus, p50Ms: Math.round(percentile(ms, 50)), p99Ms: Math.round(percentile(ms, 99)), maxMs: Math.round(Math.max(0, ...ms)) };
}

export async function runDbOutage(options: OutageOptions): Promise<OutageFigures> {
  const log = options.log ?? (() => undefined);
  const warmupMs = options.warmupMs ?? 3000;
  const afterMs = options.afterMs ?? 8000;
  const maxRequests = options.maxRequests ?? 50_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;

  const db = await startSharedDatabase('outage');
  const logger = createLogger({ level: 'silent' });
  let instance: Awaited<ReturnType<typeof startServiceInstance>> | null = null;
  const delivered: Array<{ key: string; at: number }> = [];
  const sender = createOutboxSender({
    channel: 'wechat',
    senderId: 'fault-sender',
    logger,
    baseBackoffMs: 200,
    maxBackoffMs: 1000,
    send: async (message) => {
      delivered.push({ key: message.key, at: Date.now() });
    },
  });
  try {
    await connectDatabase(db.serverUri, { dbName: db.dbName });
    await seedAll({ demo: true });
    instance = await startServiceInstance({
      name: 'outage',
      mongoUri: db.uri,
      env: { CHAT_RATE_IP_PER_MIN: '1000000', CHAT_RATE_CONVERSATION_PER_MIN: '1000000', LOG_LEVEL: 'error' },
    });
    const base = instance.base;
    log(`service on ${base}, database ${db.embedded.kind} on ${db.serverUri}`);

    sender.start(200);
    await enqueueMessage({ key: 'fault:before', to: { channel: 'wechat', conversationId: 'wx-resident-1', isGroup: false }, text: '停库前的消息', purpose: 'notice' });

    const samples: Sample[] = [];
    let phase: Phase = 'before';
    let stopLoad = false;
    let sent = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stopLoad && sent < maxRequests; i++) {
        sent++;
        const p = phase;
        const kind: Kind = (['emergency', 'question', 'readyz'] as const)[(i + w) % 3];
        if (kind === 'readyz') {
          const r = await call(base, 'GET', '/readyz', { timeoutMs: requestTimeoutMs });
          samples.push({ phase: p, kind, status: r.status, ms: r.ms, error: r.error });
        } else {
          const text = kind === 'emergency' ? `${EMERGENCY[i % EMERGENCY.length]}（${w}-${i}）` : QUESTIONS[i % QUESTIONS.length];
          const r = await call(base, 'POST', '/api/chat/messages', { body: { room: 'HPL', text }, timeoutMs: requestTimeoutMs });
          const replyText = r.status === 200 ? (r.body.replies as Array<{ text: string }>).map((x) => x.text).join('\n') : '';
          const retryHeader = r.status === 503 ? r.headers?.get('retry-after') : null;
          samples.push({
            phase: p,
            kind,
            status: r.status,
            ms: r.ms,
            text,
            code: r.status === 200 ? itemCodeIn(replyText) : null,
            said110: /\b(110|119|120|122)\b/.test(replyText),
            retryAfter: retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null,
            error: r.error,
          });
        }
        await sleep(5);
      }
    };
    // A load balancer's health probe, every 250 ms whatever the clients are waiting on (they can
    // all sit on requests begun while the server was shutting down, so the outage would otherwise
    // see only a handful of fresh requests).
    const probe = async () => {
      while (!stopLoad) {
        const p = phase;
        const r = await call(base, 'GET', '/readyz', { timeoutMs: requestTimeoutMs });
        samples.push({ phase: p, kind: 'readyz', status: r.status, ms: r.ms, error: r.error });
        await sleep(250);
      }
    };
    const load = Promise.all([...Array.from({ length: options.concurrency }, (_, w) => worker(w)), probe()]);

    await sleep(warmupMs);
    // A message queued just before the stop, with the sender paused until the database is
    // gone: it can only be delivered by the sender ticking on through the outage.
    const firstDelivered = delivered.some((d) => d.key === 'fault:before');
    await sender.stop();
    await enqueueMessage({ key: 'fault:during', to: { channel: 'wechat', conversationId: 'wx-resident-2', isGroup: false }, text: '停库期间排队的消息', purpose: 'notice' });
    log(`stopping the database for ${options.outageMs / 1000} s under ${options.concurrency} clients`);
    const stopping = Date.now();
    phase = 'stopping';
    await db.embedded.stop();
    const stoppedAt = Date.now();
    phase = 'outage';
    sender.start(200);
    log(`database process exited ${stoppedAt - stopping} ms after SIGTERM`);
    await sleep(options.outageMs);
    const restartedAt = Date.now();
    phase = 'restarting';
    await db.embedded.start();
    phase = 'after';
    log(`database back after ${restartedAt - stoppedAt} ms`);

    // Recovery: the first ready answer after the restart (probed every 100 ms, bounded).
    let recoveryMs: number | null = null;
    while (Date.now() - restartedAt < 60_000) {
      const r = await call(base, 'GET', '/readyz', { timeoutMs: 5000 });
      if (r.status === 200) {
        recoveryMs = Date.now() - restartedAt;
        break;
      }
      await sleep(100);
    }
    log(`service ready ${recoveryMs} ms after the restart`);
    await sleep(afterMs);
    stopLoad = true;
    await load;

    // This process's own connection comes back too before the checks.
    for (let i = 0; i < 300 && !(await isDatabaseReady()); i++) await sleep(100);

    // Outbox: the message due during the outage is delivered after the restart.
    const deadline = Date.now() + 30_000;
    while (!delivered.some((d) => d.key === 'fault:during') && Date.now() < deadline) await sleep(100);
    const during = delivered.find((d) => d.key === 'fault:during');
    const outboxDoc = await OutboxModel.findOne({ key: 'fault:during' }).lean();

    // Every emergency answered 200 with an item code is stored with its text.
    const accepted = samples.filter((s) => s.kind === 'emergency' && s.status === 200 && s.code);
    const items = await ItemModel.find({ code: { $in: accepted.map((s) => s.code!) } }, { code: 1 }).lean();
    const idByCode = new Map(items.map((i) => [i.code, i._id]));
    const threads = await ItemMessageModel.find({ item: { $in: items.map((i) => i._id) }, author: 'resident' }, { item: 1, text: 1 }).lean();
    const textsByItem = new Map<string, string[]>();
    for (const m of threads) textsByItem.set(String(m.item), [...(textsByItem.get(String(m.item)) ?? []), m.text]);
    const lost = accepted.filter((s) => {
      const id = idByCode.get(s.code!);
      return !id || !(textsByItem.get(String(id)) ?? []).includes(s.text!);
    });

    const outageSamples = samples.filter((s) => s.phase === 'outage' || s.phase === 'stopping');
    const errorLines = instance.errorLines();
    const emergencyRecordFailures = errorLines.filter((line) => line.includes('could not record an emergency')).length;
    // Errors that only say the database was away are expected here: the names are the ones the
    // HTTP layer maps to 503 (isDatabaseDown), including the driver's 'Topology is closed' and 'not
    // connected' while the connection watchdog closes and reopens a connection stuck after the restart.
    const serviceErrors = errorLines
      .filter((line) => !/"status":503|database_unavailable|MongoServerSelectionError|MongooseServerSelectionError|buffering timed out|ECONNREFUSED|MongoNetwork|PoolCleared|MongoTopologyClosedError|MongoNotConnectedError|socket has been ended by the other party|context canceled|could not record an emergency/.test(line))
      .slice(0, 5)
      .map((line) => line.slice(0, 600));
    const emergencies = Object.fromEntries(
      (['before', 'stopping', 'outage', 'restarting', 'after'] as const).map((phase) => [phase, phaseFigures(samples.filter((s) => s.kind === 'emergency' && s.phase === phase)).byStatus]),
    ) as Record<Phase, Record<string, number>>;

    return {
      outageMs: restartedAt - stoppedAt,
      concurrency: options.concurrency,
      databaseShutdownMs: stoppedAt - stopping,
      outboxDeliveredBeforeOutage: firstDelivered,
      phases: {
        before: phaseFigures(samples.filter((s) => s.phase === 'before')),
        stopping: phaseFigures(samples.filter((s) => s.phase === 'stopping')),
        outage: phaseFigures(samples.filter((s) => s.phase === 'outage')),
        restarting: phaseFigures(samples.filter((s) => s.phase === 'restarting')),
        after: phaseFigures(samples.filter((s) => s.phase === 'after')),
      },
      hanging: samples.filter((s) => s.status === 0).length,
      maxOutageLatencyMs: Math.round(Math.max(0, ...outageSamples.map((s) => s.ms))),
      recoveryMs,
      accepted: accepted.length,
      stored: accepted.length - lost.length,
      lost: lost.map((s) => `${s.code} ${s.text}`),
      outageSuccesses: samples.filter((s) => s.phase === 'outage' && s.status === 200).map((s) => `${s.kind} ${Math.round(s.ms)}ms ${s.code ?? ''}`),
      answeredUnrecorded: samples.filter((s) => s.kind === 'emergency' && s.status === 200 && !s.code).length,
      emergencies,
      emergenciesWithout110: samples.filter((s) => s.kind === 'emergency' && !(s.status === 200 && s.said110)).slice(0, 5).map((s) => `${s.phase} ${s.status} ${Math.round(s.ms)}ms ${s.error ?? ''}`),
      unavailableWithoutRetryAfter: samples.filter((s) => s.status === 503 && s.kind !== 'readyz' && !(s.retryAfter && s.retryAfter > 0)).length,
      emergencyRecordFailures,
      outboxDeliveredAfterRestartMs: during ? during.at - restartedAt : null,
      outboxMessageStatus: outboxDoc?.status ?? null,
      serviceErrors,
      instanceOutputTail: instance.output().slice(-3000),
    };
  } finally {
    await sender.stop().catch(() => undefined);
    await instance?.stop();
    await disconnectDatabase().catch(() => undefined);
    await db.stop();
  }
}

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
}

async function main(): Promise<void> {
  const figures = await runDbOutage({
    outageMs: arg('outage-seconds', 30) * 1000,
    concurrency: arg('concurrency', 8),
    afterMs: arg('after-seconds', 10) * 1000,
    maxRequests: arg('max-requests', 50_000),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const { instanceOutputTail: _tail, ...shown } = figures;
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  const ok = figures.hanging === 0 && figures.lost.length === 0 && figures.recoveryMs !== null && figures.outboxDeliveredAfterRestartMs !== null;
  process.stdout.write(ok ? 'OK: no hanging request, nothing lost, recovered, outbox resumed\n' : 'FAILED: see the figures above\n');
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
