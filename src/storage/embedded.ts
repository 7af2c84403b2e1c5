import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
}

/** A database server child process. start() and stop() can be called repeatedly (tests stop it to see readiness fail). */
export class EmbeddedDatabase {
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  private binary: ResolvedBinary | null = null;
  private port: number | undefined;
  private lastOutput = '';

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
    return this.child !== null;
  }

  async start(): Promise<string> {
    if (this.child) return this.uri;
    this.binary ??= resolveDatabaseBinary({ ferretdbBin: this.options.ferretdbBin, build: this.options.build, log: this.options.log });
    this.port ??= await freePort();
    const dir = path.join(this.dataDir, this.binary.kind);
    mkdirSync(dir, { recursive: true });
    const args =
      this.binary.kind === 'mongod'
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
    stopStaleServer(dir);
    const child = spawn(this.binary.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    if (child.pid) writeFileSync(pidFile(dir), String(child.pid));
    this.lastOutput = '';
    const remember = (chunk: Buffer) => {
      this.lastOutput = (this.lastOutput + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await this.waitUntilReady(30_000);
    return this.uri;
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`Embedded ${this.binary?.kind} exited during start-up:\n${this.lastOutput}`);
      const client = new mongoose.mongo.MongoClient(this.uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
      try {
        await client.connect();
        await client.db('admin').command({ ping: 1 });
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await client.close().catch(() => undefined);
      }
    }
    await this.stop();
    throw new Error(`Embedded database did not answer within ${timeoutMs} ms: ${String(lastError)}\n${this.lastOutput}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    this.child = null;
    if (this.binary) rmSync(pidFile(path.join(this.dataDir, this.binary.kind)), { force: true });
  }
}

const pidFile = (dir: string) => path.join(dir, 'server.pid');

/**
 * If a previous run of the service was killed without shutting down (SIGKILL, power loss),
 * its database child may still hold the data directory. Stop it before starting a new one:
 * only a process whose command line names this very directory is touched.
 */
function stopStaleServer(dir: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(dir), 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(dir)) {
      process.kill(pid, 'SIGKILL');
    }
  } catch {
    // Not running (or not Linux): nothing to stop.
  }
}
