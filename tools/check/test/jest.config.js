// The tests of `npm run check`'s gates that run the real kubeconform and kube-score. Kept apart
// from the unit suite: the first run on a machine builds both tools with Go (global-setup.ts).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tools/check/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  globalSetup: '<rootDir>/tools/check/test/global-setup.ts',
  // Each schema gate reads a multi-megabyte API definition; a loaded CI machine is slow.
  testTimeout: 60_000,
};
