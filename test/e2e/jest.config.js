// Jest config of the end-to-end test only (test/e2e/run.sh runs it after it has a
// cluster). The unit-test config at the root ignores test/e2e/.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  // One cluster, one namespace, steps in order: never run files in parallel.
  maxWorkers: 1,
  // Rollouts on a real cluster (image pulls) can take minutes; the local one takes seconds.
  testTimeout: 300_000,
  reporters: ['default', '<rootDir>/test/e2e/summary-reporter.js'],
};
