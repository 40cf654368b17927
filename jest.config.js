// The one Jest configuration, one project per kind of test and what it needs:
//   app         the app's tests: main.test.ts and test/ (the constructs, the snapshot, the docs)
//   app-cli     the app's tests that run a real CLI: test/cli/ (cdk8s synth), test/**/*.cli.test.ts
//   kit         the kit's own tests (kit/pkg/<name>/test/*.test.ts, kit/lab/<name>/test/*.test.ts)
//               and CI's (.ci/test/*.test.ts)
//   kit-cli     the kit's tests that run its commands: kit/*/<name>/test/*.cli.test.ts
//   check       the tests that run the Go tools of `npm run check` and actionlint; test/check/, the
//               constructs' options through `npm run check`; test/kubelet/ and
//               test/api-server/, which compare the constructs' copies of Kubernetes rules with
//               Kubernetes' Go code (kube-rules); the first run on a machine builds them
//               (kit/pkg/check/test/global-setup.ts)
//   check-cli   the kit's tests that run kubectl or Go (needsKubectlOrGo below)
//   quickstart  the README's quick start on a fresh clone (test/docs/quickstart.test.ts): minutes
//   e2e         kit/lab/e2e/, run by kit/lab/e2e/run.sh once it has a cluster
// `npm test` selects app and app-cli (Node only: the loop after an edit of lib/); `npm run
// test:kit` kit and kit-cli (Node only); `npm run test:check` check and check-cli (Go and
// kubectl); `npm run test:quickstart` quickstart; `npm run test:e2e` e2e. TypeScript is
// transpiled by sucrase without type checking; `npm run typecheck` (tsc --noEmit) enforces types.
const transform = { '^.+\\.ts$': '@sucrase/jest-plugin' };
// Jest's cache beside the other tools' (not in /tmp, where a run would leave it behind).
const cacheDirectory = '<rootDir>/node_modules/.cache/k8s-sandbox/jest';
// One temporary folder per run of the unit and CLI tests (TMPDIR), removed when the run ends; a
// test that left anything there but cdk8s's cdk8s.outdir.* folders fails the run.
const tempDir = {
  globalSetup: '<rootDir>/kit/lab/jest/temp-dir.js',
  globalTeardown: '<rootDir>/kit/lab/jest/temp-dir-teardown.js',
};
const goToolTests = [
  '<rootDir>/kit/pkg/check/test/',
  '<rootDir>/.ci/test/workflow.test.ts',
  '<rootDir>/.ci/test/shellcheck.test.ts',
  '<rootDir>/test/kubelet/',
  '<rootDir>/test/api-server/',
  '<rootDir>/test/kubectl/',
  '<rootDir>/test/check/',
];
// Unit and CLI tests that run kubectl (to compare with it, or to reach a cluster that is not
// there) or Go (kit/lab/cluster/env.sh reads the pinned versions with it): `npm run test:check`.
const needsKubectlOrGo = [
  '<rootDir>/kit/pkg/common/test/yaml-binary.test.ts',
  '<rootDir>/kit/pkg/synth/test/synth.cli.test.ts',
  '<rootDir>/kit/pkg/deploy/test/deploy.cli.test.ts',
  '<rootDir>/kit/lab/cluster/test/cluster-state.cli.test.ts',
  '<rootDir>/kit/pkg/netpol/test/enforced.cli.test.ts',
  '<rootDir>/kit/pkg/dev/test/dev.cli.test.ts',
  '<rootDir>/kit/pkg/plugin/test/manifest-gates.cli.test.ts',
  '<rootDir>/kit/lab/install/test/installed-app.cli.test.ts',
];
const quickstartTests = ['<rootDir>/test/docs/quickstart.test.ts'];
const notInNpmTest = [...goToolTests, ...needsKubectlOrGo, ...quickstartTests];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'app',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cli/', '\\.cli\\.test\\.ts$', ...notInNpmTest],
      snapshotSerializers: ['<rootDir>/test/yaml-serializer.js'],
      ...tempDir,
    },
    {
      displayName: 'app-cli',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: ['<rootDir>/test/cli/**/*.test.ts', '<rootDir>/test/**/*.cli.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...notInNpmTest],
      ...tempDir,
    },
    {
      displayName: 'kit',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: ['<rootDir>/kit/*/*/test/*.test.ts', '<rootDir>/.ci/test/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.cli\\.test\\.ts$', ...notInNpmTest],
      ...tempDir,
    },
    {
      displayName: 'kit-cli',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: ['<rootDir>/kit/*/*/test/*.cli.test.ts', '<rootDir>/kit/cmd/test/*.cli.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...notInNpmTest],
      ...tempDir,
    },
    {
      displayName: 'check',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: goToolTests.map((place) => (place.endsWith('/') ? `${place}**/*.test.ts` : place)),
      globalSetup: '<rootDir>/kit/pkg/check/test/global-setup.ts',
    },
    {
      displayName: 'check-cli',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: needsKubectlOrGo,
      ...tempDir,
    },
    {
      displayName: 'quickstart',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: quickstartTests,
      ...tempDir,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      cacheDirectory,
      testMatch: ['<rootDir>/kit/lab/e2e/*.test.ts'],
      globalSetup: '<rootDir>/kit/lab/e2e/global-setup.ts',
    },
  ],
};
