import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { resolveDatabaseBinary, type DatabaseKind, type ResolvedBinary } from './database-binary';
import {
  acceptsConnections,
  answers,
  freePort,
  isAlive,
  isServerProcess,
  killAndWait,
  legacyServer,
  lockFile,
  readServerInfo,
  serverInfoFile,
  type ServerInfo,
  sleep,
  takeLock,
  writeServerInfo,
} from './server-files';

/**
 * The embedded database: a real MongoDB-protocol server run as a child process when no
 * MONGODB_URI is given, on the binary that ./database-binary.ts resolves (or builds). This file
 * is the server's lifecycle: start, share one server per data directory between processes,
 * supervise and restart it, stop it.
 */

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port?: number;
  ferretdbBin?: string;
  build?: boolean;
  log?: (msg: string) => void;
  /** How often a shared (not our own child) server is pinged, and the restart backoff bounds. */
  superviseMs?: number;
  restartBackoffMs?: { base: number; max: number };
}

/**
 * A database server child process. start() and stop() can be called repeatedly (tests stop it to see readiness fail).
 *
 * Several processes on one data directory (`npm start` and `npm run bot` with the same
 * DATA_DIR) share one server: start() reads `server.json`, and a server that answers there
 * is used as it is (this process is a guest: it never stops it). Only a server that does not
 * answer and whose owner process is gone is a leftover to clean up; a server whose owner is
 * alive is waited for, never killed. Starting a server is serialised by an exclusive lock file.
 *
 * Supervision: if our own server exits without stop() being called, it is started again on
 * the same port with bounded backoff (so the driver reconnects by itself); a guest that finds
 * the shared server gone (its owner stopped) takes over the same way.
 */
export class EmbeddedDatabase {
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  private binary: ResolvedBinary | null = null;
  private port: number | undefined;
  private lastOutput = '';
  /** Using another process's (or object's) server: never stopped by us. */
  private guestOf: ServerInfo | null = null;
  private stopping = false;
  private recovering: Promise<void> | null = null;
  private supervisor: NodeJS.Timeout | null = null;
  private misses = 0;
  /** How many times the server was started again after it died (tests and logs). */
  restarts = 0;

  constructor(private readonly options: EmbeddedDatabaseOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.port = options.port;
  }

  get kind(): DatabaseKind | null {
    return this.binary?.kind ?? null;
  }

