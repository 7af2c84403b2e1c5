/**
 * `npm start` and `npm run bot`: runs a compiled entry point, compiling first only when the
 * sources changed since the last successful build.
 *
 *   node scripts/run-built.cjs dist/src/main.js
 *
 * `tsc -b` on an unchanged tree still loads TypeScript and reads every file (0.9 s on a quiet
 * 2-core machine, several seconds on a busy one). This script, plain JavaScript so it loads in
 * milliseconds, fingerprints what the build reads (path, size and modification time of every
 * source file under src/, bots/ and scripts/, the tsconfig files, package.json and
 * package-lock.json) and compares it with the fingerprint written after the last successful
 * build. Same fingerprint and the entry point exists: no compiler. Otherwise `tsc -b` runs as
 * before, and only when it succeeds is the new fingerprint written. A file added, removed,
 * renamed or saved changes the fingerprint. The entry point then runs in this same process
 * (one Node start instead of two).
 */
/* global __dirname */
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const TSCONFIG = 'tsconfig.build.json';
const STAMP = path.join(ROOT, 'dist', '.sources-fingerprint');
/** What tsc -b tsconfig.build.json compiles (see its include/exclude), plus what changes its result. */
const SOURCE_DIRS = ['src', 'bots', 'scripts'];
const SKIP_DIRS = new Set([path.join('src', 'web', 'public'), 'node_modules', 'dist']);
const FILES = ['tsconfig.json', TSCONFIG, 'package.json', 'package-lock.json'];

function listSources(rel, out) {
  for (const entry of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(child)) listSources(child, out);
    } else if (!entry.name.endsWith('.test.ts')) {
      out.push(child);
    }
  }
  return out;
}

/** A hash over every build input's path, size and modification time. */
function fingerprint() {
  const files = [...SOURCE_DIRS.flatMap((dir) => listSources(dir, [])), ...FILES.filter((f) => existsSync(path.join(ROOT, f)))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const st = statSync(path.join(ROOT, file));
    hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch {
    return null;
  }
}

function main() {
  const entry = process.argv[2];
  if (!entry) {
    process.stderr.write('usage: node scripts/run-built.cjs dist/<entry>.js\n');
    process.exit(64);
  }
  const entryPath = path.resolve(ROOT, entry);
  const current = fingerprint();
  if (readStamp() !== current || !existsSync(entryPath)) {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    // A deleted output is not something tsc -b notices (its build info says up to date): force it then.
    const args = ['-b', TSCONFIG, ...(existsSync(entryPath) ? [] : ['--force'])];
    const build = spawnSync(process.execPath, [tsc, ...args], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
    writeFileSync(STAMP, `${current}\n`);
  }
  require(entryPath);
}

main();
