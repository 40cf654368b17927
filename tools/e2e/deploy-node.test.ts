// `npm run apply` on a real node (containerd, kubelet, kube-proxy; the STAND-IN images of
// tools/cluster/images.sh, served by a local registry as the docker.io mirror, where a tag that
// does not exist fails to pull). Each case asserts what the user sees (exit code, the named
// reason, the cluster's own message) and what the cluster holds afterwards. Inputs are changed
// copies of dist/, in a namespace of their own that enforces the restricted Pod Security
// Standard. Run by tools/e2e/run.sh --real-node (npm run test:e2e:node).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { type KubeObject, findObject } from '../common/kube';
import { readManifests } from '../common/manifests';
import { createRestrictedNamespace, eventually, getJson, kubectl, progress } from './kube';

const ROOT = path.resolve(__dirname, '../..');
const DIST = process.env.E2E_DIST_DIR ?? path.join(ROOT, 'dist');
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-deploy`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
const PAGE_URL = 'http://127.0.0.1:31515/';
/** Long enough for the failure to show (a pull back-off, two crashes), short enough for CI. */
const FAILING_TIMEOUT = '45s';

const work = mkdtempSync(path.join(tmpdir(), 'k8s-sandbox-deploy-node-'));
let dist: KubeObject[];
let goodPage = '';

/** A copy of dist/ with `change` made to a deep copy of its objects. */
function variant(name: string, change: (objects: KubeObject[]) => void): string {
  const objects = dist.map((o) => structuredClone(o));
  change(objects);
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(path.join(dir, 'sandbox.k8s.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

/** `npm run apply` as a user runs it, into NAMESPACE; its exit code and everything it printed. */
function deploy(...args: string[]): { status: number; output: string } {
  progress(`$ npm run apply -- ${args.join(' ')} -n ${NAMESPACE}`);
  const result = spawnSync('npm', ['run', '-s', 'apply', '--', ...args, '-n', NAMESPACE], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  progress(output);
  return { status: result.status ?? -1, output };
}

async function page(): Promise<string> {
  return eventually(
    `${PAGE_URL} answers 200`,
    async () => {
      const response = await fetch(PAGE_URL);
      if (response.status !== 200) {
        throw new Error(`HTTP ${response.status}`);
      }
      return response.text();
    },
    WAIT_MS,
  );
}

function nginxSpec(objects: KubeObject[]) {
  return findObject(objects, 'Deployment', 'nginx-deployment').spec.template.spec;
}

function liveImages(): string[] {
  return getJson(['pods', '-n', NAMESPACE])
    .items.flatMap((p: KubeObject) => p.spec.containers.map((c: { image: string }) => c.image))
    .sort();
}

beforeAll(async () => {
  dist = readManifests(DIST);
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  // The nodePort is the cluster's: free it for the other e2e file whatever order they run in.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

describe('npm run apply on a real node', () => {
  test('a good deploy waits until every object is healthy, then exits 0', async () => {
    const result = deploy(DIST);
    expect(result.output).toMatch(/deployed: revision 1, all \d+ objects healthy$/m);
    expect(result.output).toMatch(new RegExp(`Deployment/${NAMESPACE}/nginx-deployment: Current`));
    expect(result.output).toMatch(new RegExp(`Pod/${NAMESPACE}/fib-client-pod: Current`));
    expect(result.output).toMatch(
      new RegExp(`Service/${NAMESPACE}/fib-client-node-port: Current: has ready endpoints`),
    );
    expect(result.status).toBe(0);
    // Healthy when it returned, not eventually: every pod is Ready right now.
    const pods = getJson(['pods', '-n', NAMESPACE]).items;
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    }
    goodPage = await page();
    expect(goodPage).toContain('<title>Fib Calculator (k8s-sandbox stand-in)</title>');
  });

  test('a fib-client image tag that does not exist: names the image and ImagePullBackOff, then restores', async () => {
    const image = 'rgederin/fib-client-standalone-k8s:no-such-tag';
    const before = liveImages();
    const dir = variant('bad-tag', (objects) => {
      findObject(objects, 'Pod', 'fib-client-pod').spec.containers[0].image = image;
    });
    const result = deploy(dir, '--timeout', FAILING_TIMEOUT);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`container fib-client: `);
    expect(result.output).toContain(`image ${image}`);
    expect(result.output).toMatch(/ImagePullBackOff/);
    expect(result.output).toMatch(/restored revision 1$/m);
    expect(liveImages()).toEqual(before);
    expect(await page()).toBe(goodPage);
  });

  test('a container that exits at start: CrashLoopBackOff, its exit code and its log line', () => {
    const dir = variant('crash', (objects) => {
      delete nginxSpec(objects).securityContext.sysctls;
    });
    const result = deploy(dir, '--timeout', FAILING_TIMEOUT);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/container nginx: CrashLoopBackOff: exited with code 1/);
    expect(result.output).toContain('bind() to 0.0.0.0:80 failed (13: Permission denied)');
    expect(result.output).toMatch(/restored revision \d+$/m);
  });

  test('a request larger than the node: Unschedulable and the scheduler message', () => {
    const dir = variant('too-big', (objects) => {
      const [container] = nginxSpec(objects).containers;
      container.resources = { requests: { cpu: '500', memory: '64Mi' }, limits: { cpu: '500', memory: '64Mi' } };
    });
    const result = deploy(dir, '--timeout', FAILING_TIMEOUT);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/Unschedulable: 0\/1 nodes are available: 1 Insufficient cpu/);
    expect(result.output).toMatch(/restored revision \d+$/m);
  });

  test('a rollback to an older revision by command', async () => {
    const three = variant('three-replicas', (objects) => {
      findObject(objects, 'Deployment', 'nginx-deployment').spec.replicas = 3;
    });
    const result = deploy(three);
    expect(result.status).toBe(0);
    expect(getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]).status.readyReplicas).toBe(3);
    const history = spawnSync('npm', ['run', '-s', 'apply', '--', 'history', '-n', NAMESPACE], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    progress(history.stdout);
    expect(history.stdout).toMatch(/^1\s.*superseded/m);
    expect(history.stdout).toMatch(/failed/);
    const rollback = spawnSync('npm', ['run', '-s', 'apply', '--', 'rollback', '1', '-n', NAMESPACE], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(`${rollback.stdout}${rollback.stderr}`).toMatch(/Rollback was a success/);
    expect(rollback.status).toBe(0);
    expect(getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]).spec.replicas).toBe(2);
    expect(await page()).toBe(goodPage);
  });
});
