// NetworkPolicy on the real node, cell by cell: dist/ applied in a restricted namespace, and a
// connectivity table (after the upstream NetworkPolicy e2e tests and cyclonus' probes) of real
// TCP connects with a short timeout, from the fib-client pod, each nginx pod, a probe pod in the
// same namespace labelled like neither app, a probe pod in another namespace, the node itself
// and 127.0.0.1:31515 through kube-proxy; to fib-client and each nginx pod on their container
// port and on a port they do not allow, and to an address on the node outside any pod (egress).
// Every expected cell comes from the NetworkPolicies in dist/ by NetworkPolicy semantics
// (kit/pkg/netpol/evaluate.ts), never from a hand-typed table. Then the controls: with the
// policies deleted every cell is open (the enforcer is what blocks), and `npm run
// netpol:enforced` answers "enforced", and "not enforced" once the enforcer's iptables hooks are
// taken out. The probe pods run busybox:1.35.0, a STAND-IN built from Debian's busybox-static.
// On several nodes (E2E_NODES=2 npm run test:e2e:node) the same table holds across
// nodes: the nginx replicas run on different nodes, the two probes are placed on the first and
// the last node, every node's enforcer judges its own pods' connections, and each node's
// NodePort address is one more source; the controls take every node's hooks out.
// Run by kit/lab/e2e/run.sh --real-node (npm run test:e2e:node), as root on the node.
import { execFileSync, spawnSync } from 'node:child_process';
import { type Server, createServer } from 'node:net';
import * as path from 'node:path';
import { run } from '../../pkg/common/process';
import { restrictedPod } from '../../pkg/common/restricted';
import { type Endpoint, type PolicySet, evaluate, networkPolicies } from '../../pkg/netpol/evaluate';
import {
  type Cell,
  type KnownDivergence,
  type Observed,
  compare,
  formatTable,
  reachable,
} from '../../pkg/netpol/table';
import { type KubeObject } from '../../pkg/common/kube';
import { readManifests } from '../../pkg/common/manifests';
import { createRestrictedNamespace, eventually, getJson, isReady, kubectl, kubectlOk, progress } from './kube';
import { allContainerPids } from './node';
import { writeDocBlock } from '../../pkg/common/doc-block';
import { NETWORK_POLICY_DOC } from './reliability-doc';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = process.env.E2E_DIST_DIR ?? path.join(ROOT, 'dist');
// The namespace of real-node.test.ts, whose dist/ owns NodePort 31515 (a second copy of dist/
// could not have it); created here when this file runs alone.
// Its own namespace, so that the real-node suite's files pass in whatever order jest runs them.
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-node-${Date.now().toString(36)}`}-netpol`;
const OTHER_NAMESPACE = `${NAMESPACE}-np-other`;
const CONTAINERD_SOCKET = process.env.E2E_CONTAINERD_SOCKET ?? '';
/** The network namespaces of nodes 2..N (run.sh); none on one node. */
const NODE_NETNS = (process.env.E2E_NODE_NETNS ?? '').split(' ').filter(Boolean);
const MULTI_NODE = NODE_NETNS.length > 0;
/** The node's address on the pod network (the bridge's), where the egress target listens. */
const NODE_IP = process.env.E2E_NODE_IP ?? '10.244.0.1';
/** The iptables chain (mangle) the node's enforcer is fed from (kit/lab/cluster/env.sh NETPOL_CHAIN). */
const NETPOL_CHAIN = process.env.E2E_NETPOL_CHAIN ?? '';
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
/** A port neither app serves nor allows. */
const OTHER_PORT = 8080;
/** How long a connect may take before the cell counts as blocked. */
const CONNECT_TIMEOUT_SECONDS = 2;
const PROBE_IMAGE = 'busybox:1.35.0';

/**
 * Cells where this enforcer (kube-network-policies v0.8.0's engine) is known to differ from the
 * policies, each with its evidence; the table asserts each one as that divergence and fails if
 * it goes away. None is known: kube-router v2.1.0's nginx -> nginx:80 gap (a shared per-pod
 * chain lets the destination's ingress mark satisfy the source's egress check) does not occur
 * with this engine, which judges egress and ingress separately.
 */
