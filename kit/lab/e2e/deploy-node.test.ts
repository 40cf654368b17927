// `npm run apply` on a real node (containerd, kubelet, kube-proxy; the STAND-IN images of
// kit/lab/cluster/images.sh, served by a local registry as the docker.io mirror, where a tag that
// does not exist fails to pull). Each case asserts what the user sees (exit code, the named
// reason, the cluster's own message) and what the cluster holds afterwards. Inputs are changed
// copies of dist/, in a namespace of their own that enforces the restricted Pod Security
// Standard. The failures are deployed with the default --timeout (5m): each must fail fast
// (kit/go/deploy/failfast.go), well before it, naming the kubelet's reason, and restore. Run by
// kit/lab/e2e/run.sh --real-node (npm run test:e2e:node).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import { readManifests } from '../../pkg/common/manifests';
import { explainPod } from '../../pkg/deploy/explain';
import { createRestrictedNamespace, eventually, getJson, kubectl, kubectlOk, pageOf, progress } from './kube';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = process.env.E2E_DIST_DIR ?? path.join(ROOT, 'dist');
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-deploy`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
const PAGE_URL = 'http://127.0.0.1:31515/';
/** A failure fails fast: this long at most from the command to FAILED (the timeout is 300 s). */
const FAIL_FAST_SECONDS = 60;
/** The node's local registry (the docker.io mirror), where the transient case pushes its tag. */
const REGISTRY = process.env.E2E_REGISTRY ?? '';
/** How many real nodes run.sh started (1 unless E2E_NODES says more). */
const NODES = Number(process.env.E2E_NODES ?? 1);

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

/** The same, running while the test acts on the cluster; resolves when it exits. */
function deployInBackground(...args: string[]): Promise<{ status: number; output: string }> {
  progress(`$ npm run apply -- ${args.join(' ')} -n ${NAMESPACE} (in the background)`);
  const child = spawn('npm', ['run', '-s', 'apply', '--', ...args, '-n', NAMESPACE], { cwd: ROOT });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      progress(output);
      resolve({ status: code ?? -1, output });
    }),
  );
}

/**
 * A deploy that must fail fast: exit 1, FAILED naming `reason` within FAIL_FAST_SECONDS of the
 * command (never the timeout), then restored; the previous page answers again.
 */
async function expectFailsFastAndRestores(dir: string, reason: RegExp, ...args: string[]) {
  const result = deploy(dir, ...args);
  expect(result.status).toBe(1);
  const failed = /^\[\s*([\d.]+)s\] FAILED: (.*)$/m.exec(result.output);
  expect(failed?.[2]).toMatch(reason);
  expect(Number(failed?.[1])).toBeLessThan(FAIL_FAST_SECONDS);
  expect(result.output).not.toContain('not healthy after --timeout');
  expect(result.output).toMatch(/restored revision \d+$/m);
  expect(await page()).toBe(goodPage);
  return result;
}

/** The sandbox's page at :31515, once it answers. */
function page(): Promise<string> {
  return pageOf(PAGE_URL, WAIT_MS);
}

function nginxSpec(objects: KubeObject[]) {
  return findObject(objects, 'Deployment', 'nginx-deployment').spec.template.spec;
}

function liveImages(): string[] {
  return getJson(['pods', '-n', NAMESPACE])
    .items.flatMap((p: KubeObject) => p.spec.containers.map((c: { image: string }) => c.image))
    .sort();
}

/**
 * A kubeconfig for ServiceAccount `deployer` of NAMESPACE, whose Role covers what a deploy of
 * the sandbox writes and reads there (Helm's release Secrets included) but not events, as a
 * deployer scoped to its namespace often has it.
 */
function deployerKubeconfig(): string {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'deployer', namespace: NAMESPACE },
    rules: [
      {
        apiGroups: [''],
        resources: ['pods', 'pods/log', 'services', 'configmaps', 'secrets', 'serviceaccounts'],
        verbs: ['*'],
      },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['*'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['*'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['*'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ],
  };
  kubectlOk(['create', 'serviceaccount', 'deployer', '-n', NAMESPACE]);
  kubectlOk(['apply', '-f', '-'], JSON.stringify(role));
  kubectlOk([
    'create',
    'rolebinding',
    'deployer',
    '-n',
    NAMESPACE,
    '--role=deployer',
    `--serviceaccount=${NAMESPACE}:deployer`,
  ]);
  const token = kubectlOk(['create', 'token', 'deployer', '-n', NAMESPACE, '--duration=1h']).trim();
  const admin = JSON.parse(kubectlOk(['config', 'view', '--raw', '--minify', '-o', 'json']));
  const file = path.join(work, 'deployer.kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: admin.clusters[0].cluster }],
    users: [{ name: 'deployer', user: { token } }],
    contexts: [{ name: 'deployer', context: { cluster: 'sandbox', user: 'deployer', namespace: NAMESPACE } }],
    'current-context': 'deployer',
  };
  writeFileSync(file, stringify(config), { mode: 0o600 });
  // The role holds: events are what it may not read.
  expect(
    kubectl([
      'auth',
      'can-i',
      'list',
      'events',
      '-n',
      NAMESPACE,
      `--as=system:serviceaccount:${NAMESPACE}:deployer`,
    ]).stdout.trim(),
  ).toBe('no');
  return file;
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
    // An image changed in place: the kubelet kills the running container and may report the
    // pod's CrashLoopBackOff rather than the pull error; the pull error is named all the same.
    const result = await expectFailsFastAndRestores(dir, /fib-client.*(ErrImagePull|ImagePullBackOff|CrashLoop)/);
    expect(result.output).toContain(`container fib-client: `);
    expect(result.output).toContain(image);
    expect(result.output).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(result.output).toMatch(/restored revision 1$/m);
    expect(liveImages()).toEqual(before);
  });

  test('a container that exits at start: CrashLoopBackOff, its exit code and its log line', async () => {
    const dir = variant('crash', (objects) => {
      delete nginxSpec(objects).securityContext.sysctls;
    });
    const result = await expectFailsFastAndRestores(dir, /container nginx: CrashLoopBackOff/);
    expect(result.output).toMatch(/container nginx: CrashLoopBackOff: exited with code 1/);
    expect(result.output).toContain('bind() to 0.0.0.0:80 failed (13: Permission denied)');
  });

  test('an image reference the kubelet cannot parse: InvalidImageName', async () => {
    const dir = variant('invalid-image', (objects) => {
      nginxSpec(objects).containers[0].image = 'NGINX:1.14.2';
    });
    const result = await expectFailsFastAndRestores(dir, /container nginx: InvalidImageName/);
    expect(result.output).toContain('NGINX:1.14.2');
  });

  test('a ConfigMap key that does not exist: CreateContainerConfigError naming the key', async () => {
    const dir = variant('missing-key', (objects) => {
      // kube-root-ca.crt is in every namespace; the key is not in it.
      nginxSpec(objects).containers[0].env = [
        { name: 'SETTING', valueFrom: { configMapKeyRef: { name: 'kube-root-ca.crt', key: 'no-such-key' } } },
      ];
    });
    const result = await expectFailsFastAndRestores(dir, /container nginx: CreateContainerConfigError/);
    expect(result.output).toMatch(/couldn't find key no-such-key in ConfigMap/);
  });

  test('a request larger than the node: Unschedulable and the scheduler message', async () => {
    const dir = variant('too-big', (objects) => {
      const [container] = nginxSpec(objects).containers;
      container.resources = { requests: { cpu: '500', memory: '64Mi' }, limits: { cpu: '500', memory: '64Mi' } };
    });
    const result = await expectFailsFastAndRestores(dir, /Unschedulable/);
    expect(result.output).toContain(`Unschedulable: 0/${NODES} nodes are available: ${NODES} Insufficient cpu`);
  });

  test('a pull error that the next pull clears (the tag pushed meanwhile): the deploy goes on and succeeds', async () => {
    expect(REGISTRY).not.toBe('');
    const tag = `1.14.2-pushed-late-${Date.now().toString(36)}`;
    const dir = variant('transient-pull', (objects) => {
      nginxSpec(objects).containers[0].image = `nginx:${tag}`;
    });
    const deploying = deployInBackground(dir);
    // The first failed pull of a new nginx pod, then the tag arrives in the registry.
    await eventually(
      'an nginx pod in ErrImagePull or ImagePullBackOff',
      () => {
        const waiting = getJson(['pods', '-n', NAMESPACE])
          .items.flatMap((p: KubeObject) => p.status.containerStatuses ?? [])
          .map((c: KubeObject) => c.state?.waiting?.reason);
        if (!waiting.some((r: string) => r === 'ErrImagePull' || r === 'ImagePullBackOff')) {
          throw new Error(`waiting reasons: ${waiting.join(', ')}`);
        }
      },
      WAIT_MS,
      200,
    );
    const copy = spawnSync(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${REGISTRY}/library/nginx:1.14.2`,
        `docker://${REGISTRY}/library/nginx:${tag}`,
      ],
      { encoding: 'utf8' },
    );
    expect(`${copy.status} ${copy.stderr}`).toBe('0 ');
    const result = await deploying;
    expect(result.output).toMatch(
      /container nginx: (ErrImagePull|ImagePullBackOff).*the deploy fails if this persists/,
    );
    expect(result.output).not.toContain('FAILED');
    expect(result.output).toMatch(/deployed: revision \d+, all \d+ objects healthy$/m);
    expect(result.status).toBe(0);
    expect(await page()).toBe(goodPage);
  });

  test('a deployer whose role may not list events: the failure says so, and the restore still runs', async () => {
    const kubeconfig = deployerKubeconfig();
    const before = liveImages();
    const dir = variant('bad-tag-limited', (objects) => {
      findObject(objects, 'Pod', 'fib-client-pod').spec.containers[0].image =
        'rgederin/fib-client-standalone-k8s:no-such-tag';
    });
    const result = await expectFailsFastAndRestores(dir, /fib-client/, '--kubeconfig', kubeconfig);
    expect(result.output).toMatch(
      new RegExp(
        `could not read the events of namespace ${NAMESPACE}: Error from server \\(Forbidden\\): events is forbidden`,
      ),
    );
    // What it could read is explained all the same.
    expect(result.output).toMatch(/ErrImagePull.*rgederin\/fib-client-standalone-k8s:no-such-tag/);
    expect(liveImages()).toEqual(before);
  });

  test('a pod deleted while the failure is explained: said in one line, and the explanation goes on', async () => {
    const crashing = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crashes-then-goes', namespace: NAMESPACE },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'app',
            image: 'busybox:1.35.0',
            command: ['sh', '-c', 'echo about to fail; exit 3'],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    };
    kubectlOk(['apply', '-f', '-'], JSON.stringify(crashing));
    // As the explanation lists it: a container that has crashed.
    const listed = await eventually(
      'crashes-then-goes has crashed once',
      () => {
        const pod = getJson(['pod', 'crashes-then-goes', '-n', NAMESPACE]);
        if (!pod.status.containerStatuses?.[0]?.lastState?.terminated) {
          throw new Error('not crashed yet');
        }
        return pod;
      },
      WAIT_MS,
    );
    kubectlOk(['delete', 'pod', 'crashes-then-goes', '-n', NAMESPACE, '--wait=true']);
    const lines = await explainPod({ namespace: NAMESPACE }, NAMESPACE, listed);
    progress(lines.join('\n'));
    expect(lines.join('\n')).toMatch(
      new RegExp(
        `${NAMESPACE}/Pod/crashes-then-goes: container app: .*exited with code 3\\b.*could not read its log: .*NotFound`,
      ),
    );
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
    // Helm keeps the last 10 revisions: the oldest complete one it still lists.
    const older = /^(\d+)\s.*superseded.*(Install|Upgrade) complete/m.exec(history.stdout)?.[1];
    expect(older).toBeDefined();
    expect(history.stdout).toMatch(/failed/);
    const rollback = spawnSync('npm', ['run', '-s', 'apply', '--', 'rollback', String(older), '-n', NAMESPACE], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(`${rollback.stdout}${rollback.stderr}`).toMatch(/Rollback was a success/);
    expect(rollback.status).toBe(0);
    expect(getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]).spec.replicas).toBe(2);
    expect(await page()).toBe(goodPage);
  });
});
