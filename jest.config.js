// Unit and snapshot tests. TypeScript is transpiled by sucrase without type checking;
// `npm run typecheck` (tsc --noEmit) enforces types as part of `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/cli/', '<rootDir>/test/check/'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  snapshotSerializers: ['<rootDir>/test/yaml-serializer.js'],
};