const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [];

interface NodeJson {
  metadata: { name: string };
  status: { addresses: { type: string; address: string }[] };
}
interface PodJson {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] };
  status: { podIP?: string; containerStatuses?: { containerID?: string }[]; conditions?: object[] };
}

/** A source of connections: a pod (probed from inside its network namespace) or the node. */
interface Source {
  readonly name: string;
  readonly endpoint: Endpoint;
  /** The pid whose network namespace the connect runs in; none for the node. */
  readonly pid?: number;
  /** For 127.0.0.1:31515: only the NodePort's own target, through that address. */
  readonly via?: { readonly address: string; readonly port: number; readonly target: string };
}
interface Target {
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly port: number;
}

let dist: KubeObject[];
let listener: Server;
let listenerPort: number;

function podEndpoint(pod: PodJson, name: string): Endpoint {
  const namedPorts: Record<string, number> = {};
  for (const port of pod.spec.containers.flatMap((c) => c.ports ?? [])) {
    if (port.name) {
      namedPorts[port.name] = port.containerPort;
    }
  }
  return {
    kind: 'pod',
    name,
    namespace: pod.metadata.namespace,
    labels: pod.metadata.labels ?? {},
    ip: pod.status.podIP ?? '',
    namedPorts,
  };
}

/** One TCP connect from `pid`'s network namespace (or the node's) to address:port. */
async function connect(pid: number | undefined, address: string, port: number): Promise<Observed> {
  const attempt = ['timeout', String(CONNECT_TIMEOUT_SECONDS), 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port}`];
  const [command, ...args] = pid === undefined ? attempt : ['nsenter', `--net=/proc/${pid}/ns/net`, '--', ...attempt];
  const result = await run(command, args, { okExitCodes: [1, 124] });
  if (result.code === 0) {
    return 'open';
  }
  if (result.code === 124) {
    return 'blocked';
  }
  if (/Connection refused/.test(result.stderr)) {
    return 'refused';
  }
  throw new Error(`connect to ${address}:${port} failed in an unexpected way: ${result.stderr.trim()}`);
}

/** The sources and targets, from the pods as they run now. */
function layout(): { sources: Source[]; targets: Target[] } {
  const pids = allContainerPids();
  const pidOf = (pod: PodJson) => {
    const id = (pod.status.containerStatuses?.[0]?.containerID ?? '').replace(/^containerd:\/\//, '');
    const pid = pids.get(id);
    if (!pid) {
      throw new Error(`no running container for pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    return pid;
  };
  const [fib, ...nginxPods] = distPods();
  const nginx = nginxPods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const probe: PodJson = getJson(['pod', 'probe', '-n', NAMESPACE]);
  const otherProbe: PodJson = getJson(['pod', 'probe', '-n', OTHER_NAMESPACE]);
  const node: Endpoint = { kind: 'ip', name: 'node', ip: NODE_IP };

  const servers = [
    { name: 'fib-client', pod: fib },
    ...nginx.map((pod, index) => ({ name: `nginx-${'ab'[index]}`, pod })),
  ];
  const targets: Target[] = servers.flatMap(({ name, pod }) => {
    const endpoint = podEndpoint(pod, name);
    const port = pod.spec.containers[0].ports?.[0]?.containerPort ?? 0;
    return [
      { name: `${name}:${port}`, endpoint, port },
      { name: `${name}:${OTHER_PORT}`, endpoint, port: OTHER_PORT },
    ];
  });
  targets.push({ name: `node:${listenerPort}`, endpoint: node, port: listenerPort });

  // The NodePort Service of dist/: 127.0.0.1:<nodePort> reaches its targetPort on its pods.
  const service = dist.find((o) => o.kind === 'Service' && o.spec?.type === 'NodePort');
  if (!service) {
    throw new Error('dist/ has no NodePort Service');
  }
  const { nodePort, targetPort } = service.spec.ports[0];
  const serviceTarget = targets.find(
    (t) =>
      t.endpoint.kind === 'pod' &&
      t.port === targetPort &&
      Object.entries(service.spec.selector as Record<string, string>).every(
        ([k, v]) => t.endpoint.kind === 'pod' && t.endpoint.labels[k] === v,
      ),
  );
  if (!serviceTarget) {
    throw new Error(`no target is the NodePort Service's ${targetPort} on its pods`);
  }
  const sources: Source[] = [
    ...servers.map(({ name, pod }) => ({ name, endpoint: podEndpoint(pod, name), pid: pidOf(pod) })),
    { name: 'probe', endpoint: podEndpoint(probe, 'probe'), pid: pidOf(probe) },
    { name: 'probe-other-ns', endpoint: podEndpoint(otherProbe, 'probe-other-ns'), pid: pidOf(otherProbe) },
    { name: 'node', endpoint: node },
    {
      name: `127.0.0.1:${nodePort}`,
      endpoint: { kind: 'ip', name: 'loopback', ip: '127.0.0.1' },
      via: { address: '127.0.0.1', port: nodePort, target: serviceTarget.name },
    },
  ];
  // Every other node's NodePort: its kube-proxy sends the connection on, masqueraded as the node,
  // to the fib-client Pod wherever it runs.
  for (const { name, ip } of otherNodes()) {
    sources.push({
      name: `${ip}:${nodePort}`,
      endpoint: { kind: 'ip', name, ip },
      via: { address: ip, port: nodePort, target: serviceTarget.name },
    });
  }
  return { sources, targets };
}

