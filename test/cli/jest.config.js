// Tests that run the real cdk8s CLI. Kept apart from the unit suite, which they would slow.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/cli/**/*.test.ts'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
};