  get uri(): string {
    if (!this.port) throw new Error('Embedded database not started');
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  get running(): boolean {
    return this.child !== null || this.guestOf !== null;
  }

  /** The pid of the server in use (ours or the shared one). */
  get serverPid(): number | null {
    return this.child?.pid ?? this.guestOf?.pid ?? null;
  }

  /** Whether this object uses a server another process (or object) started. */
  get shared(): boolean {
    return this.guestOf !== null;
  }

  private log(msg: string): void {
    (this.options.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(msg);
  }

  private get dir(): string {
    this.binary ??= resolveDatabaseBinary({ ferretdbBin: this.options.ferretdbBin, build: this.options.build, log: this.options.log });
    return path.join(this.dataDir, this.binary.kind);
  }

  async start(): Promise<string> {
    if (this.child || this.guestOf) return this.uri;
    this.stopping = false;
    await this.launch(30_000);
    this.supervise();
    return this.uri;
  }

  /** Uses the directory's live server, or starts ours (under the start lock). */
  private async launch(timeoutMs: number): Promise<void> {
    const dir = this.dir;
    mkdirSync(dir, { recursive: true });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = readServerInfo(dir);
      if (info && isServerProcess(info.pid, dir)) {
        if (await answers(info.port)) {
          this.useShared(info);
          return;
        }
        if (isAlive(info.ownerPid) && Date.now() < deadline) {
          // Its owner is alive: the server is starting or restarting. Wait; never kill it.
          await sleep(250);
          continue;
        }
        if (isAlive(info.ownerPid)) {
          throw new Error(`The database server of ${dir} (pid ${info.pid}, owned by the running process ${info.ownerPid}) does not answer on port ${info.port}; not touching it.`);
        }
      }
      const lock = takeLock(dir);
      if (!lock) {
        if (Date.now() > deadline) throw new Error(`Another process is starting the database server of ${dir} (${lockFile(dir)}); it did not finish in time.`);
        await sleep(250);
        continue;
      }
      try {
        // Under the lock, look again: another process may have just started one.
        const again = readServerInfo(dir);
        if (again && isServerProcess(again.pid, dir)) {
          if (await answers(again.port)) {
            this.useShared(again);
            return;
          }
          if (isAlive(again.ownerPid)) continue;
          // Owner gone and its server not answering: a leftover (service killed without shutdown).
          this.log(`Stopping a leftover database server (pid ${again.pid}) whose owner (pid ${again.ownerPid}) is gone`);
          await killAndWait(again.pid);
        }
        const legacy = await legacyServer(dir);
        if (legacy) {
          this.useShared(legacy);
          return;
        }
        await this.spawnServer(dir);
        return;
      } finally {
        rmSync(lockFile(dir), { force: true });
      }
    }
  }

  private useShared(info: ServerInfo): void {
    if (!this.guestOf) this.log(`Using the running database server of ${path.dirname(serverInfoFile(this.dir))} (pid ${info.pid}, port ${info.port})`);
    this.guestOf = info;
    this.port = info.port;
    this.misses = 0;
  }

  private async spawnServer(dir: string): Promise<void> {
    const binary = this.binary!;
    this.port ??= await freePort();
    const args =
      binary.kind === 'mongod'
        ? ['--dbpath', dir, '--port', String(this.port), '--bind_ip', '127.0.0.1', '--quiet']
        : [
            '--handler=sqlite',
            `--sqlite-url=file:${dir}/`,
            `--listen-addr=127.0.0.1:${this.port}`,
            '--debug-addr=-',
            '--telemetry=disable',
            '--state-dir=-',
            '--log-level=error',
          ];
    const child = spawn(binary.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.guestOf = null;
    if (child.pid) writeServerInfo(dir, { pid: child.pid, ownerPid: process.pid, port: this.port });
    this.lastOutput = '';
    const remember = (chunk: Buffer) => {
      this.lastOutput = (this.lastOutput + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);
    let up = false;
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      // A server that never came up is start()'s failure to report, not one to restart here.
      if (this.stopping || !up) return;
      this.log(`Embedded ${binary.kind} (pid ${child.pid}) exited unexpectedly (${signal ?? `code ${code}`}); restarting it`);
      void this.recover();
    });
    await this.waitUntilReady(child, 30_000);
    up = true;
  }

  /** Starts the server again (ours died, or the shared one is gone), with bounded backoff, until it answers or stop(). */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      const { base, max } = this.options.restartBackoffMs ?? { base: 500, max: 30_000 };
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          this.guestOf = null;
          await this.launch(10_000);
          if (this.stopping) return;
          this.restarts++;
          this.log(`Embedded database back on port ${this.port} (${this.child ? `restarted, pid ${this.child.pid}` : 'shared'}; attempt ${attempt})`);
          return;
        } catch (err) {
          const delay = Math.min(max, base * 2 ** (attempt - 1));
          this.log(`Embedded database restart attempt ${attempt} failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); next in ${delay} ms`);
          await sleep(delay);
        }
      }
    })().finally(() => {
      this.recovering = null;
    });
    return this.recovering;
  }

  /** A shared server is pinged: when it stops answering and its owner is gone, we take over. */
  private supervise(): void {
    if (this.supervisor) return;
    this.supervisor = setInterval(() => {
      if (this.stopping || this.recovering || this.child || !this.guestOf || !this.port) return;
      void answers(this.port).then((ok) => {
        if (ok) {
          this.misses = 0;
          return;
        }
        if (++this.misses < 3 || this.stopping || this.recovering || this.child) return;
        this.log(`The shared database server on port ${this.port} stopped answering; taking over`);
        void this.recover();
      });
    }, this.options.superviseMs ?? 1000);
    this.supervisor.unref();
  }

  private async waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`Embedded ${this.binary?.kind} exited during start-up:\n${this.lastOutput}`);
      // Wait for the port first, in short steps: a driver connection tried before the server
      // listens waits out its whole server-selection timeout (500 ms), while the server itself
      // listens after about 150 ms.
      if (!(await acceptsConnections(this.port!))) {
        await sleep(10);
        continue;
      }
      const client = new mongoose.mongo.MongoClient(this.uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
      try {
        await client.connect();
        await client.db('admin').command({ ping: 1 });
        return;
      } catch (err) {
        lastError = err;
        await sleep(100);
      } finally {
        await client.close().catch(() => undefined);
      }
    }
    if (this.child === child) {
      this.child = null;
      child.kill('SIGKILL');
    }
    throw new Error(`Embedded database did not answer within ${timeoutMs} ms: ${String(lastError)}\n${this.lastOutput}`);
  }

  /** Stops our own server (a shared one is left to its owner); no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.supervisor) clearInterval(this.supervisor);
    this.supervisor = null;
    await this.recovering?.catch(() => undefined);
    this.guestOf = null;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    this.child = null;
    if (this.binary) {
      const dir = path.join(this.dataDir, this.binary.kind);
      if (readServerInfo(dir)?.pid === child.pid) rmSync(serverInfoFile(dir), { force: true });
    }
  }
}
