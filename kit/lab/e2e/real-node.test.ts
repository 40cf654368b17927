// End-to-end test on a real node: `kubectl apply -f dist` as a user types it, in a namespace
// that enforces the restricted Pod Security Standard, on the cluster of `up.sh --real-node`
// (containerd, runc, the kubelet and kube-proxy), whose images are the STAND-INS of
// kit/lab/cluster/images.sh. It ends as the sandbox does: http://127.0.0.1:31515/ answered
// by nginx inside the fib-client container. Run by kit/lab/e2e/run.sh --real-node
// (npm run test:e2e:node), as root on the machine that runs the node.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import { readManifests } from '../../pkg/common/manifests';
import { brokenCopy } from './dist';
import { allContainerPids, containerId, type PodJson } from './node';
import { pageHash, stamp } from '../cluster/doc-picture';
import {
  createRestrictedNamespace,
  eventually,
  expectFailure,
  expectSuccess,
  getJson,
  isReady,
  labelSelector,
  warningEvents,
  kubectl,
  kubectlOk,
  progress,
} from './kube';

const DIST = process.env.E2E_DIST_DIR ?? path.resolve(__dirname, '../../../dist');
const NAMESPACE = process.env.E2E_NAMESPACE ?? `k8s-sandbox-node-${Date.now().toString(36)}`;
/** containerd's socket on the node, for the containers' pids (set by run.sh). */
const CONTAINERD_SOCKET = process.env.E2E_CONTAINERD_SOCKET ?? '';
/** How many real nodes run.sh started (1 unless E2E_NODES says more). */
const NODES = Number(process.env.E2E_NODES ?? 1);
/** Where the screenshot is kept. */
const ARTIFACTS = process.env.E2E_ARTIFACTS_DIR ?? path.resolve(__dirname, '../../../test-results');
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
/** The browser for the screenshot: E2E_BROWSER, or Chromium, or Chrome. */
const BROWSER =
  process.env.E2E_BROWSER ??
  ['chromium', 'google-chrome'].find((name) => spawnSync('which', [name]).status === 0) ??
  'chromium';

const DEPLOYMENT = 'nginx-deployment';
const FIB_POD = 'fib-client-pod';
const NODE_PORT_URL = 'http://127.0.0.1:31515';
/** How long every container must then keep running without a restart. */
const STEADY_MS = 30_000;

let dist: KubeObject[];
const tempDirs: string[] = [];

function apply(dir: string): void {
  kubectlOk(['apply', '-f', dir, '-n', NAMESPACE]);
}

/** The pods of the Deployment `name` from dist/ (its own selector). */
function podsOf(objects: readonly KubeObject[], name: string): PodJson[] {
  const selector = labelSelector(findObject(objects, 'Deployment', name).spec.selector.matchLabels);
  return getJson(['pods', '-n', NAMESPACE, '-l', selector]).items;
}

function allPods(): PodJson[] {
  return [getJson(['pod', FIB_POD, '-n', NAMESPACE]), ...podsOf(dist, DEPLOYMENT)];
}

/** The value of `field` in /proc/<pid>/status. */
function procStatus(pid: number, field: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) {
    throw new Error(`/proc/${pid}/status has no ${field}`);
  }
  return line.slice(field.length + 1).trim();
}

/** Bytes of a Kubernetes quantity such as 64Mi. */
function bytes(quantity: string): number {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) {
    throw new Error(`unexpected quantity ${quantity}`);
  }
  return Number(match[1]) * (match[2] ? units[match[2]] : 1);
}

/** An HTTP GET from this host; status and body. */
async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

/** Logs of the pod's current and previous container, whichever exist. */
function logsOf(pod: string): string {
  const current = kubectl(['logs', pod, '-n', NAMESPACE]);
  const previous = kubectl(['logs', pod, '-n', NAMESPACE, '--previous']);
  return `${current.stdout}${previous.stdout}`;
}

/**
 * Applies a copy of dist/ whose nginx Deployment is broken by `breakIt` and renamed
 * `nginx-deployment-<suffix>`, with 1 replica and labels of its own (so nothing of the good
 * copy selects it), and returns its one pod's name once it exists.
 */
