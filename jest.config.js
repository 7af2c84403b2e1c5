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
  // Each test file starts its own database server (a child process): two workers fit a 2-core machine.
  // `npm test` (scripts/run-tests.mjs) runs the contention and fault files one at a time first.
  maxWorkers: 2,
};
