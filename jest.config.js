// The one Jest configuration, one project per kind of test:
//   unit   the app's tests (main.test.ts, test/) and the tools' own (tools/<tool>/test/*.test.ts)
//   cli    tests that run a real CLI: test/cli/ (cdk8s synth) and tools/<tool>/test/*.cli.test.ts
//   check  the tests that run the Go tools of `npm run check` and actionlint; test/kubelet/ and
//          test/api-server/, which compare the constructs' copies of Kubernetes rules with
//          Kubernetes' Go code (kube-rules); and `go test` of npm run apply's fail-fast rule
//          (tools/deploy/test/go/); the first run on a machine builds them
//          (tools/check/test/global-setup.ts)
//   e2e    tools/e2e/, run by tools/e2e/run.sh once it has a cluster
// `npm test` selects unit and cli; `npm run test:check` check; `npm run test:e2e` e2e. TypeScript is
// transpiled by sucrase without type checking; `npm run typecheck` (tsc --noEmit) enforces types.
const transform = { '^.+\\.ts$': '@sucrase/jest-plugin' };
// One temporary folder per run of the unit and CLI tests, removed when the run ends.
const tempDir = {
  globalSetup: '<rootDir>/tools/jest/temp-dir.js',
  globalTeardown: '<rootDir>/tools/jest/temp-dir-teardown.js',
};
const goToolTests = [
  '<rootDir>/tools/check/test/',
  '<rootDir>/tools/ci/test/',
  '<rootDir>/test/kubelet/',
  '<rootDir>/test/api-server/',
  '<rootDir>/tools/deploy/test/go/',
];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/tools/*/test/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cli/', '\\.cli\\.test\\.ts$', ...goToolTests],
      snapshotSerializers: ['<rootDir>/test/yaml-serializer.js'],
      ...tempDir,
    },
    {
      displayName: 'cli',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/cli/**/*.test.ts', '<rootDir>/tools/*/test/*.cli.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...goToolTests],
      ...tempDir,
    },
    {
      displayName: 'check',
      testEnvironment: 'node',
      transform,
      testMatch: goToolTests.map((dir) => `${dir}**/*.test.ts`),
      globalSetup: '<rootDir>/tools/check/test/global-setup.ts',
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/tools/e2e/*.test.ts'],
      globalSetup: '<rootDir>/tools/e2e/global-setup.ts',
    },
  ],
};
