/**
 * Shared pieces of the load and fault scripts: an embedded database, child servers on
 * loopback, and autocannon runs summarised as throughput and latency percentiles.
 * Traffic only ever goes to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { EmbeddedDatabase } from '../../src/storage/embedded';
import { freePort } from '../../src/storage/server-files';

export async function startDatabase(): Promise<{ uri: string; embedded: EmbeddedDatabase | null }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, embedded: null };
  const embedded = new EmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'load-db-')), ferretdbBin: process.env.FERRETDB_BIN });
  const uri = await embedded.start();
  return { uri, embedded };
}

export interface ChildServer {
  port: number;
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts a TypeScript entry point as a child process and waits until `readyPath` answers 200. */
export async function startServer(
  entry: string,
  env: Record<string, string>,
  readyPath = '/healthz',
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url + readyPath);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    child,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export interface LoadResult {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Responses per HTTP status code. */
  statuses: Record<string, number>;
  requests: number;
}

/** One request template for autocannon: build the request per call, see each response. */
export interface LoadRequest {
  setupRequest?: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

export async function runLoad(
  name: string,
  options: {
    url: string;
    connections: number;
    duration: number;
    method?: string;
    body?: () => string;
    headers?: Record<string, string>;
    /** Overrides `body`: full control over each request and its response. */
    requests?: LoadRequest[];
  },
): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    method: (options.method ?? 'GET') as 'GET',
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    requests: (options.requests ??
      (options.body ? [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: options.body!() }) }] : undefined)) as never,
  });
  const statuses: Record<string, number> = {};
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  for (const [code, s] of Object.entries(stats)) statuses[code] = s.count;
  return {
    name,
    connections: options.connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statuses,
    requests: result.requests.total,
  };
}

export function table(results: LoadResult[], baseline?: Map<number, number>): string {
  const lines = ['| scenario | connections | req/s | p50 ms | p99 ms | non-2xx | errors | vs baseline |', '|---|---|---|---|---|---|---|---|'];
  for (const r of results) {
    const base = baseline?.get(r.connections);
    const ratio = base ? `${((100 * r.rps) / base).toFixed(0)}%` : '—';
    lines.push(`| ${r.name} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${ratio} |`);
  }
  return lines.join('\n');
}

export function rssOf(pid: number): number {
  // VmRSS in kB from /proc (Linux).
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU time (user + system) of a process in milliseconds, from /proc (Linux). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (clock ticks; 100 per second on Linux)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The process id of the embedded database server, or null (external MONGODB_URI). */
export function databasePid(embedded: EmbeddedDatabase | null): number | null {
  const child = (embedded as unknown as { child?: ChildProcess | null } | null)?.child;
  return child?.pid ?? null;
}
