// npm run netpol:enforced as a user runs it, where no cluster is needed: bad arguments, and a
// cluster that cannot be reached (the real node's answers are in kit/lab/e2e/network-policy.test.ts).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const ROOT = path.resolve(__dirname, '../../../..');
let dir: string;

beforeAll(() => {
  dir = makeTempDir('netpol-enforced-');
  // Port 1 on loopback: nothing listens, so the connection is refused at once.
  writeFileSync(
    path.join(dir, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: u, user: {token: none}}]',
      'contexts: [{name: nowhere, context: {cluster: c, user: u}}]',
      'current-context: nowhere',
    ].join('\n'),
  );
});
afterAll(() => removeTempDir(dir));

const USAGE =
  'usage: npm run netpol:enforced -- [--timeout SECONDS] [--image IMAGE]   (default: --timeout 90 --image busybox:1.35.0)';

function enforced(...args: string[]) {
  return spawnSync('node', ['kit/cmd/sandbox-kit.js', 'netpol', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: path.join(dir, 'kubeconfig') },
    timeout: 60_000,
  });
}

test.each([
  [['--timeout', '5'], '--timeout must be a whole number of seconds in 10-3600 (got "5")'],
  [['--timeout', 'soon'], '--timeout must be a whole number of seconds in 10-3600 (got "soon")'],
  // Numbers JavaScript reads but a user does not mean as seconds (0x14 is 20, 1e2 is 100).
  [['--timeout', '0x14'], '--timeout must be a whole number of seconds in 10-3600 (got "0x14")'],
  [['--timeout', '1e2'], '--timeout must be a whole number of seconds in 10-3600 (got "1e2")'],
  [['--timeout', '20.0'], '--timeout must be a whole number of seconds in 10-3600 (got "20.0")'],
  [['--timeout', ' 20'], '--timeout must be a whole number of seconds in 10-3600 (got " 20")'],
  [['--image', ''], '--image must name an image with sh, httpd and nc, such as busybox:1.35.0 (got "")'],
  [['extra'], 'unexpected argument "extra"'],
])('%j: exit 2 with %s, then the usage', (args, message) => {
  const result = enforced(...args);
  expect(result.stderr).toBe(`netpol:enforced: ${message}\n${USAGE}\n`);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

test('an unknown option: exit 2, naming it', () => {
  const result = enforced('--namespace', 'x');
  expect(result.stderr).toMatch(/netpol:enforced: Unknown option '--namespace'/);
  expect(result.status).toBe(2);
});

test('a cluster that cannot be reached: "could not tell", why, exit 3', () => {
  const result = enforced();
  expect(result.stdout).toMatch(/^NetworkPolicy on nowhere: could not tell\n {2}why: the cluster cannot be reached: /);
  expect(result.status).toBe(3);
});
