// `npm run dev`'s bad command lines: each exits 2 with a message naming what was wrong and the
// usage, before a cluster is started or contacted, and a cluster that does not answer exits 2
// naming it. The loop itself runs against the real node in kit/lab/e2e/dev-node.test.ts.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { writeUnreachableKubeconfig } from '../../common/test/unreachable-cluster';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let dir: string;
let kubeconfig: string;

function dev(args: string[]) {
  return spawnSync('node', ['kit/cmd/sandbox-kit.js', 'dev', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: kubeconfig },
    timeout: 60_000,
  });
}

beforeAll(async () => {
  dir = makeTempDir('k8s-sandbox-dev-');
  kubeconfig = await writeUnreachableKubeconfig(dir);
});

afterAll(() => removeTempDir(dir));

// KUBECONFIG points at a port nothing listens on: a message about reaching the cluster would
// mean the command got that far; `--cluster` among them would have started one.
test.each([
  [['--watch'], "Unknown option '--watch'"],
  [['dist'], 'takes no DIR (got dist): it synthesizes the app into dist/ and deploys that'],
  [['--real-node'], '--real-node must come with --cluster (got --real-node alone)'],
  [['--cluster', '--context', 'prod'], '--cluster must not come with --context (got --cluster and --context)'],
  [
    ['--cluster', '--real-node', '--kubeconfig', 'k', '--context', 'c'],
    '--cluster must not come with --context or --kubeconfig (got --cluster and --context and --kubeconfig)',
  ],
  [['--cluster=yes'], "Option '--cluster' does not take an argument"],
  [['-n'], "Option '-n, --namespace <value>' argument missing"],
])('%j: exit 2, "%s", and the usage', (args, message) => {
  const result = dev(args);
  expect(result.stderr).toContain(`npm run dev: ${message}`);
  expect(result.stderr).toContain('usage: npm run dev -- [--cluster [--real-node]] [TARGET]');
  expect(result.stderr).not.toContain('cannot reach the cluster');
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

test('--help prints the usage and exits 0', () => {
  const result = dev(['--help']);
  expect(result.stdout).toContain('usage: npm run dev -- [--cluster [--real-node]] [TARGET]');
  expect(result.status).toBe(0);
});

test("a cluster that does not answer: exit 2 before anything is watched, with kubectl's reason", () => {
  const result = dev([]);
  expect(result.stderr).toMatch(
    /npm run dev: cannot reach the cluster of context gone at https:\/\/127\.0\.0\.1:\d+; is it running\? kubectl says: .*refused/,
  );
  expect(result.stdout).not.toContain('watching');
  expect(result.status).toBe(2);
});

test("a context the kubeconfig lacks: exit 2, with kubectl's words", () => {
  const result = dev(['--context', 'prod']);
  expect(result.stderr).toContain('npm run dev: no such context or kubeconfig: ');
  expect(result.stderr).toContain('prod');
  expect(result.status).toBe(2);
});