/** Every cell: expected from `policies`, observed by a real connect; all connects at once. */
async function table(policies: readonly KubeObject[]): Promise<Cell[]> {
  const { sources, targets } = layout();
  const namespaces = getJson(['namespaces']).items as { metadata: { name: string; labels?: Record<string, string> } }[];
  const set: PolicySet = {
    policies: networkPolicies(policies as unknown as Record<string, unknown>[]),
    namespaceLabels: Object.fromEntries(namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}])),
    defaultNamespace: NAMESPACE,
  };
  const pairs = sources.flatMap((source) =>
    targets
      .filter((target) => (source.via ? target.name === source.via.target : target.endpoint.ip !== source.endpoint.ip))
      .map((target) => ({ source, target })),
  );
  progress(`probing ${pairs.length} cells (TCP connect, ${CONNECT_TIMEOUT_SECONDS}s timeout)`);
  return Promise.all(
    pairs.map(async ({ source, target }) => {
      const verdict = evaluate(set, { from: source.endpoint, to: target.endpoint, port: target.port });
      const observed = source.via
        ? await connect(undefined, source.via.address, source.via.port)
        : await connect(source.pid, target.endpoint.ip, target.port);
      return {
        source: source.name,
        target: target.name,
        expected: verdict.allowed,
        reason: verdict.reason,
        observed,
      };
    }),
  );
}

/** The expected and the observed table, one after the other. */
function tables(title: string, cells: readonly Cell[]): string {
  return (
    `${formatTable(`${title}: expected (from the NetworkPolicies in dist/)`, cells, (c) => (c.expected ? 'allow' : 'deny'))}\n\n` +
    `${formatTable(`${title}: observed (TCP connect)`, cells, (c) => c.observed)}`
  );
}

function printTables(title: string, cells: readonly Cell[]): void {
  process.stderr.write(`\n${tables(title, cells)}\n\n`);
}

/** Nodes 2..N: name and InternalIP. */
function otherNodes(): { name: string; ip: string }[] {
  const nodes: NodeJson[] = getJson(['nodes']).items;
  return nodes
    .map((n) => ({ name: n.metadata.name, ip: n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '' }))
    .filter((n) => n.ip !== NODE_IP);
}

/** "name on node" of every pod of the table, named as its rows are. */
function placement(): string {
  const nodeOf = (pod: PodJson) => (pod as PodJson & { spec: { nodeName?: string } }).spec.nodeName;
  const [fib, ...nginx] = distPods();
  nginx.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return [
    ['fib-client', fib],
    ...nginx.map((pod, index) => [`nginx-${'ab'[index]}`, pod] as const),
    ['probe', getJson(['pod', 'probe', '-n', NAMESPACE])],
    ['probe-other-ns', getJson(['pod', 'probe', '-n', OTHER_NAMESPACE])],
  ]
    .map(([name, pod]) => `${name as string} on ${nodeOf(pod as PodJson)}`)
    .join(', ');
}

