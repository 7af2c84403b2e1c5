// @ts-check
/**
 * Mutation testing of the code that must never break (issue #18): `npm run test:mutation`.
 * Each target lists the files (or line ranges) mutated and the test files that must kill
 * the mutants. `STRYKER_ONLY=outbox,rollups npm run test:mutation` runs some targets only.
 * Tests start a real FerretDB per file, so one mutant at a time (concurrency 1) on this
 * 2-core machine; per-test coverage runs only the tests that reach a mutant.
 */
import path from 'node:path';

/** @type {Array<{ name: string; mutate: string[]; tests: string[] }>} */
export const targets = [
  { name: 'emergency', mutate: ['src/understanding/emergency.ts'], tests: ['src/understanding/emergency.test.ts', 'test/understanding/nlu-heldout-18.test.ts'] },
  { name: 'unique-insert', mutate: ['src/storage/unique-insert.ts'], tests: ['test/foundation/unique-insert.test.ts'] },
  { name: 'access', mutate: ['src/modules/officers/access.ts'], tests: ['test/security/access-matrix.test.ts'] },
  { name: 'outbox', mutate: ['src/modules/outbox/outbox.sender.ts'], tests: ['test/conversations/outbox-sender.test.ts'] },
  { name: 'job-runs', mutate: ['src/modules/notices/runs.ts'], tests: ['test/jobs/scheduler-recovery.test.ts'] },
  { name: 'rollups', mutate: ['src/modules/reports/rollup.service.ts'], tests: ['test/reports/assessment.test.ts', 'test/reports/rollup-events.test.ts'] },
  { name: 'claims', mutate: ['src/modules/inbox/item-transition.ts', 'src/modules/inbox/claims.service.ts'], tests: ['test/inbox/inbox.api.test.ts', 'test/inbox/next-same-officer.test.ts'] },
  { name: 'seats', mutate: ['src/modules/appointments/seats.ts'], tests: ['test/appointments/concurrency.test.ts'] },
];

const only = (process.env.STRYKER_ONLY ?? '').split(',').filter(Boolean);
const chosen = only.length ? targets.filter((t) => only.includes(t.name)) : targets;
if (chosen.length === 0) throw new Error(`STRYKER_ONLY=${process.env.STRYKER_ONLY}: no such target (${targets.map((t) => t.name).join(', ')})`);

// The database binary is reused from the working copy (the sandbox does not copy .cache/).
process.env.FERRETDB_BIN ??= path.resolve('.cache/bin/ferretdb');

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
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
export default config;
