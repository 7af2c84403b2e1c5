/**
 * Fault-injection harness shared by scripts/faults/*.ts and test/reliability/*.test.ts.
 *
 * - startSharedDatabase(): one embedded database server (FerretDB 1.24 or mongod) in a temp dir;
 *   its `embedded.stop()/start()` keep the port and the data, so an outage can be simulated.
 * - startServiceInstance(): the real service as a child process (`node --import tsx src/main.ts`)
 *   on its own loopback port, pointed at that database with MONGODB_URI.
 * - call()/login()/openInboxStream(): a tiny HTTP client (fetch) with a per-request timeout that
 *   never throws: a refused or timed-out request is status 0, so callers can count them.
 *
 * Loopback only; every loop the callers run is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/lib/project-root';
import { EmbeddedDatabase } from '../../src/storage/embedded';
import { freePort } from '../../src/storage/server-files';

export const ADMIN_PASSWORD = 'reliability-admin-pass';

export interface SharedDatabase {
  embedded: EmbeddedDatabase;
  /** Host URI without a database name (mongoose's dbName option carries it in-process). */
  serverUri: string;
  dbName: string;
  /** Full URI with the database name, for MONGODB_URI of child processes. */
  uri: string;
  stop(): Promise<void>;
}

export async function startSharedDatabase(dbName = 'reliability'): Promise<SharedDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'police-room-faults-'));
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  const serverUri = await embedded.start();
  return {
    embedded,
    serverUri,
    dbName,
    uri: `${serverUri}${dbName}`,
    async stop() {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServiceInstance {
  name: string;
  port: number;
  base: string;
  child: ChildProcess;
  /** The last 200 KB of stdout + stderr (pino JSON lines at LOG_LEVEL), for diagnostics. */
  output(): string;
  /** Every complete log line at level error or fatal (pino level ≥ 50) since the start, none dropped. */
  errorLines(): string[];
  stop(): Promise<void>;
}

/** Starts `node --import tsx src/main.ts` and waits until /healthz answers. */
export async function startServiceInstance(options: { name: string; mongoUri: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ServiceInstance> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot(),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: options.mongoUri,
      SERVICES: 'web',
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      SEED_DEMO_DATA: 'true',
      OPENAI_API_KEY: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The tail is capped; the error lines a fault run counts are kept whole, each one, because a slow
  // outage logs more than the tail holds (each with its stack) and a count from the tail falls short.
  let output = '';
  const errorLines: string[] = [];
  const remember = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-200_000);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/"level":(5|6)0[,}]/.test(line)) errorLines.push(line);
    };
  };
  child.stdout?.on('data', remember());
  child.stderr?.on('data', remember());
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (exited) throw new Error(`instance ${options.name} exited during start-up:\n${output.slice(-4000)}`);
    const res = await call(base, 'GET', '/healthz', { timeoutMs: 1000 });
    if (res.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`instance ${options.name} did not answer /healthz in time:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }
  return {
    name: options.name,
    port,
    base,
    child,
    output: () => output,
    errorLines: () => [...errorLines],
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exitPromise;
      clearTimeout(killer);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface CallResult {
  /** HTTP status; 0 when the request failed or timed out on the client side. */
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  ms: number;
  error?: string;
  headers?: Headers;
}

export interface CallOptions {
  body?: unknown;
  cookie?: string;
  csrf?: string;
  timeoutMs?: number;
}

/** One HTTP request with a client-side timeout; never throws. */
export async function call(base: string, method: string, urlPath: string, options: CallOptions = {}): Promise<CallResult> {
  const started = performance.now();
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  try {
    const res = await fetch(`${base}${urlPath}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, ms: performance.now() - started, headers: res.headers };
  } catch (err) {
    return { status: 0, body: null, ms: performance.now() - started, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

export interface Session {
  cookie: string;
  csrf: string;
  officerId: string;
}

export async function login(base: string, username: string, password: string): Promise<Session> {
  const res = await call(base, 'POST', '/api/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login as ${username} on ${base} failed: ${res.status} ${JSON.stringify(res.body)} ${res.error ?? ''}`);
  const cookies = res.headers?.getSetCookie() ?? [];
  const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: res.body.csrfToken, officerId: res.body.officer?.id };
}

export interface SseEvent {
  event: string;
  id?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  receivedAt: number;
}

export interface EventStream {
  events: SseEvent[];
  /** Resolves once the server sent its `ready` event. */
  ready: Promise<void>;
  waitFor(predicate: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent>;
  close(): void;
}

/** Opens GET /api/inbox/events (server-sent events) with a session cookie. */
export function openInboxStream(base: string, cookie: string): EventStream {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  const waiters = new Set<{ predicate: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  let markReady: () => void = () => undefined;
  let failReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const push = (e: SseEvent) => {
    events.push(e);
    if (e.event === 'ready') markReady();
    for (const w of [...waiters]) {
      if (w.predicate(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  };
  void (async () => {
    try {
      const res = await fetch(`${base}/api/inbox/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
      if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (!data.length) continue;
          let parsed: unknown = data.join('\n');
          try {
            parsed = JSON.parse(parsed as string);
          } catch {
            // keep the text
          }
          push({ event, id, data: parsed, receivedAt: Date.now() });
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) failReady(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return {
    events,
    ready,
    waitFor(predicate, timeoutMs) {
      const hit = events.find(predicate);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (e: SseEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching event within ${timeoutMs} ms (got ${events.length} events)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      controller.abort();
    },
  };
}

/** Pulls an item code (S…/J…) out of a chat reply's text. */
export function itemCodeIn(text: string): string | null {
  return /事项编号\s*([A-Z0-9]{8})/.exec(text)?.[1] ?? null;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
