/**
 * Load test of the service beside a bare Koa + mongoose baseline, on one embedded database,
 * measured in the same run so that the result is a ratio. Loopback only; every run is bounded.
 *
 *   npx tsx scripts/load/run.ts [--duration 10] [--connections 1,10,50] [--profile] [--only chat,inbox]
 *
 * Scenarios (each at every concurrency, the baseline first):
 *  - baseline   POST to the bare server: insert one document, read it back;
 *  - chat       POST /api/chat/messages {room:'HPL', text}: realistic resident texts, each connection
 *               starts a conversation and continues it for 3 more messages, then starts another;
 *               each conversation from its own resident address (X-Forwarded-For), under the
 *               default rate limits (60 a minute per address, 20 per conversation);
 *  - slots      GET /api/rooms/HPL/slots?service=… (the booking page's free-slot list, 14 days);
 *  - book       POST /api/appointments to a random slot of those lists, random mobile numbers;
 *               409 slot_full answers are served requests (counted as such, reported apart);
 *  - inbox      GET /api/inbox as the signed-in admin (cookie).
 * --profile runs the service child with --cpu-prof (profile in the printed folder) and the
 * query timer (scripts/load/query-timer.ts): time per query shape, printed at the end.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { cpuMsOf, databasePid, runLoad, startDatabase, startServer, type ChildServer, type LoadRequest, type LoadResult } from './harness';
import { ADMIN_PASSWORD, startService } from './service';
import { summariseProfile } from './profile-summary';
import { RESIDENT_TEXTS, residentAddress } from './texts';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const DURATION = Number(argValue('duration') ?? 10);
const CONNECTIONS = (argValue('connections') ?? '1,10,50').split(',').map(Number);
const PROFILE = process.argv.includes('--profile');
const ONLY = argValue('only')?.split(',');

const SLOT_SERVICES = ['id_card_renewal', 'id_card_reissue', 'residence_permit', 'hukou_certificate', 'birth_registration', 'no_criminal_record_certificate'];

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  let nproc = String(os.cpus().length);
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // keep os.cpus()
  }
  const db = process.env.MONGODB_URI ? `MONGODB_URI (${process.env.MONGODB_URI.replace(/\/\/[^@]*@/, '//')})` : 'embedded FerretDB 1.24.2 (SQLite backend)';
  return [
    `- nproc: ${nproc}; CPU: ${cpu}; RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${os.type()} ${os.release()}`,
    `- load average at start (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} — the 2 cores are shared with other work in this tree`,
    `- node ${process.version}; database: ${db}; load generator: autocannon (in this process), servers: child processes, all on 127.0.0.1`,
  ].join('\n');
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

interface Slot {
  service: string;
  start: string;
}

async function freeSlots(url: string): Promise<{ services: string[]; slots: Slot[] }> {
  const services: string[] = [];
  const slots: Slot[] = [];
  for (const service of SLOT_SERVICES) {
    const res = await fetch(`${url}/api/rooms/HPL/slots?service=${service}`);
    if (res.status !== 200) continue;
    const body = (await res.json()) as { data: Array<{ start: string; remaining: number }> };
    services.push(service);
    for (const s of body.data) if (s.remaining > 0) slots.push({ service, start: s.start });
  }
  return { services, slots };
}

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];
const mobile = () => `13${Math.floor(100_000_000 + Math.random() * 899_999_999)}`;

/**
 * A conversation of four messages per connection, then a new one: autocannon clears the
 * per-connection context each time it loops over the request list.
 */
