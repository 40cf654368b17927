// `npm run apply`'s bad command lines: each exits 2 with a message naming what was wrong and
// the value received, before anything reaches a cluster. The unreachable cluster is a real
// kubeconfig pointing at a port nothing listens on (kubectl's own error is quoted). The deploys
// themselves run against real clusters in kit/lab/e2e/ (upgrade.test.ts, deploy-node.test.ts).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeUnreachableKubeconfig } from '../../common/test/unreachable-cluster';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let dir: string;
let kubeconfig: string;

function deploy(args: string[]) {
  return spawnSync('node', ['kit/cmd/sandbox-kit.js', 'apply', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
}

beforeAll(async () => {
  dir = makeTempDir('k8s-sandbox-deploy-');
  kubeconfig = await writeUnreachableKubeconfig(dir, 'team-a');
  fs.writeFileSync(path.join(dir, 'one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
});

afterAll(() => {
  removeTempDir(dir);
});

const TIMEOUT_RULE =
  '--timeout must be a positive whole number of s, m or h, at most 2562047h (the longest wait Helm can hold), e.g. 90s or 5m';

// Each with KUBECONFIG pointing at a port nothing listens on: a message about reaching the
// cluster would mean the command got that far.
test.each([
  [['--prune'], "Unknown option '--prune'"],
  [['no/such/dir'], 'no/such/dir does not exist: name a directory of manifests'],
  [['package.json'], 'package.json is a file, not a directory: name a directory of manifests'],
  [['dist', 'kit'], 'one directory at most (got dist kit)'],
  [['--timeout', 'soon'], `${TIMEOUT_RULE} (got soon)`],
  [['--timeout', '0s'], `${TIMEOUT_RULE} (got 0s)`],
  // One hour more than Go's time.Duration holds: Helm would refuse it after the cluster was contacted.
  [['--timeout', '2562048h'], `${TIMEOUT_RULE} (got 2562048h)`],
  [['--timeout', '99999999999999999999s'], `${TIMEOUT_RULE} (got 99999999999999999999s)`],
  [['rollback'], 'rollback takes one revision number (see npm run apply -- history) (got none)'],
  [['rollback', 'two'], 'rollback takes one revision number (see npm run apply -- history) (got two)'],
  [['--dry-run=server'], "Option '--dry-run' does not take an argument"],
  [['--dry-run', 'no/such/dir'], 'no/such/dir does not exist: name a directory of manifests'],
  [
    ['--confirm'],
    '--confirm must be given in a terminal, to a deploy (got a standard input that is not a terminal); ' +
      'leave it out: CI and scripts deploy without asking',
  ],
  [
    ['--dry-run', '--confirm'],
    '--confirm must be given in a terminal, to a deploy (got --dry-run, which deploys nothing); ' +
      'leave it out: CI and scripts deploy without asking',
  ],
  [
    ['rollback', '99999999999999999999'],
    "rollback's revision must be a whole number from 1 to 9223372036854775807 (the largest Helm reads) " +
      '(got 99999999999999999999); npm run apply -- history lists the revisions',
  ],
  [['rollback', '1', '--timeout', '2562048h'], `${TIMEOUT_RULE} (got 2562048h)`],
])('%j: exit 2, "%s", and the usage', (args, message) => {
  const result = deploy(args);
  expect(result.stderr).toContain(`npm run apply: ${message}`);
  expect(result.stderr).not.toContain('cannot reach the cluster');
  expect(result.stderr).toContain('usage: npm run apply -- [DIR]');
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

test('the longest --timeout Helm can hold is taken: the command goes on to the cluster', () => {
  const result = deploy([dir, '--timeout', '2562047h']);
  expect(result.stderr).toContain('npm run apply: cannot reach the cluster of context gone');
  expect(result.status).toBe(2);
});

test("a cluster that does not answer: exit 2, naming the context, the server and kubectl's error", () => {
  const result = deploy([dir]);
  expect(result.stderr).toMatch(
    /npm run apply: cannot reach the cluster of context gone at https:\/\/127\.0\.0\.1:\d+; is it running\? kubectl says: .*refused/,
  );
  expect(result.status).toBe(2);
});

test("a dry run of a cluster that does not answer: exit 2, with kubectl's reason", () => {
  const result = deploy(['--dry-run', dir]);
  expect(result.stderr).toMatch(
    /npm run apply: cannot reach the cluster of context gone at .* kubectl says: .*refused/,
  );
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

// With -n, the reads start before kubectl has read the kubeconfig (deploy.ts, prepare): what they
// meet is not reported, only the target's own error.
test.each([[['-n', 'apps']], [['--dry-run', '-n', 'apps']]])(
  'a cluster that does not answer, %j: exit 2 with the same one error, no preview line',
  (flags) => {
    const result = deploy([dir, ...flags]);
    expect(result.stderr).toMatch(
      /^npm run apply: cannot reach the cluster of context gone at .* kubectl says: .*refused/,
    );
    expect(result.stderr.split('\nusage: ')[0]?.split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  },
);

test("a context the kubeconfig lacks, with -n: exit 2, with kubectl's words and nothing else", () => {
  const result = deploy([dir, '--context', 'prod', '-n', 'apps']);
  expect(result.stderr).toMatch(/^npm run apply: no such context or kubeconfig: .*prod/);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

test("a context the kubeconfig lacks: exit 2, with kubectl's words", () => {
  const result = deploy([dir, '--context', 'prod']);
  expect(result.stderr).toContain('npm run apply: no such context or kubeconfig: ');
  expect(result.stderr).toContain('prod');
  expect(result.status).toBe(2);
});

test('--help prints the usage and exits 0', () => {
  const result = deploy(['--help']);
  expect(result.stdout).toContain('npm run apply -- rollback REVISION');
  expect(result.stdout).toContain('npm run apply -- --dry-run [DIR] [TARGET]');
  expect(result.stdout).toContain('exit 0 no changes, 1 changes, 2 error');
  expect(result.status).toBe(0);
});