/** The pods of dist/ (the fib-client and nginx's, by their own selector) in NAMESPACE. */
function distPods(): PodJson[] {
  const deployment = dist.find((o) => o.kind === 'Deployment' && o.metadata.name === 'nginx-deployment');
  const selector = Object.entries(deployment?.spec.selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    getJson(['pod', 'fib-client-pod', '-n', NAMESPACE]),
    ...getJson(['pods', '-n', NAMESPACE, '-l', selector]).items,
  ];
}

function podsReady(pods: PodJson[], count: number): void {
  const notReady = pods.filter((p) => !isReady(p as never)).map((p) => p.metadata.name);
  if (pods.length !== count || notReady.length > 0) {
    throw new Error(`${pods.length}/${count} pods, not Ready: [${notReady}]`);
  }
}

beforeAll(async () => {
  if (!CONTAINERD_SOCKET || !NETPOL_CHAIN) {
    throw new Error('E2E_CONTAINERD_SOCKET or E2E_NETPOL_CHAIN is not set: run this test with npm run test:e2e:node');
  }
  dist = readManifests(DIST);
  // The egress target: a listener on the node's pod-network address, outside any pod.
  listener = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => listener.listen(0, NODE_IP, resolve));
  listenerPort = (listener.address() as { port: number }).port;
  // On several nodes, the probe on the last node and the other namespace's on the first, so that
  // each probes pods on its own node and on another (the nginx replicas are spread).
  const nodeNames: string[] = getJson(['nodes'])
    .items.map((n: NodeJson) => n.metadata.name)
    .sort();
  for (const [namespace, nodeName] of [
    [NAMESPACE, nodeNames[nodeNames.length - 1]],
    [OTHER_NAMESPACE, nodeNames[0]],
  ]) {
    await createRestrictedNamespace(namespace, WAIT_MS);
    const probe = restrictedPod({
      name: 'probe',
      labels: { 'k8s-sandbox.e2e/role': 'netpol-probe' },
      image: PROBE_IMAGE,
      command: ['sleep', '3600'],
    }) as { spec: object };
    kubectlOk(
      ['apply', '-n', namespace, '-f', '-'],
      JSON.stringify(MULTI_NODE ? { ...probe, spec: { ...probe.spec, nodeName } } : probe),
    );
  }
  kubectlOk(['apply', '-f', DIST, '-n', NAMESPACE]);
  await eventually(
    'dist/ and the probe pods Ready',
    () => {
      podsReady(distPods(), 3);
      podsReady([getJson(['pod', 'probe', '-n', NAMESPACE]), getJson(['pod', 'probe', '-n', OTHER_NAMESPACE])], 2);
    },
    WAIT_MS,
  );
});

afterAll(async () => {
  await new Promise((resolve) => listener?.close(resolve));
  kubectl(['delete', 'pod', 'probe', '-n', NAMESPACE, '--wait=false', '--ignore-not-found']);
  // The nodePort is the cluster's: free it for the suite's other files, in whatever order jest runs them.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, OTHER_NAMESPACE, '--wait=false', '--ignore-not-found']);
});