async function applyBrokenNginx(suffix: string, breakIt: (spec: KubeObject['spec']) => void): Promise<string> {
  const labels = { app: `nginx-${suffix}` };
  const dir = brokenCopy(dist, 'Deployment', DEPLOYMENT, suffix, (d) => {
    d.spec.replicas = 1;
    d.spec.selector.matchLabels = labels;
    d.spec.template.metadata.labels = labels;
    d.spec.template.spec.affinity = undefined;
    breakIt(d.spec.template.spec);
  });
  tempDirs.push(dir);
  apply(dir);
  return eventually(
    `a pod of ${DEPLOYMENT}-${suffix}`,
    () => {
      const pods = getJson(['pods', '-n', NAMESPACE, '-l', `app=${labels.app}`]).items;
      if (pods.length !== 1) {
        throw new Error(`${pods.length} pods of ${DEPLOYMENT}-${suffix}`);
      }
      return pods[0].metadata.name as string;
    },
    WAIT_MS,
  );
}

beforeAll(async () => {
  if (!CONTAINERD_SOCKET) {
    throw new Error('E2E_CONTAINERD_SOCKET is not set: run this test with npm run test:e2e:node');
  }
  dist = readManifests(DIST);
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
});

afterAll(() => {
  for (const dir of tempDirs) {
    rmSync(dir, { recursive: true, force: true });
  }
  // The nodePort is the cluster's: free it for deploy-node.test.ts whatever order they run in.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
});

describe('kubectl apply -f dist on a real node', () => {
  test('every node is a real kubelet on containerd, Ready', () => {
    const nodes = getJson(['nodes']).items;
    expect(nodes).toHaveLength(NODES);
    for (const node of nodes) {
      expect(node.metadata.annotations?.['kwok.x-k8s.io/node']).toBeUndefined();
      expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
      expect(node.status.nodeInfo.kubeletVersion).toMatch(/^v1\./);
      expect(`${node.metadata.name} Ready=${isReady(node)}`).toBe(`${node.metadata.name} Ready=true`);
    }
  });

  test('kubectl apply -f dist exits 0 with no PodSecurity warning', () => {
    const result = kubectl(['apply', '-f', DIST, '-n', NAMESPACE]);
    expect(result.stderr).not.toMatch(/PodSecurity/);
    expectSuccess(result);
  });

  test('both nginx pods and the fib-client pod become Ready through their readiness probes', async () => {
    await eventually(
      'every pod Ready',
      () => {
        const pods = allPods();
        const notReady = pods.filter((p) => !isReady(p)).map((p) => p.metadata.name);
        if (pods.length !== 3 || notReady.length > 0) {
          throw new Error(
            `${pods.length}/3 pods, not Ready: [${notReady}]. Warning events:\n${warningEvents(NAMESPACE)}`,
          );
        }
      },
      WAIT_MS,
    );
  });

  test(`after a further ${STEADY_MS / 1000}s every container is still Ready with restartCount 0`, async () => {
    progress(`watching the pods for ${STEADY_MS / 1000}s`);
    await sleep(STEADY_MS);
    const statuses = allPods().flatMap((p) =>
      (p.status.containerStatuses ?? []).map(
        (c) => `${p.metadata.name}/${c.name} ready=${c.ready} restarts=${c.restartCount}`,
      ),
    );
    expect(statuses).toHaveLength(3);
    expect(statuses.filter((s) => !s.endsWith('ready=true restarts=0'))).toEqual([]);
  });

  test('the fib-client image was pulled through the registry mirror (imagePullPolicy: Always)', () => {
    const pulled = getJson(['events', '-n', NAMESPACE, '--field-selector', `involvedObject.name=${FIB_POD}`])
      .items.filter((e: { reason: string }) => e.reason === 'Pulled')
      .map((e: { message: string }) => e.message);
    expect(pulled.join('\n')).toMatch(/Successfully pulled image "rgederin\/fib-client-standalone-k8s"/);
  });

  test(`the sandbox's check: GET ${NODE_PORT_URL}/ through the NodePort returns the fib-client page`, async () => {
    const page = await eventually(
      `${NODE_PORT_URL}/ answers 200`,
      async () => {
        const response = await get(`${NODE_PORT_URL}/`);
        if (response.status !== 200) {
          throw new Error(`HTTP ${response.status}`);
        }
        return response;
      },
      WAIT_MS,
    );
    expect(page.body).toContain('<title>Fib Calculator (k8s-sandbox stand-in)</title>');
    // A client-side route is the same page (the SPA fallback of the image's nginx config).
    const route = await get(`${NODE_PORT_URL}/some/route`);
    expect(route.status).toBe(200);
    expect(route.body).toBe(page.body);
  });

  test('each nginx replica answers HTTP 200 on its pod IP, port 80', async () => {
    const pods = podsOf(dist, DEPLOYMENT);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      const response = await get(`http://${pod.status.podIP}:80/`);
      expect(response.status).toBe(200);
      expect(response.body).toContain('<h1>Welcome to nginx!</h1>');
    }
  });
});

