/**
 * Memory of the service under web chat traffic: RSS idle, after N messages, after a second N.
 * No growth between the two runs = no leak. Loopback only; each phase is bounded in time.
 *
 *   npx tsx scripts/load/memory.ts [--messages 100000] [--concurrency 20] [--max-minutes 15]
 *
 * Each of `concurrency` workers holds a conversation for 4 messages, then starts another
 * (realistic resident texts, as in run.ts). After 10 s of quiet, RSS is read from /proc, then
 * the service runs a full GC (scripts/load/gc-probe.ts) and reports its V8 heap in use: the
 * figure a leak makes grow from run to run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databasePid, rssOf, startDatabase } from './harness';
import { RESIDENT_TEXTS, residentAddress } from './texts';
import { startService } from './service';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const MESSAGES = Number(argValue('messages') ?? 100_000);
const CONCURRENCY = Number(argValue('concurrency') ?? 20);
const MAX_MINUTES = Number(argValue('max-minutes') ?? 15);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Probe {
  rss: number;
  heapUsed: number;
  external: number;
}

/** Asks the service for a full GC and its memory figures afterwards (see gc-probe.ts). */
async function heapAfterGc(pid: number, out: string): Promise<Probe | null> {
  rmSync(out, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    if (existsSync(out)) {
      try {
        return JSON.parse(readFileSync(out, 'utf8')) as Probe;
      } catch {
        // half written: read again
      }
    }
  }
  return null;
}

interface Phase {
  sent: number;
  failed: number;
  seconds: number;
  peakRss: number;
  reachedTarget: boolean;
}

async function phase(url: string, pid: number, target: number): Promise<Phase> {
  const started = Date.now();
  const deadline = started + MAX_MINUTES * 60_000;
  let sent = 0;
  let failed = 0;
  let issued = 0;
  let peakRss = rssOf(pid);
  let lastReport = started;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssOf(pid));
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      const s = (Date.now() - started) / 1000;
      process.stderr.write(`  … ${sent} messages in ${s.toFixed(0)} s (${(sent / s).toFixed(0)}/s), RSS ${mb(rssOf(pid))}\n`);
    }
  }, 1000);
  const worker = async (w: number) => {
    let cid: string | undefined;
    let address = residentAddress();
    let turn = 0;
    while (issued < target && Date.now() < deadline) {
      issued++;
      const body: Record<string, string> = { room: 'HPL', text: RESIDENT_TEXTS[(issued + w) % RESIDENT_TEXTS.length] };
      if (cid && turn % 4 !== 0) body.conversationId = cid;
      else address = residentAddress();
      turn++;
      try {
        const headers = { 'content-type': 'application/json', 'x-forwarded-for': address };
        const res = await fetch(`${url}/api/chat/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
        const json = (await res.json()) as { conversationId?: string };
        if (res.status === 200) {
          sent++;
          cid = json.conversationId;
        } else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  clearInterval(sampler);
  return { sent, failed, seconds: (Date.now() - started) / 1000, peakRss, reachedTarget: sent + failed >= target };
}

async function main(): Promise<void> {
  process.stdout.write(`# Memory under web chat load — ${new Date().toISOString()}\n\n`);
  process.stdout.write(`- nproc ${os.cpus().length}; CPU ${os.cpus()[0]?.model}; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}\n`);
  process.stdout.write(`- ${MESSAGES} messages per run, ${CONCURRENCY} concurrent conversations, each run stops after ${MAX_MINUTES} min at the latest\n\n`);
  const db = await startDatabase();
  const probeOut = path.join(mkdtempSync(path.join(os.tmpdir(), 'gc-probe-')), 'memory.json');
  const service = await startService(db.uri, { env: { GC_PROBE_OUT: probeOut }, nodeArgs: ['--expose-gc', '--import', path.join(__dirname, 'gc-probe.ts')] });
  const pid = service.child.pid!;
  const dbPid = databasePid(db.embedded);
  try {
    await sleep(10_000);
    const idle = rssOf(pid);
    const idleHeap = await heapAfterGc(pid, probeOut);
    const heapCell = (p: Probe | null) => (p ? `${mb(p.heapUsed)} (RSS ${mb(p.rss)})` : '—');
    const rows = [`| idle (after start-up and seeding, 10 s quiet) | — | — | ${mb(idle)} | — | ${heapCell(idleHeap)} | ${dbPid ? mb(rssOf(dbPid)) : '—'} |`];
    process.stderr.write(`idle RSS ${mb(idle)}, heap after GC ${heapCell(idleHeap)}\n`);
    const afters: number[] = [];
    const heaps: Array<Probe | null> = [];
    for (const name of ['run 1', 'run 2']) {
      const p = await phase(service.url, pid, MESSAGES);
      await sleep(10_000);
      const after = rssOf(pid);
      afters.push(after);
      const heap = await heapAfterGc(pid, probeOut);
      heaps.push(heap);
      const rate = p.sent / p.seconds;
      rows.push(
        `| after ${name}: ${p.sent} messages${p.reachedTarget ? '' : ` (stopped at the ${MAX_MINUTES}-min bound)`}, ${p.failed} failed | ${p.seconds.toFixed(0)} s | ${rate.toFixed(1)} msg/s | ${mb(after)} | ${mb(p.peakRss)} | ${heapCell(heap)} | ${dbPid ? mb(rssOf(dbPid)) : '—'} |`,
      );
      process.stderr.write(`${name}: ${p.sent} in ${p.seconds.toFixed(0)} s, RSS ${mb(after)} (peak ${mb(p.peakRss)}), heap after GC ${heapCell(heap)}\n`);
    }
    process.stdout.write('| point | duration | rate | service RSS (10 s after) | service peak RSS | service V8 heap after full GC | database RSS |\n|---|---|---|---|---|---|---|\n');
    process.stdout.write(rows.join('\n') + '\n\n');
    const growth = afters[1] - afters[0];
    process.stdout.write(`RSS growth between the two runs: ${(growth / 2 ** 20).toFixed(1)} MB (${((100 * growth) / afters[0]).toFixed(1)}%).\n`);
    if (heaps[0] && heaps[1]) {
      const heapGrowth = heaps[1].heapUsed - heaps[0].heapUsed;
      process.stdout.write(`V8 heap growth (after full GC) between the two runs: ${(heapGrowth / 2 ** 20).toFixed(1)} MB (${((100 * heapGrowth) / heaps[0].heapUsed).toFixed(1)}%).\n`);
    }
  } finally {
    await service.stop();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