function chatRequests(): LoadRequest[] {
  let n = 0;
  const message = (continuing: boolean): LoadRequest => ({
    setupRequest: (req, context) => {
      const body: Record<string, string> = { room: 'HPL', text: RESIDENT_TEXTS[n++ % RESIDENT_TEXTS.length] };
      if (continuing && typeof context.cid === 'string') body.conversationId = context.cid;
      else context.address = residentAddress();
      const headers = { ...(req.headers as Record<string, string>), 'x-forwarded-for': String(context.address) };
      return { ...req, method: 'POST', path: '/api/chat/messages', headers, body: JSON.stringify(body) };
    },
    onResponse: (status, body, context) => {
      if (status !== 200) return;
      try {
        context.cid = (JSON.parse(body) as { conversationId?: string }).conversationId;
      } catch {
        // not JSON: keep the conversation
      }
    },
  });
  return [message(false), message(true), message(true), message(true)];
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(`# Load test — ${new Date().toISOString()}\n\n${machine()}\n\n`);
  const db = await startDatabase();
  const profDir = mkdtempSync(path.join(os.tmpdir(), 'load-prof-'));
  const queryOut = path.join(profDir, 'queries.json');
  let baseline: ChildServer | null = null;
  let service: ChildServer | null = null;
  try {
    baseline = await startServer(path.join(__dirname, 'baseline-server.ts'), { MONGODB_URI: db.uri }, '/');
    service = await startService(db.uri, {
      env: { QUERY_TIMER_OUT: PROFILE ? queryOut : '' },
      nodeArgs: PROFILE ? ['--import', path.join(__dirname, 'query-timer.ts'), '--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
    });
    const cookie = await login(service.url);
    const { services, slots } = await freeSlots(service.url);
    process.stdout.write(`services with online booking at HPL: ${services.join(', ')}; free slots in 14 days: ${slots.length}\n\n`);

    const svc = service.url;
    const allScenarios: Array<{ name: string; run: (c: number) => Promise<LoadResult> }> = [
      {
        name: 'baseline (insert+read)',
        run: (c) => runLoad('baseline (insert+read)', { url: baseline!.url + '/', connections: c, duration: DURATION, method: 'POST', body: () => JSON.stringify({ text: pick(RESIDENT_TEXTS) }) }),
      },
      { name: 'chat', run: (c) => runLoad('web chat POST /api/chat/messages', { url: svc, connections: c, duration: DURATION, requests: chatRequests() }) },
      {
        name: 'slots',
        run: (c) =>
          runLoad('booking: GET free slots', {
            url: svc,
            connections: c,
            duration: DURATION,
            requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: `/api/rooms/HPL/slots?service=${pick(services)}` }) }],
          }),
      },
      {
        name: 'book',
        run: (c) =>
          runLoad('booking: POST /api/appointments', {
            url: svc,
            connections: c,
            duration: DURATION,
            requests: [
              {
                setupRequest: (req) => {
                  const slot = pick(slots);
                  const body = { room: 'HPL', service: slot.service, start: slot.start, name: '王芳', phone: mobile(), materialsConfirmed: true };
                  return { ...req, method: 'POST', path: '/api/appointments', body: JSON.stringify(body) };
                },
              },
            ],
          }),
      },
      { name: 'inbox', run: (c) => runLoad('inbox GET /api/inbox (admin)', { url: svc + '/api/inbox', connections: c, duration: DURATION, headers: { cookie } }) },
    ];
    const scenarios = allScenarios.filter((s) => s.name.startsWith('baseline') || !ONLY || ONLY.includes(s.name));

    // Warm-up (JIT, caches, connection pools): 3 s of the baseline and of the chat.
    await scenarios[0].run(5).catch(() => undefined);
    await runLoad('warm-up', { url: svc, connections: 5, duration: 3, requests: chatRequests() });

    const results: Measured[] = [];
    const baselineRps = new Map<number, number>();
    const dbPid = databasePid(db.embedded);
    for (const c of CONNECTIONS) {
      for (const s of scenarios) {
        const serverPid = (s.name.startsWith('baseline') ? baseline : service).child.pid!;
        const before = { server: cpuMsOf(serverPid), db: dbPid ? cpuMsOf(dbPid) : 0 };
        const r: Measured = await s.run(c);
        r.serverCpuMs = (cpuMsOf(serverPid) - before.server) / Math.max(1, r.requests);
        r.dbCpuMs = dbPid ? (cpuMsOf(dbPid) - before.db) / Math.max(1, r.requests) : null;
        if (s.name.startsWith('baseline')) baselineRps.set(c, r.rps);
        results.push(r);
        process.stderr.write(`  ${r.name} @${c}: ${r.rps} req/s p50 ${r.p50} ms p99 ${r.p99} ms ${JSON.stringify(r.statuses)}\n`);
      }
    }

    process.stdout.write(`## Results (${DURATION} s per cell)\n\n`);
    process.stdout.write(resultTable(results, baselineRps) + '\n\n');
    process.stdout.write('CPU ms/req: CPU time of the server process (baseline or service) and of the database process during the cell, divided by the requests served.\n');
    process.stdout.write(`Target (issue 8): web chat ≥ 40% of the baseline's throughput at the same concurrency.\n\n`);

    process.stdout.write('## Documents in the service database after the run\n\n' + (await collectionSizes(db.uri)) + '\n\n');
    process.stdout.write('## How the database runs the hot queries (explain)\n\n' + (await explainHotQueries(db.uri)) + '\n\n');
  } finally {
    await service?.stop();
    await baseline?.stop();
    await db.embedded?.stop();
  }
  if (PROFILE) {
    process.stdout.write(`## Profile (service child; files in ${profDir})\n\n`);
    const prof = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (prof) process.stdout.write(summariseProfile(path.join(profDir, prof), 25) + '\n\n');
    try {
      const rows = JSON.parse(readFileSync(queryOut, 'utf8')) as Array<{ key: string; count: number; totalMs: number; avgMs: number; maxMs: number }>;
      // Start-up commands (collection and index creation) are not part of the load.
      const load = rows.filter((x) => !/^(create|createIndexes|listIndexes|listCollections)\b/.test(x.key));
      const total = load.reduce((a, r) => a + r.totalMs, 0);
      process.stdout.write('### Database commands by total time (driver round trip, summed over concurrent requests)\n\n');
      process.stdout.write('| command collection {filter shape} | count | total s | share | avg ms | max ms |\n|---|---|---|---|---|---|\n');
      for (const r of load.slice(0, 25)) {
        process.stdout.write(`| \`${r.key.replace(/\|/g, '¦')}\` | ${r.count} | ${(r.totalMs / 1000).toFixed(1)} | ${((100 * r.totalMs) / total).toFixed(1)}% | ${r.avgMs.toFixed(1)} | ${r.maxMs.toFixed(0)} |\n`);
      }
      process.stdout.write('\n');
    } catch (err) {
      process.stdout.write(`(no query timings: ${(err as Error).message})\n`);
    }
  }
  process.stdout.write(`Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}\n`);
  process.stdout.write(`Total run time: ${Math.round((Date.now() - started) / 1000)} s\n`);
}