describe('the restrictions hold at runtime (from /proc of each container main process)', () => {
  /** Each running container: pod, container name, main pid, and its spec from dist/. */
  function containers() {
    const pids = allContainerPids();
    return allPods().flatMap((pod) =>
      (pod.status.containerStatuses ?? []).map((status) => {
        const id = containerId(status);
        const pid = pids.get(id);
        if (!pid) {
          throw new Error(`no running task for ${pod.metadata.name}/${status.name} (${id})`);
        }
        const spec = pod.spec.containers.find((c) => c.name === status.name);
        return { name: `${pod.metadata.name}/${status.name}`, pid, spec };
      }),
    );
  }

  test('uid and gid are 10101 (not 0), as runAsUser and runAsGroup say', () => {
    const list = containers();
    expect(list).toHaveLength(3);
    for (const { name, pid } of list) {
      expect(`${name} ${procStatus(pid, 'Uid')}`).toBe(`${name} 10101\t10101\t10101\t10101`);
      expect(`${name} ${procStatus(pid, 'Gid')}`).toBe(`${name} 10101\t10101\t10101\t10101`);
    }
  });

  test('no capability (CapEff 0), NoNewPrivs 1, seccomp filter mode 2', () => {
    for (const { name, pid } of containers()) {
      expect(`${name} ${procStatus(pid, 'CapEff')}`).toBe(`${name} 0000000000000000`);
      expect(`${name} ${procStatus(pid, 'NoNewPrivs')}`).toBe(`${name} 1`);
      expect(`${name} ${procStatus(pid, 'Seccomp')}`).toBe(`${name} 2`);
    }
  });

  test('the root filesystem is read-only: a write to / fails with EROFS, one to the emptyDir works', () => {
    for (const { name, pid } of containers()) {
      const root = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
        .split('\n')
        .map((line) => line.split(' '))
        .find((fields) => fields[4] === '/');
      expect(`${name} ${root?.[5].split(',')[0]}`).toBe(`${name} ro`);
      expect(() => writeFileSync(`/proc/${pid}/root/k8s-sandbox-write-test`, 'x')).toThrow(/EROFS/);
      const scratch = `/proc/${pid}/root/var/cache/nginx/k8s-sandbox-write-test`;
      writeFileSync(scratch, 'x');
      unlinkSync(scratch);
    }
  });

  test("the memory limit is in the container's and the pod's cgroup", () => {
    for (const { name, pid, spec } of containers()) {
      const limit = bytes(spec?.resources?.limits?.memory ?? '');
      const cgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
        .split('\n')
        .map((line) => line.split(':'))
        .find((fields) => fields[1]?.split(',').includes('memory'));
      const dir = `/sys/fs/cgroup/memory${cgroup?.[2]}`;
      expect(`${name} ${readFileSync(`${dir}/memory.limit_in_bytes`, 'utf8').trim()}`).toBe(`${name} ${limit}`);
      // One container a pod: the pod's limit is that container's.
      expect(`${name} ${readFileSync(`${dir}/../memory.limit_in_bytes`, 'utf8').trim()}`).toBe(`${name} ${limit}`);
    }
  });
});

