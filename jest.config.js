// The one Jest configuration, one project per kind of test and what it needs:
//   unit        the app's tests (main.test.ts, test/) and the tools' own (tools/<tool>/test/*.test.ts)
//   cli         tests that run a real CLI: test/cli/ (cdk8s synth) and tools/<tool>/test/*.cli.test.ts
//   check       the tests that run the Go tools of `npm run check` and actionlint; test/kubelet/ and
//               test/api-server/, which compare the constructs' copies of Kubernetes rules with
//               Kubernetes' Go code (kube-rules); the first run on a machine builds them
//               (tools/check/test/global-setup.ts)
//   check-cli   the unit and CLI tests that run kubectl or Go (needsKubectlOrGo below)
//   quickstart  the README's quick start on a fresh clone (tools/docs/test/quickstart.test.ts): minutes
//   e2e         tools/e2e/, run by tools/e2e/run.sh once it has a cluster
// `npm test` selects unit and cli, and needs Node only; `npm run test:check` check and check-cli
// (Go and kubectl); `npm run test:quickstart` quickstart; `npm run test:e2e` e2e. TypeScript is
// transpiled by sucrase without type checking; `npm run typecheck` (tsc --noEmit) enforces types.
const transform = { '^.+\\.ts$': '@sucrase/jest-plugin' };
// One temporary folder per run of the unit and CLI tests (TMPDIR), removed when the run ends; a
// test that left anything there but cdk8s's cdk8s.outdir.* folders fails the run.
const tempDir = {
  globalSetup: '<rootDir>/tools/jest/temp-dir.js',
  globalTeardown: '<rootDir>/tools/jest/temp-dir-teardown.js',
};
const goToolTests = [
  '<rootDir>/tools/check/test/',
  '<rootDir>/tools/ci/test/workflow.test.ts',
  '<rootDir>/tools/ci/test/shellcheck.test.ts',
  '<rootDir>/test/kubelet/',
  '<rootDir>/test/api-server/',
];
// Unit and CLI tests that run kubectl (to compare with it, or to reach a cluster that is not
// there) or Go (tools/cluster/env.sh reads the pinned versions with it): `npm run test:check`.
const needsKubectlOrGo = [
  '<rootDir>/tools/common/test/yaml-binary.test.ts',
  '<rootDir>/tools/synth/test/synth.cli.test.ts',
  '<rootDir>/tools/deploy/test/deploy.cli.test.ts',
  '<rootDir>/tools/cluster/test/cluster-state.cli.test.ts',
  '<rootDir>/tools/netpol/test/enforced.cli.test.ts',
  '<rootDir>/tools/dev/test/dev.cli.test.ts',
];
const quickstartTests = ['<rootDir>/tools/docs/test/quickstart.test.ts'];
const notInNpmTest = [...goToolTests, ...needsKubectlOrGo, ...quickstartTests];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/tools/*/test/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cli/', '\\.cli\\.test\\.ts$', ...notInNpmTest],
      snapshotSerializers: ['<rootDir>/test/yaml-serializer.js'],
      ...tempDir,
    },
    {
      displayName: 'cli',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/cli/**/*.test.ts', '<rootDir>/tools/*/test/*.cli.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...notInNpmTest],
      ...tempDir,
    },
    {
      displayName: 'check',
      testEnvironment: 'node',
      transform,
      testMatch: goToolTests.map((place) => (place.endsWith('/') ? `${place}**/*.test.ts` : place)),
      globalSetup: '<rootDir>/tools/check/test/global-setup.ts',
    },
    {
      displayName: 'check-cli',
      testEnvironment: 'node',
      transform,
      testMatch: needsKubectlOrGo,
      ...tempDir,
    },
    {
      displayName: 'quickstart',
      testEnvironment: 'node',
      transform,
      testMatch: quickstartTests,
      ...tempDir,
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
