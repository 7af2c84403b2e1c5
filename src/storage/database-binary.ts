import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../lib/project-root';

/**
 * Which database server binary the embedded database (./embedded.ts) runs when no MONGODB_URI
 * is given. Resolution order: `mongod` on PATH (real MongoDB), then FerretDB 1.24 with its
 * SQLite backend (FERRETDB_BIN, PATH, .cache/bin, or built once with Go).
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
