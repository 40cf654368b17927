// The tests that run the Go tools: `npm run check`'s gates (kube-rules, kubeconform, kube-score)
// and actionlint on the CI workflow. Kept apart from the unit suite: the first run on a machine
// builds them with Go (global-setup.ts).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tools/check/test/**/*.test.ts', '<rootDir>/tools/ci/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  globalSetup: '<rootDir>/tools/check/test/global-setup.ts',
  // Each schema gate reads a multi-megabyte API definition; a loaded CI machine is slow.
  testTimeout: 60_000,
};
