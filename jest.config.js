// Unit and snapshot tests: main.test.ts and test/ (the constructs), tools/*/test/ (the tools).
// TypeScript is transpiled by sucrase without type checking; `npm run typecheck` (tsc --noEmit)
// enforces types as part of `npm test`. Tests that run a real CLI (`*.cli.test.ts`, test/cli/),
// Go tools (tools/check/test/ and tools/ci/test/, `npm run test:check`) or a cluster (test/e2e/) have their own configs.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/tools/*/test/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/e2e/',
    '<rootDir>/test/cli/',
    '<rootDir>/tools/check/test/',
    '<rootDir>/tools/ci/test/',
    '<rootDir>/tools/cluster/',
    '\\.cli\\.test\\.ts$',
  ],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  snapshotSerializers: ['<rootDir>/test/yaml-serializer.js'],
};
