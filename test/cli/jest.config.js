// Tests that run the real cdk8s CLI or a tool's command: test/cli/ and every `*.cli.test.ts`
// beside a tool. Kept apart from the unit suite, which they would slow.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/cli/**/*.test.ts', '<rootDir>/tools/*/test/*.cli.test.ts'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
};
