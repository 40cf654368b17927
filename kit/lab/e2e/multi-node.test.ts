// End-to-end test on several real nodes (up.sh --real-node --nodes N): `kubectl apply -f dist`
// in a restricted namespace, then the sandbox's promises on every node. Each node is a real
// kubelet on its own containerd with an InternalIP of its own; the NodePort answers with the
// page on every node's InternalIP whichever node runs the fib-client Pod (kube-proxy on the
// other nodes forwards across the node network); the two nginx replicas run on different nodes
// (the Deployment's anti-affinity preference, as the scheduler reads it). Run by
// kit/lab/e2e/run.sh --real-node with E2E_NODES=2 (E2E_NODES=2 npm run test:e2e:node) with the other
// real-node suites, as root on the machine.
import * as path from 'node:path';
import { readManifests } from '../../pkg/common/manifests';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import {
  createRestrictedNamespace,
  eventually,
  expectSuccess,
  getJson,
  isReady,
  kubectl,
  kubectlOk,
  labelSelector,
  warningEvents,
} from './kube';
import { requireLocalRoutes } from './routes';

const DIST = process.env.E2E_DIST_DIR ?? path.resolve(__dirname, '../../../dist');
// Its own namespace, so that the real-node files of one run pass in whatever order jest runs them.
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-${Date.now().toString(36)}`}-spread`;
/** How many nodes run.sh started (up.sh --nodes). */
const NODES = Number(process.env.E2E_NODES ?? 2);
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
const DEPLOYMENT = 'nginx-deployment';
const FIB_POD = 'fib-client-pod';
const TITLE = '<title>Fib Calculator (k8s-sandbox stand-in)</title>';

interface NodeJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { unschedulable?: boolean };
  status: {
    addresses: { type: string; address: string }[];
    nodeInfo: { containerRuntimeVersion: string };
    conditions?: { type: string; status: string }[];
  };
}
interface PodJson {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { conditions?: { type: string; status: string }[] };
}

let dist: KubeObject[];
const internalIp = (node: NodeJson) => node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
const nodes = (): NodeJson[] => getJson(['nodes']).items;

function nginxPods(): PodJson[] {
  const selector = labelSelector(findObject(dist, 'Deployment', DEPLOYMENT).spec.selector.matchLabels);
  return getJson(['pods', '-n', NAMESPACE, '-l', selector]).items;
}

/** Waits for the fib-client Pod and both nginx replicas to be Ready; returns them. */
function everyPodReady(): Promise<{ fib: PodJson; nginx: PodJson[] }> {
  return eventually(
    'the fib-client Pod and both nginx replicas Ready',
    () => {
      const fib: PodJson = getJson(['pod', FIB_POD, '-n', NAMESPACE]);
      const nginx = nginxPods();
      const notReady = [fib, ...nginx].filter((p) => !isReady(p)).map((p) => p.metadata.name);
      if (nginx.length !== 2 || notReady.length > 0) {
        throw new Error(
          `${nginx.length}/2 nginx pods, not Ready: [${notReady}]. Warnings:\n${warningEvents(NAMESPACE)}`,
        );
      }
      return { fib, nginx };
    },
    WAIT_MS,
  );
}

/** The page of `address`:31515, once it answers 200 (kube-proxy may still be syncing). */
function pageOn(address: string): Promise<string> {
  requireLocalRoutes([address]);
  return eventually(
    `http://${address}:31515/ answers the page`,
    async () => {
      const response = await fetch(`http://${address}:31515/`, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      if (response.status !== 200 || !body.includes(TITLE)) {
        throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
      }
      return body;
    },
    60_000,
  );
}

beforeAll(async () => {
  dist = readManifests(DIST);
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
});

afterAll(() => {
  for (const node of nodes()) {
    kubectl(['uncordon', node.metadata.name]);
  }
  // The nodePort is the cluster's: free it for the suite's other files, in whatever order jest runs them.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
});

describe(`${NODES} real nodes`, () => {
  test('every node is a real kubelet on containerd, Ready, with an InternalIP of its own', () => {
    const list = nodes();
    expect(list).toHaveLength(NODES);
    for (const node of list) {
      expect(node.metadata.annotations?.['kwok.x-k8s.io/node']).toBeUndefined();
      expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
      expect(`${node.metadata.name} Ready=${isReady(node)}`).toBe(`${node.metadata.name} Ready=true`);
    }
    const addresses = list.map(internalIp);
    expect(new Set(addresses).size).toBe(NODES);
    expect(addresses.filter((a) => !/^10\.24[45]\.0\.\d+$/.test(a))).toEqual([]);
  });

  test('kubectl apply -f dist: every pod Ready, the two nginx replicas on different nodes', async () => {
    expectSuccess(kubectl(['apply', '-f', DIST, '-n', NAMESPACE]));
    const { nginx } = await everyPodReady();
    const where = nginx.map((p) => p.spec.nodeName);
    expect(where.every((name) => name)).toBe(true);
    expect(new Set(where).size).toBe(2);
  });

  test("the page answers on every node's InternalIP:31515 and on 127.0.0.1:31515", async () => {
    for (const address of ['127.0.0.1', ...nodes().map(internalIp)]) {
      expect(await pageOn(address)).toContain(TITLE);
    }
  });

  test('with the fib-client Pod on another node, the page still answers on every node', async () => {
    const before: PodJson = getJson(['pod', FIB_POD, '-n', NAMESPACE]);
    const first = before.spec.nodeName ?? '';
    // The scheduler, not this test, picks the new node: the old one is cordoned, and the bare
    // Pod is created again from dist/.
    kubectlOk(['cordon', first]);
    kubectlOk(['delete', 'pod', FIB_POD, '-n', NAMESPACE]);
    expectSuccess(kubectl(['apply', '-f', DIST, '-n', NAMESPACE]));
    const { fib } = await everyPodReady();
    kubectlOk(['uncordon', first]);
    expect(fib.spec.nodeName).not.toBe(first);
    for (const address of ['127.0.0.1', ...nodes().map(internalIp)]) {
      expect(await pageOn(address)).toContain(TITLE);
    }
  });
});
