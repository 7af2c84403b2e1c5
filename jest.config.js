/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  // .stryker-tmp/: the sandboxes of a mutation run (npm run test:mutation) are copies of the project.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/', '/data/', '/.stryker-tmp/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/', '<rootDir>/.stryker-tmp/'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is `npm run typecheck`'s job; tests only transpile, which keeps them fast.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 60000,
  // FerretDB instances are child processes. Two workers fit a 2-core machine for local runs; CI
  // runs one at a time so the contention tests (20 officers × 500 items, 300 bookings on one
  // slot) are not starved by a neighbouring test file's database.
  maxWorkers: process.env.CI ? 1 : 2,
};