// Each case applies a copy of dist/ whose nginx Deployment lacks one setting, and expects the
// failure a user would see on a real cluster: they prove the checks above can fail, and that
// each setting is needed.
describe('negative controls: dist/ without one setting fails as a user would see it', () => {
  async function expectCrashWith(pod: string, logLine: string): Promise<void> {
    await eventually(
      `${pod} logs "${logLine}"`,
      () => {
        const logs = logsOf(pod);
        if (!logs.includes(logLine)) {
          throw new Error(`${pod} logs do not contain "${logLine}":\n${logs}`);
        }
      },
      WAIT_MS,
    );
    expect(isReady(getJson(['pod', pod, '-n', NAMESPACE]))).toBe(false);
  }

  test('without the ip_unprivileged_port_start sysctl nginx cannot bind port 80', async () => {
    const pod = await applyBrokenNginx('no-sysctl', (spec) => {
      delete spec.securityContext.sysctls;
    });
    await expectCrashWith(pod, 'bind() to 0.0.0.0:80 failed (13: Permission denied)');
  });

  test('without the /var/cache/nginx emptyDir nginx cannot create its temp dirs', async () => {
    const pod = await applyBrokenNginx('no-cache-dir', (spec) => {
      const [container] = spec.containers;
      const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/var/cache/nginx');
      container.volumeMounts = container.volumeMounts.filter((m: object) => m !== mount);
      spec.volumes = spec.volumes.filter((v: { name: string }) => v.name !== mount.name);
    });
    await expectCrashWith(pod, 'mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)');
  });

  // runAsGroup goes too: with a group and no user, containerd 1.6 fails the pod sandbox
  // ("user group \"10101\" is specified without user") before the kubelet's own check.
  test('without the explicit runAsUser (and runAsGroup) the kubelet refuses the image, which runs as root', async () => {
    const pod = await applyBrokenNginx('no-run-as-user', (spec) => {
      for (const context of [
        spec.securityContext,
        ...spec.containers.map((c: KubeObject['spec']) => c.securityContext),
      ]) {
        delete context.runAsUser;
        delete context.runAsGroup;
      }
    });
    await eventually(
      `${pod} waiting with CreateContainerConfigError`,
      () => {
        const [status] = getJson(['pod', pod, '-n', NAMESPACE]).status.containerStatuses ?? [];
        expect(status?.state?.waiting?.reason).toBe('CreateContainerConfigError');
        expect(status.state.waiting.message).toMatch(/container has runAsNonRoot and image will run as root/);
      },
      WAIT_MS,
    );
  });

  test('without runAsNonRoot and runAsUser PodSecurity admission refuses the pods', async () => {
    const pod = brokenCopy(dist, 'Pod', FIB_POD, 'as-root', (p) => {
      p.metadata.labels = { component: 'as-root' };
      delete p.spec.securityContext.runAsNonRoot;
      delete p.spec.securityContext.runAsUser;
      for (const container of p.spec.containers) {
        delete container.securityContext.runAsNonRoot;
        delete container.securityContext.runAsUser;
      }
    });
    tempDirs.push(pod);
    const result = kubectl(['apply', '-f', pod, '-n', NAMESPACE]);
    expectFailure(result);
    expect(result.stderr).toMatch(/violates PodSecurity "restricted:latest": runAsNonRoot != true/);
  });
});

describe('a picture', () => {
  test(`headless Chromium renders ${NODE_PORT_URL}/ to ${path.relative(process.cwd(), ARTIFACTS)}/fib-client.png`, () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'fib-client.png');
    rmSync(file, { force: true });
    const profile = mkdtempSync(path.join(tmpdir(), 'k8s-sandbox-chromium-'));
    tempDirs.push(profile);
    // As root Chromium needs --no-sandbox; the rest keeps it off the network but for the page.
    execFileSync(
      BROWSER,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--window-size=900,320',
        `--screenshot=${file}`,
        `${NODE_PORT_URL}/`,
      ],
      { stdio: 'pipe', timeout: 60_000 },
    );
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(file).size).toBeGreaterThan(5_000);
    // Stamped with the page it shows: copied to docs/, the unit test knows it is current.
    writeFileSync(file, stamp(readFileSync(file), pageHash()));
  });
});
