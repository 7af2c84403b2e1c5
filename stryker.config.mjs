// @ts-check
/**
 * Mutation testing of the code that must never break (issue #18): `npm run test:mutation`.
 * Each target lists the files (or line ranges) mutated and the test files that must kill
 * the mutants. `STRYKER_ONLY=outbox,rollups npm run test:mutation` runs some targets only.
 * One real FerretDB serves the whole run (a fresh database per test file); one mutant at a
 * time (concurrency 1) on this 2-core machine; per-test coverage runs only the tests that
 * reach a mutant.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** @type {Array<{ name: string; mutate: string[]; tests: string[] }>} */
export const targets = [
  { name: 'emergency', mutate: ['src/understanding/emergency.ts'], tests: ['src/understanding/emergency.test.ts'] },
  { name: 'unique-insert', mutate: ['src/storage/unique-insert.ts'], tests: ['test/foundation/unique-insert.test.ts'] },
  { name: 'access', mutate: ['src/modules/officers/access.ts'], tests: ['test/security/room-scope.test.ts'] },
  { name: 'outbox', mutate: ['src/modules/outbox/outbox.sender.ts'], tests: ['test/conversations/outbox-sender.test.ts', 'test/conversations/outbox-sender-rows.test.ts'] },
  { name: 'job-runs', mutate: ['src/modules/notices/runs.ts'], tests: ['test/jobs/job-runs.test.ts'] },
  { name: 'rollups', mutate: ['src/modules/reports/rollup.service.ts'], tests: ['test/reports/rollup.test.ts'] },
  { name: 'claims', mutate: ['src/modules/inbox/item-transition.ts', 'src/modules/inbox/claims.service.ts'], tests: ['test/inbox/claims.test.ts'] },
  { name: 'seats', mutate: ['src/modules/appointments/seats.ts'], tests: ['test/appointments/seats.test.ts'] },
];

const only = (process.env.STRYKER_ONLY ?? '').split(',').filter(Boolean);
const chosen = only.length ? targets.filter((t) => only.includes(t.name)) : targets;
if (chosen.length === 0) throw new Error(`STRYKER_ONLY=${process.env.STRYKER_ONLY}: no such target (${targets.map((t) => t.name).join(', ')})`);

// The database binary is reused from the working copy (the sandbox does not copy .cache/).
process.env.FERRETDB_BIN ??= path.resolve('.cache/bin/ferretdb');

/**
 * One database server for the whole run. Every mutant re-runs its test files, and each of them
 * would otherwise start (and index) a FerretDB of its own; with TEST_DATABASE_SERVER set,
 * test/helpers/db.ts gives each test file a fresh database on this server instead. The test
 * runner processes inherit the variable; the server stops when Stryker exits.
 */
async function startSharedDatabase() {
  const port = await new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(p));
    }).on('error', reject);
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stryker-db-'));
  const child = spawn(/** @type {string} */ (process.env.FERRETDB_BIN), [
    '--handler=sqlite', `--sqlite-url=file:${dir}/`, `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-', '--telemetry=disable', '--state-dir=-', '--log-level=error',
  ], { stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Stryker turns SIGINT/SIGTERM into process.exit, so 'exit' covers an interrupted run too; unref lets a finished run exit.
  process.on('exit', stop);
  child.unref();
  for (let i = 0; ; i++) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`the shared FerretDB for the mutation run did not start (${process.env.FERRETDB_BIN})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return `mongodb://127.0.0.1:${port}/`;
}
process.env.TEST_DATABASE_SERVER ??= await startSharedDatabase();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner'],
  mutate: chosen.flatMap((t) => t.mutate),
  jest: {
    projectType: 'custom',
    enableFindRelatedTests: false,
    config: {
      testEnvironment: 'node',
      roots: ['<rootDir>'],
      testMatch: chosen.flatMap((t) => t.tests).map((t) => `<rootDir>/${t}`),
      // The sandbox itself lives under .stryker-tmp/, which jest.config.js ignores: not here.
      testPathIgnorePatterns: ['/node_modules/'],
      modulePathIgnorePatterns: [],
      transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
      globalSetup: '<rootDir>/test/global-setup.ts',
      testTimeout: 60000,
    },
  },
  coverageAnalysis: 'perTest',
  // Module-level code (schemas, constants) would need every test for every mutant.
  ignoreStatic: true,
  concurrency: 1,
  timeoutMS: 15_000,
  ignorePatterns: ['/.cache', '/dist', '/data', '/coverage', '/test-artifacts', '/reports', '/docs'],
  reporters: ['clear-text', 'progress-append-only', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  jsonReporter: { fileName: `reports/mutation/${only.length ? only.join('+') : 'all'}.json` },
  // `npm run test:mutation -- --incremental` re-tests only mutants whose code or tests changed since the last run of the same targets.
  incrementalFile: `reports/mutation/incremental-${only.length ? only.join('+') : 'all'}.json`,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
export default config;