type Measured = LoadResult & { serverCpuMs?: number; dbCpuMs?: number | null };

function resultTable(results: Measured[], baseline: Map<number, number>): string {
  const lines = [
    '| scenario | conns | req/s | p50 ms | p99 ms | vs baseline | CPU ms/req server · db | responses by status | errors |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const base = baseline.get(r.connections);
    const ratio = base && !r.name.startsWith('baseline') ? `${((100 * r.rps) / base).toFixed(0)}%` : '100%';
    const statuses = Object.entries(r.statuses)
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ');
    const cpu = `${r.serverCpuMs?.toFixed(1) ?? '—'} · ${r.dbCpuMs?.toFixed(1) ?? '—'}`;
    lines.push(`| ${r.name} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${ratio} | ${cpu} | ${statuses} | ${r.errors} |`);
  }
  return lines.join('\n');
}

/** The queries of the chat, booking and inbox paths, as the database plans them: pushed down (index / primary key) or scanned. */
async function explainHotQueries(uri: string): Promise<string> {
  const conn = await mongoose.createConnection(uri, { retryWrites: false }).asPromise();
  const queries: Array<[string, Record<string, unknown>]> = [
    ['rateseats', { key: 'chat-ip:127.0.0.1', window: 1 }],
    ['webconversations', { cid: 'x' }],
    ['conversationstates', { key: 'x' }],
    ['rooms', { code: 'HPL', active: true }],
    ['surveypendings', { _id: 'x' }],
    ['items', { room: { $in: ['HPL'] }, status: { $in: ['new', 'claimed'] } }],
    ['appointmentseats', { room: 'HPL' }],
  ];
  const rows = ['| collection | filter | filter pushed down | plan |', '|---|---|---|---|'];
  try {
    for (const [coll, filter] of queries) {
      try {
        const out = (await conn.db!.command({ explain: { find: coll, filter }, verbosity: 'queryPlanner' })) as Record<string, unknown>;
        const plan = JSON.stringify(out.queryPlanner ?? out.stages ?? '').slice(0, 140);
        const pushdown = out.filterPushdown ?? out.pushdown ?? '(not reported)';
        rows.push(`| ${coll} | \`${JSON.stringify(filter)}\` | ${String(pushdown)} | \`${plan.replace(/\|/g, '¦')}\` |`);
      } catch (err) {
        rows.push(`| ${coll} | \`${JSON.stringify(filter)}\` | error | ${(err as Error).message} |`);
      }
    }
  } finally {
    await conn.close();
  }
  return rows.join('\n');
}

async function collectionSizes(uri: string): Promise<string> {
  const conn = await mongoose.createConnection(uri, { retryWrites: false }).asPromise();
  try {
    const names = (await conn.db!.listCollections().toArray()).map((c) => c.name).sort();
    const rows: string[] = [];
    for (const name of names) {
      const n = await conn.db!.collection(name).estimatedDocumentCount();
      if (n > 0) rows.push(`${name}: ${n}`);
    }
    return rows.join(' · ');
  } finally {
    await conn.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
