// End-to-end test: `kubectl apply -f dist` on a real Kubernetes control plane, in a namespace
// that enforces the restricted Pod Security Standard. Run by kit/lab/e2e/run.sh (npm run
// test:e2e), which starts the local control plane (kit/lab/cluster) or points at the cluster
// of $KUBECONFIG. The steps run in order and build on each other.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import { readManifests } from '../../pkg/common/manifests';
import { brokenCopy } from './dist';
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
} from './kube';

const DIST = process.env.E2E_DIST_DIR ?? path.resolve(__dirname, '../../../dist');
/** Set by run.sh when it started the local control plane, whose one node is kwok's. */
const LOCAL_CLUSTER = process.env.E2E_LOCAL_CLUSTER === '1';
const KWOK_NODE = 'kwok-node-0';
/** Unique per run, so runs against a shared cluster never meet. */
const NAMESPACE = process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`;
/** Longest wait for the cluster to converge: kwok is instant, real image pulls are not. */
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? (LOCAL_CLUSTER ? 60 : 300)) * 1000;

// What users and the README rely on: names, replicas and the node port.
const DEPLOYMENT = 'nginx-deployment';
const REPLICAS = 2;
const FIB_POD = 'fib-client-pod';
const SERVICE = 'fib-client-node-port';
const NODE_PORT = 31515;

let dist: KubeObject[];
const tempDirs: string[] = [];

/** `kubectl apply -f <dir> -n <namespace> ...extra`, as a user types it. */
function apply(dir: string, ...extra: string[]) {
  return kubectl(['apply', '-f', dir, '-n', NAMESPACE, ...extra]);
}

/** A broken copy of dist/ (see brokenCopy), removed after the run. */
function broken(kind: string, name: string, suffix: string, breakIt: (o: KubeObject) => void): string {
  const dir = brokenCopy(dist, kind, name, suffix, breakIt);
  tempDirs.push(dir);
  return dir;
}

/** "Kind/name: message" of every FailedCreate event in the namespace. */
function failedCreateEvents(): string[] {
  return getJson(['events', '-n', NAMESPACE])
    .items.filter((e: { reason: string }) => e.reason === 'FailedCreate')
    .map(
      (e: { involvedObject: { kind: string; name: string }; message: string }) =>
        `${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`,
    );
}

function expectNoFailedCreate(): void {
  const events = failedCreateEvents();
  if (events.length > 0) {
    throw new Error(`FailedCreate events in ${NAMESPACE}:\n${events.join('\n')}`);
  }
}

/** Throws unless both the EndpointSlices and the Endpoints of `service` list exactly `ips`. */
function expectEndpointsExactly(service: string, ips: string[]): void {
  const slices = getJson(['endpointslices', '-n', NAMESPACE, '-l', `kubernetes.io/service-name=${service}`]).items;
  const sliceIps: string[] = slices.flatMap((s: { endpoints?: { addresses: string[] }[] }) =>
    (s.endpoints ?? []).flatMap((e) => e.addresses),
  );
  const subsets: { addresses?: { ip: string }[] }[] = getJson(['endpoints', service, '-n', NAMESPACE]).subsets ?? [];
  const endpointIps = subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
  const want = [...ips].sort().join(',');
  if (sliceIps.sort().join(',') !== want || endpointIps.sort().join(',') !== want) {
    throw new Error(
      `Service ${service}: expected endpoints exactly [${want}], ` +
        `EndpointSlices list [${sliceIps}] and Endpoints list [${endpointIps}]`,
    );
  }
}

/** "kind/name resourceVersion" of every object in dist/, as the cluster holds it now. */
function resourceVersions(): string[] {
  return getJson(['-f', DIST, '-n', NAMESPACE]).items.map(
    (o: { kind: string; metadata: { name: string; resourceVersion: string } }) =>
      `${o.kind}/${o.metadata.name} ${o.metadata.resourceVersion}`,
  );
}

function fibClientPodIp(): string {
  const ip = getJson(['pod', FIB_POD, '-n', NAMESPACE]).status.podIP;
  expect(ip).toBeTruthy();
  return ip;
}

beforeAll(async () => {
  dist = readManifests(DIST);
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
});

afterAll(() => {
  for (const dir of tempDirs) {
    rmSync(dir, { recursive: true, force: true });
  }
  // NodePort 31515 is the cluster's: free it for kit/lab/e2e/upgrade.test.ts, which may run next.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  // The local control plane is stopped whole by run.sh; on a user's cluster, clean up.
  if (!LOCAL_CLUSTER) {
    kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  }
});

describe('kubectl apply -f dist on a real cluster', () => {
  test('a node is Ready to take the pods', () => {
    const nodes = getJson(['nodes']).items;
    const ready = nodes.filter(isReady);
    expect(ready.length).toBeGreaterThan(0);
    if (LOCAL_CLUSTER) {
      const node = getJson(['node', KWOK_NODE]);
      expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
    }
  });

  test('the namespace enforces the restricted Pod Security Standard', () => {
    const ns = getJson(['namespace', NAMESPACE]);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('kubectl apply -f dist exits 0 and creates every object, with no PodSecurity warning', () => {
    const result = apply(DIST);
    expect(result.stderr).not.toMatch(/PodSecurity/);
    expectSuccess(result);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(dist.length);
    expect(lines.filter((line) => !line.endsWith(' created'))).toEqual([]);
  });

  test('kubectl apply --dry-run=server --validate=strict -f dist passes', () => {
    const result = apply(DIST, '--dry-run=server', '--validate=strict');
    expect(result.stderr).toBe('');
    expectSuccess(result);
  });

  test(`Deployment ${DEPLOYMENT} rolls out ${REPLICAS}/${REPLICAS}: ReplicaSet-made pods, scheduled, Running`, () => {
    const rollout = kubectl([
      'rollout',
      'status',
      `deployment/${DEPLOYMENT}`,
      '-n',
      NAMESPACE,
      `--timeout=${WAIT_MS / 1000}s`,
    ]);
    if (rollout.status !== 0) {
      throw new Error(`rollout did not finish: ${rollout.stderr}\nWarning events:\n${warningEvents(NAMESPACE)}`);
    }
    const deployment = getJson(['deployment', DEPLOYMENT, '-n', NAMESPACE]);
    expect(deployment.spec.replicas).toBe(REPLICAS);
    expect(deployment.status.availableReplicas).toBe(REPLICAS);

    // The pods the Deployment's own selector (as applied from dist) picks.
    const selector = labelSelector(findObject(dist, 'Deployment', DEPLOYMENT).spec.selector.matchLabels);
    const pods = getJson(['pods', '-n', NAMESPACE, '-l', selector]).items;
    expect(pods).toHaveLength(REPLICAS);
    for (const pod of pods) {
      const owner = pod.metadata.ownerReferences?.find((o: { controller?: boolean }) => o.controller);
      expect(owner?.kind).toBe('ReplicaSet');
      const replicaSet = getJson(['replicaset', owner.name, '-n', NAMESPACE]);
      expect(replicaSet.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: DEPLOYMENT });
      expect(pod.spec.nodeName).toBeTruthy();
      if (LOCAL_CLUSTER) {
        expect(pod.spec.nodeName).toBe(KWOK_NODE);
      }
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.podIP).toBeTruthy();
    }
  });

  test(`Pod ${FIB_POD} is Running`, async () => {
    await eventually(
      `${FIB_POD} Running`,
      () => {
        const phase = getJson(['pod', FIB_POD, '-n', NAMESPACE]).status.phase;
        if (phase !== 'Running') {
          throw new Error(`${FIB_POD} is ${phase}, not Running. Warning events:\n${warningEvents(NAMESPACE)}`);
        }
      },
      WAIT_MS,
    );
    fibClientPodIp();
  });

  test('no FailedCreate events', () => {
    expectNoFailedCreate();
  });

  test(`Service ${SERVICE} has nodePort ${NODE_PORT} and exactly the ${FIB_POD} IP as endpoints`, async () => {
    const service = getJson(['service', SERVICE, '-n', NAMESPACE]);
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports.map((p: { nodePort: number }) => p.nodePort)).toEqual([NODE_PORT]);
    const ip = fibClientPodIp();
    await eventually(`endpoints of ${SERVICE} = [${ip}]`, () => expectEndpointsExactly(SERVICE, [ip]), WAIT_MS);
  });

  test('a second kubectl apply -f dist changes nothing, and kubectl diff -f dist exits 0', () => {
    const before = resourceVersions();
    const result = apply(DIST);
    expectSuccess(result);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(dist.length);
    // "configured" means kubectl sent a patch: typically a field the API server drops as empty
    // (false, 0, []), which client-side apply then re-sends on every apply. The one exception is
    // a PodDisruptionBudget: its spec.selector has patch strategy "replace", so kubectl always
    // re-sends it. That patch must be a no-op, which the unchanged resourceVersions prove.
    const changed = lines.filter((line) => !line.endsWith(' unchanged'));
    expect(changed.filter((line) => !/^poddisruptionbudget\.policy\/\S+ configured$/.test(line))).toEqual([]);
    expect(resourceVersions()).toEqual(before);
    const diff = kubectl(['diff', '-f', DIST, '-n', NAMESPACE]);
    expect(diff.stdout).toBe('');
    expectSuccess(diff);
    expectNoFailedCreate();
  });
});

describe('kit/lab/e2e/preflight.sh, run before testing an existing cluster', () => {
  test(`refuses a cluster where NodePort ${NODE_PORT} is held, naming the Service that holds it`, () => {
    // The Service applied above holds the port, in a namespace that is not Terminating.
    const result = spawnSync('bash', [path.resolve(__dirname, 'preflight.sh')], { encoding: 'utf8' });
    expect(result.stderr).toContain(
      `e2e: NodePort ${NODE_PORT}, which dist/ uses, is held by Service ${NAMESPACE}/${SERVICE} on that cluster.`,
    );
    expect(result.status).toBe(1);
  });
});

// Each case applies a copy of dist/ in which one object is broken (and renamed, so the good
// one is untouched), and expects the API server, or this harness's own check, to refuse it.
// They prove the checks above can fail.
describe('broken copies of dist are caught', () => {
  test('a misspelled field fails --validate=strict', () => {
    const dir = broken('Deployment', DEPLOYMENT, 'e2e-typo', (d) => {
      d.spec.replica = d.spec.replicas;
      delete d.spec.replicas;
    });
    const result = apply(dir, '--dry-run=server', '--validate=strict');
    expectFailure(result);
    expect(result.stderr).toMatch(/unknown field "spec.replica"/);
  });

  test('a nodePort outside 30000-32767 is rejected by the API server', () => {
    const dir = broken('Service', SERVICE, 'e2e-out-of-range', (s) => {
      s.spec.ports[0].nodePort = 32768;
    });
    const result = apply(dir);
    expectFailure(result);
    expect(result.stderr).toMatch(/provided port is not in the valid range/);
  });

  test('a Pod that violates restricted is rejected by PodSecurity admission', () => {
    const dir = broken('Pod', FIB_POD, 'e2e-privileged', (p) => {
      // Its own label, so it could never join the Service's endpoints.
      p.metadata.labels = { component: 'e2e-privileged' };
      for (const container of p.spec.containers) {
        container.securityContext = { ...container.securityContext, allowPrivilegeEscalation: true };
      }
    });
    const result = apply(dir);
    expectFailure(result);
    expect(result.stderr).toMatch(/violates PodSecurity "restricted/);
  });

  test('a Deployment whose pods violate restricted is flagged by the FailedCreate check', async () => {
    const name = `${DEPLOYMENT}-e2e-privileged`;
    const dir = broken('Deployment', DEPLOYMENT, 'e2e-privileged', (d) => {
      const labels = { app: 'nginx-e2e-privileged' };
      d.spec.replicas = 1;
      d.spec.selector.matchLabels = labels;
      d.spec.template.metadata.labels = labels;
      for (const container of d.spec.template.spec.containers) {
        container.securityContext = { ...container.securityContext, allowPrivilegeEscalation: true };
      }
    });
    // The API server admits the Deployment with a warning; its pods are what gets refused.
    const result = apply(dir);
    expectSuccess(result);
    expect(result.stderr).toMatch(/would violate PodSecurity "restricted/);
    await eventually(
      `FailedCreate of ${name}'s pods`,
      () => expect(failedCreateEvents().join('\n')).toContain(name),
      WAIT_MS,
    );
    expect(expectNoFailedCreate).toThrow(/FailedCreate events/);
    kubectlOk(['delete', 'deployment', name, '-n', NAMESPACE]);
  });

  test('a Service whose selector matches nothing is flagged by the endpoints check', async () => {
    const name = `${SERVICE}-e2e-no-match`;
    const dir = broken('Service', SERVICE, 'e2e-no-match', (s) => {
      s.spec.selector = { component: 'e2e-matches-nothing' };
      // The node port is the good Service's; a second one would be refused for that instead.
      for (const port of s.spec.ports) {
        delete port.nodePort;
      }
    });
    // The API server has no objection: only the endpoints check can catch it.
    expectSuccess(apply(dir));
    const ip = fibClientPodIp();
    await expect(
      eventually(`endpoints of ${name} = [${ip}] (must not happen)`, () => expectEndpointsExactly(name, [ip]), 5_000),
    ).rejects.toThrow(/expected endpoints exactly/);
  });
});