describe('NetworkPolicy on the real node', () => {
  test('every cell of the connectivity table is what the NetworkPolicies in dist/ say', async () => {
    const cells = await table(dist);
    const where = MULTI_NODE ? `; pods: ${placement()}` : '';
    printTables(`with the policies of dist/${where}`, cells);
    const { unexpected, divergences, notSeen } = compare(cells, KNOWN_DIVERGENCES);
    if (divergences.length > 0) {
      process.stderr.write(`known divergences of the enforcer:\n  ${divergences.join('\n  ')}\n`);
    }
    expect({ unexpected, notSeen }).toEqual({ unexpected: [], notSeen: [] });
    // The table has teeth: the policies deny some cells and allow others.
    expect(cells.filter((c) => !c.expected).length).toBeGreaterThan(0);
    expect(cells.filter((c) => c.expected).length).toBeGreaterThan(0);
    // kit/docs/network-policy.md shows the last run whose every cell was as the policies say, on
    // one node and across nodes, each in its own block.
    const date = new Date().toISOString().slice(0, 10);
    const [block, command] = MULTI_NODE
      ? ['truth-table-nodes', `E2E_NODES=${NODE_NETNS.length + 1} npm run test:e2e:node`]
      : ['truth-table', 'npm run test:e2e:node'];
    await writeDocBlock(
      NETWORK_POLICY_DOC,
      block,
      `Measured by \`${command}\` (kit/lab/e2e/network-policy.test.ts) on ${date}` +
        `${MULTI_NODE ? `, with ${placement()}` : ''}:\n\n` +
        `\`\`\`text\n${tables('with the policies of dist/', cells)}\n\`\`\``,
    );
  });

  test('the kubelet probes still pass with enforcement on: every pod Ready, no restart', () => {
    const pods = distPods() as (PodJson & {
      status: { containerStatuses: { ready: boolean; restartCount: number }[] };
    })[];
    const states = pods.map(
      (p) => `${p.metadata.name} ${isReady(p as never)} ${p.status.containerStatuses[0].restartCount}`,
    );
    expect(states.filter((s) => !s.endsWith(' true 0'))).toEqual([]);
  });

  test('control: with the policies deleted every cell is open or refused by the pod, none blocked', async () => {
    kubectlOk(['delete', 'networkpolicies', '--all', '-n', NAMESPACE]);
    try {
      // The engine drops a policy as soon as its informer sees the deletion.
      const cells = await eventually(
        'no cell blocked',
        async () => {
          const cells = await table([]);
          const blocked = cells.filter((c) => !reachable(c.observed));
          if (blocked.length > 0) {
            throw new Error(`still blocked: ${blocked.map((c) => `${c.source} -> ${c.target}`).join(', ')}`);
          }
          return cells;
        },
        20_000,
      );
      printTables('with the policies deleted', cells);
      expect(cells.every((c) => c.expected)).toBe(true);
    } finally {
      kubectlOk(['apply', '-f', DIST, '-n', NAMESPACE]);
    }
  });
});

describe('npm run netpol:enforced on the real node', () => {
  function enforced(): { status: number | null; stdout: string; stderr: string } {
    progress('npm run netpol:enforced');
    return spawnSync('node', ['kit/cmd/sandbox-kit.js', 'netpol', '--timeout', '30'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
  }

  test('with the enforcer: "enforced", exit 0, and its namespace is gone', () => {
    const result = enforced();
    expect(`${result.stdout}${result.stderr}`).toMatch(/NetworkPolicy on .*: enforced\n/);
    expect(result.status).toBe(0);
    const namespace = /creating namespace (\S+)/.exec(result.stderr)?.[1];
    const phase = kubectl(['get', 'namespace', String(namespace), '-o', 'jsonpath={.status.phase}']);
    expect(phase.status !== 0 || phase.stdout === 'Terminating').toBe(true);
  });

  test('with the enforcer\'s iptables hooks taken out (on every node): "not enforced", exit 1', () => {
    // Node 1's iptables are this machine's; nodes 2..N have their own, in their network namespace.
    const hooks = ['', ...NODE_NETNS].flatMap((netns) => {
      const enter = netns ? `ip netns exec ${netns} ` : '';
      return execFileSync('bash', ['-c', `${enter}iptables -w -t mangle -S`], { encoding: 'utf8' })
        .split('\n')
        .filter((rule) => rule.startsWith('-A ') && rule.endsWith(`-j ${NETPOL_CHAIN}`))
        .map((rule) => ({ enter, rule }));
    });
    expect(hooks.length).toBe(2 * (NODE_NETNS.length + 1));
    const iptables = ({ enter, rule }: { enter: string; rule: string }, action: '-D' | '-A') =>
      execFileSync('bash', ['-c', `${enter}iptables -w -t mangle ${rule.replace(/^-A /, `${action} `)}`]);
    hooks.forEach((hook) => iptables(hook, '-D'));
    try {
      const result = enforced();
      expect(`${result.stdout}${result.stderr}`).toMatch(/NetworkPolicy on .*: not enforced\n/);
      expect(result.status).toBe(1);
    } finally {
      hooks.forEach((hook) => iptables(hook, '-A'));
    }
  });
});
