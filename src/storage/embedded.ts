import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { projectRoot } from '../lib/project-root';

/**
 * The embedded database: a real MongoDB-protocol server run as a child process when no
 * MONGODB_URI is given. Resolution order: `mongod` on PATH (real MongoDB), then FerretDB
 * 1.24 with its SQLite backend (FERRETDB_BIN, PATH, .cache/bin, or built once with Go).
 */
export const FERRETDB_MODULE_PATH = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';
export const FERRETDB_MODULE = `${FERRETDB_MODULE_PATH}/cmd/ferretdb@${FERRETDB_VERSION}`;

export type DatabaseKind = 'mongod' | 'ferretdb';

export interface ResolvedBinary {
  kind: DatabaseKind;
  bin: string;
}

export class NoDatabaseError extends Error {
  constructor(detail?: string) {
    super(
      [
        'No database available. Give the service one of these:',
        '  1. MONGODB_URI=mongodb://… pointing at MongoDB 6 or 7 (docker compose up brings one);',
        '  2. a `mongod` binary on PATH (the service starts it with its data under DATA_DIR);',
        `  3. FerretDB 1.24: set FERRETDB_BIN, put \`ferretdb\` on PATH, or install Go so the service can build it (go install ${FERRETDB_MODULE}).`,
        detail ? `Detail: ${detail}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    this.name = 'NoDatabaseError';
  }
}

function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export const cachedFerretBin = (): string => path.join(projectRoot(), '.cache', 'bin', 'ferretdb');

/**
 * What the cached binary was built from; a binary with another (or no) stamp is rebuilt.
 * Bump it whenever the build recipe below changes.
 */
export const FERRETDB_BUILD_STAMP = `${FERRETDB_VERSION}+sqlite-id-index`;
const buildStampFile = (): string => `${cachedFerretBin()}.build`;

function cachedBinaryIsCurrent(): boolean {
  try {
    return existsSync(cachedFerretBin()) && readFileSync(buildStampFile(), 'utf8').trim() === FERRETDB_BUILD_STAMP;
  } catch {
    return false;
  }
}

/**
 * FerretDB 1.24's SQLite backend creates the primary index on `_ferretdb_sjson->"_id"` but
 * filters on `_ferretdb_sjson->'$._id'`. Both mean the same to SQLite's JSON `->` operator,
 * but the planner matches index expressions by their text, so every lookup, update and
 * delete by `_id` scans the whole table (72 ms per find at 50,000 documents here, growing
 * linearly). Writing the filter as `->'_id'` — the same value — lets SQLite use the index
 * (EXPLAIN: "SEARCH … USING INDEX …__id_"). Production runs MongoDB, where `_id` is always
 * indexed; this fix only keeps the embedded development/test database honest at scale.
 */
const SQLITE_ID_COLUMN_FILE = path.join('internal', 'backends', 'sqlite', 'metadata', 'metadata.go');
const SQLITE_ID_COLUMN_UPSTREAM = `IDColumn = DefaultColumn + "->'$._id'"`;
const SQLITE_ID_COLUMN_INDEXED = `IDColumn = DefaultColumn + "->'_id'"`;

function patchSqliteIdColumn(sourceDir: string): void {
  const file = path.join(sourceDir, SQLITE_ID_COLUMN_FILE);
  const source = readFileSync(file, 'utf8');
  if (!source.includes(SQLITE_ID_COLUMN_UPSTREAM)) {
    throw new NoDatabaseError(`FerretDB source changed: ${SQLITE_ID_COLUMN_FILE} no longer contains ${SQLITE_ID_COLUMN_UPSTREAM}`);
  }
  writeFileSync(file, source.replace(SQLITE_ID_COLUMN_UPSTREAM, SQLITE_ID_COLUMN_INDEXED));
}

/**
 * Builds FerretDB into .cache/bin with Go. Returns the binary path or throws NoDatabaseError.
 *
 * A plain `go install …@v1.24.2` compiles, but the binary panics at start ("Invalid
 * build/version/version.txt file content"): the module as served by the proxy lacks the
 * generated version file that FerretDB embeds. FerretDB's docs say to create it by hand, so
 * we build from a writable copy of the module source with build/version/version.txt written,
 * and with the one-line `_id` index fix described at patchSqliteIdColumn().
 */
export function buildFerretDb(log: (msg: string) => void = console.error): string {
  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  if (!go) throw new NoDatabaseError('Go is not installed, so FerretDB cannot be built here.');
  const target = cachedFerretBin();
  mkdirSync(path.dirname(target), { recursive: true });
  log(`Building FerretDB ${FERRETDB_VERSION} into ${path.dirname(target)} with Go (first start only; this takes a few minutes)…`);
  const env = { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0', GOFLAGS: '-mod=mod' };
  const run = (args: string[], cwd?: string) =>
    spawnSync(go, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

  const download = run(['mod', 'download', '-json', `${FERRETDB_MODULE_PATH}@${FERRETDB_VERSION}`], os.tmpdir());
  if (download.status !== 0) throw new NoDatabaseError(`go mod download failed:\n${download.stderr}${download.stdout}`);
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new NoDatabaseError(`go mod download gave no source folder:\n${download.stdout}`);

  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'));
  try {
    cpSync(moduleDir, workDir, { recursive: true });
    chmodTree(workDir);
    writeFileSync(path.join(workDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    patchSqliteIdColumn(workDir);
    const build = (extra: string[]) => run(['build', '-trimpath', ...extra, '-o', target, './cmd/ferretdb'], workDir);
    let result = build([]);
    // Newer Go toolchains reject FerretDB's go:linkname uses; this is the known workaround.
    if (result.status !== 0 && /invalid reference to runtime\./.test(result.stderr)) {
      log('Retrying the FerretDB build with -ldflags=-checklinkname=0 …');
      result = build(['-ldflags=-checklinkname=0']);
    }
    if (result.status !== 0 || !existsSync(target)) throw new NoDatabaseError(`FerretDB build failed:\n${result.stderr}`);
    writeFileSync(buildStampFile(), `${FERRETDB_BUILD_STAMP}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  log('FerretDB built.');
  return target;
}

function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(full);
    else chmodSync(full, 0o644);
  }
}

export function resolveDatabaseBinary(options: { ferretdbBin?: string; build?: boolean; log?: (m: string) => void } = {}): ResolvedBinary {
  const mongod = which('mongod');
  if (mongod) return { kind: 'mongod', bin: mongod };
  if (options.ferretdbBin) {
    if (!existsSync(options.ferretdbBin)) throw new NoDatabaseError(`FERRETDB_BIN=${options.ferretdbBin} does not exist.`);
    return { kind: 'ferretdb', bin: options.ferretdbBin };
  }
  const onPath = which('ferretdb');
  if (onPath) return { kind: 'ferretdb', bin: onPath };
  if (cachedBinaryIsCurrent()) return { kind: 'ferretdb', bin: cachedFerretBin() };
  if (options.build === false) {
    if (existsSync(cachedFerretBin())) return { kind: 'ferretdb', bin: cachedFerretBin() }; // older recipe, still a working server
    throw new NoDatabaseError();
  }
  return { kind: 'ferretdb', bin: buildFerretDb(options.log) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

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
 * What a data directory's server is, in `<dir>/server.json`: its pid, the process that owns it
 * (started it and stops it) and its port. Every process that uses the directory reads it first.
 */
interface ServerInfo {
  pid: number;
  ownerPid: number;
  port: number;
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

const serverInfoFile = (dir: string) => path.join(dir, 'server.json');
const lockFile = (dir: string) => path.join(dir, 'server.lock');
const legacyPidFile = (dir: string) => path.join(dir, 'server.pid');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readServerInfo(dir: string): ServerInfo | null {
  try {
    const info = JSON.parse(readFileSync(serverInfoFile(dir), 'utf8')) as Partial<ServerInfo>;
    if (Number.isInteger(info.pid) && Number.isInteger(info.ownerPid) && Number.isInteger(info.port)) return info as ServerInfo;
  } catch {
    // none, or half-written: treated as no server
  }
  return null;
}

function writeServerInfo(dir: string, info: ServerInfo): void {
  const tmp = `${serverInfoFile(dir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info));
  renameSync(tmp, serverInfoFile(dir));
}

/** The start lock: created exclusively with our pid; a lock whose holder is gone is removed. */
function takeLock(dir: string): boolean {
  try {
    writeFileSync(lockFile(dir), String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let holder: number;
    try {
      holder = Number(readFileSync(lockFile(dir), 'utf8').trim());
    } catch {
      return false;
    }
    if (holder && !isAlive(holder)) rmSync(lockFile(dir), { force: true });
    return false;
  }
}

/** Is the process alive (a zombie is not)? EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; Z = zombie (dead, not yet reaped).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // not Linux: kill(0) said it exists
  }
}

/** A live process whose command line names this very directory (a database server of it). */
function isServerProcess(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

async function answers(port: number): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 700, connectTimeoutMS: 700 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}

/**
 * Versions before server.json wrote only `server.pid` (no owner). A live server named there
 * that answers (on the port in its command line) is used as it is; one that does not answer is
 * a leftover and is stopped.
 */
async function legacyServer(dir: string): Promise<ServerInfo | null> {
  let pid: number;
  try {
    pid = Number(readFileSync(legacyPidFile(dir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!isServerProcess(pid, dir)) {
    rmSync(legacyPidFile(dir), { force: true });
    return null;
  }
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const listen = cmdline.find((a) => a.startsWith('--listen-addr='))?.split(':').pop();
  const portArg = cmdline[cmdline.indexOf('--port') + 1];
  const port = Number(listen ?? (cmdline.includes('--port') ? portArg : NaN));
  if (Number.isInteger(port) && (await answers(port))) return { pid, ownerPid: 0, port };
  await killAndWait(pid);
  rmSync(legacyPidFile(dir), { force: true });
  return null;
}
