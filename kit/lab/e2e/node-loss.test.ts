// A node lost and a node drained, with real containers, under load: the cases a single node
// cannot show. On the cluster of `up.sh --real-node --nodes 2`, the last node is lost the nearest
// way this machine has to a power loss (`kit/lab/cluster/component.sh stop-node`: every process of
// the node killed with SIGKILL, its link taken down) while vegeta loads two pages through the
// surviving node: dist/'s, served by the bare fib-client Pod, placed on the lost node, and the
// same page served by the Deployment it would take to survive this (the Pod's template, two
// replicas spread over the nodes, a NodePort of its own). The bare Pod is never replaced (the
// seed's design) and its page fails; the Deployment's page survives; nginx's replica is replaced.
// The kubelet restart on one node with the two replicas, and a `kubectl drain` with nginx's
// PodDisruptionBudget honoured, complete the table. The test's pods tolerate the node taints for
// 5 s (Kubernetes' default is 300 s: kit/docs/reliability.md says why dist/ keeps it). The table goes
// into kit/docs/reliability.md. Run by kit/lab/e2e/run.sh --real-node with E2E_NODES=2 (E2E_NODES=2 npm run test:e2e:node), as root.
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { goTool } from '../../pkg/common/go-tools';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import { readManifests } from '../../pkg/common/manifests';
import { markdownTable } from '../../pkg/common/markdown-table';
import {
  createRestrictedNamespace,
  eventually,
  getJson,
  isReady,
  kubectl,
  kubectlOk,
  placeBarePod,
  progress,
} from './kube';
import { BASELINE_MS, CASE_LOAD as LOAD, Load, type LoadResult, POLL_MS, TAIL_MS } from './load';
import { seconds, writeReliabilityBlock } from './reliability-doc';
import { requireLocalRoutes } from './routes';

const DIST = process.env.E2E_DIST_DIR ?? path.resolve(__dirname, '../../../dist');
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-node-loss-${Date.now().toString(36)}`}-loss`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
const COMPONENT_SH = path.resolve(__dirname, '../cluster/component.sh');
const FIB_POD = 'fib-client-pod';
const FIB_DEPLOYMENT = 'fib-client-replicated';
const NGINX = 'nginx-deployment';
const NGINX_LABEL = 'app=nginx';
/** The test copy's tolerationSeconds for node.kubernetes.io/not-ready and unreachable. */
const TOLERATION_SECONDS = 5;
const TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];
/** How long the kubelet-restart case keeps the load on after the restart. */
const SETTLE_MS = 15_000;

interface NodeJson {
  metadata: { name: string };
  spec: { taints?: { key: string; effect: string }[] };
  status: { addresses: { type: string; address: string }[]; conditions?: { type: string; status: string }[] };
}
interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { conditions?: { type: string; status: string }[] };
}

/** One row of kit/docs/reliability.md. */
interface Row {
  readonly scenario: string;
  readonly expected: string;
  load: string;
  measured: string;
  outcome: string;
}
const rows: Row[] = [];

let vegeta: string;
let dist: KubeObject[];
/** Node 1 (this machine, the control plane's) and the node the cases lose or drain. */
let first: NodeJson;
let lost: NodeJson;
let firstIp: string;

const internalIp = (node: NodeJson) => node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
const node = (name: string): NodeJson => getJson(['node', name]);
/** The NodePort of the Deployment copy's Service (dist/'s is 31515). */
const COPY_PORT = 31516;
const pageVia = (ip: string) => `http://${ip}:31515/`;
const copyVia = (ip: string) => `http://${ip}:${COPY_PORT}/`;

function component(action: string, ...names: string[]): void {
  progress(`component.sh ${action} ${names.join(' ')}`);
  execFileSync('bash', [COMPONENT_SH, action, ...names], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The pods of `selector` that are not being deleted. */
function livePods(selector: string): PodJson[] {
  return (getJson(['pods', '-n', NAMESPACE, '-l', selector]).items as PodJson[]).filter(
    (p) => !p.metadata.deletionTimestamp,
  );
}

/** Throws unless every node is Ready and untainted by the node lifecycle controller. */
function nodesReady(): void {
  for (const n of getJson(['nodes']).items as NodeJson[]) {
    const taints = (n.spec.taints ?? []).filter((t) => TAINTS.includes(t.key));
    if (!isReady(n) || taints.length > 0) {
      throw new Error(`${n.metadata.name}: Ready ${isReady(n)}, taints [${taints.map((t) => t.key)}]`);
    }
  }
}

/** Throws unless `count` pods of `selector` are Ready, on different nodes. */
function readyAndSpread(selector: string, count: number): PodJson[] {
  const pods = livePods(selector).filter((p) => isReady(p));
  const nodes = new Set(pods.map((p) => p.spec.nodeName));
  if (pods.length !== count || nodes.size !== count) {
    throw new Error(`${selector}: ${pods.length}/${count} Ready on nodes [${[...nodes]}]`);
  }
  return pods;
}

/**
 * Makes the scheduler place the pods of `selector` one per node: while two share a node, that
 * node is cordoned and one of them deleted, so that its controller's replacement goes to the
 * other. The scheduler's preference usually spreads them already; this makes the cases certain.
 */
async function spread(selector: string, count: number): Promise<void> {
  await eventually(
    `${selector}: ${count} pods Ready`,
    () => {
      if (livePods(selector).filter((p) => isReady(p)).length !== count) {
        throw new Error('not yet');
      }
    },
    WAIT_MS,
  );
  const byNode = new Map<string, PodJson[]>();
  for (const pod of livePods(selector)) {
    byNode.set(pod.spec.nodeName ?? '', [...(byNode.get(pod.spec.nodeName ?? '') ?? []), pod]);
  }
  for (const [nodeName, pods] of byNode) {
    if (pods.length > 1) {
      kubectlOk(['cordon', nodeName]);
      try {
        kubectlOk(['delete', 'pod', pods[0].metadata.name, '-n', NAMESPACE]);
        await eventually(`${selector} spread`, () => readyAndSpread(selector, count), WAIT_MS);
      } finally {
        kubectlOk(['uncordon', nodeName]);
      }
    }
  }
  await eventually(`${selector} spread`, () => readyAndSpread(selector, count), WAIT_MS);
}

/** The fib-client Pod of dist/ on `nodeName`, placed there by the scheduler. */
function fibPodOn(nodeName: string): Promise<void> {
  return placeBarePod(NAMESPACE, FIB_POD, DIST, nodeName, WAIT_MS);
}

/** Tolerations of the node taints for TOLERATION_SECONDS. */
const shortTolerations = () =>
  TAINTS.map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS }));

/** The labels of the fib-client Pod of dist/, as `kubectl get -l` takes them. */
const selectorOf = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** The labels of the Deployment copy's pods: the Pod's, with an instance of its own. */
function copyLabels(): Record<string, string> {
  const labels = findObject(dist, 'Pod', FIB_POD).metadata.labels as Record<string, string>;
  return { ...labels, 'app.kubernetes.io/instance': FIB_DEPLOYMENT };
}

/**
 * The Deployment the fib-client would take to survive a node lost, beside the Pod of dist/: the
 * Pod's spec as its template, two replicas spread over the nodes by the preference the nginx
 * Deployment uses, the short tolerations of this test, and its own NodePort Service (COPY_PORT)
 * like dist/'s. Its pods carry an instance label of their own, so that dist/'s Service keeps
 * selecting the bare Pod alone.
 */
function fibDeploymentCopy(): object[] {
  const pod = findObject(dist, 'Pod', FIB_POD);
  const service = findObject(dist, 'Service', 'fib-client-node-port');
  const labels = copyLabels();
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: FIB_DEPLOYMENT, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...pod.spec,
            tolerations: shortTolerations(),
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
                  },
                ],
              },
            },
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${FIB_DEPLOYMENT}-node-port` },
      spec: {
        type: 'NodePort',
        selector: labels,
        ports: [{ ...service.spec.ports[0], nodePort: COPY_PORT }],
      },
    },
  ];
}

/**
 * Runs a load on each of `targets` (one vegeta each) from BASELINE_MS before `inject` until
 * TAIL_MS after `until` first holds (polled every POLL_MS); returns what each load measured.
 */
async function underLoad(
  targets: string[],
  inject: () => Promise<void> | void,
  until: () => Promise<void> | void,
): Promise<{ loads: LoadResult[]; faultAt: number; doneAt: number }> {
  const running = targets.map((target) => Load.start(vegeta, [target], LOAD));
  let loads: LoadResult[] | undefined;
  try {
    await sleep(BASELINE_MS);
    const faultAt = Date.now();
    await inject();
    await eventually('the case to complete', until, WAIT_MS, POLL_MS);
    const doneAt = Date.now();
    await sleep(TAIL_MS);
    loads = await Promise.all(running.map((load) => load.stop()));
    return { loads, faultAt, doneAt };
  } finally {
    loads ??= await Promise.all(running.map((load) => load.stop()));
    loads.forEach((load, i) =>
      progress(`load on ${targets[i]}: ${load.sent} sent, ${load.succeeded} succeeded, ${load.failed} failed`),
    );
  }
}

/** The node back, and Ready and untainted again. */
async function restore(name: string): Promise<void> {
  component('start-node', name);
  await eventually(`${name} Ready and untainted`, nodesReady, WAIT_MS);
}

/** "N sent, N failed (errors), longest gap" of each load, with its target. */
function loadText(targets: readonly string[], loads: readonly LoadResult[]): string {
  return loads
    .map((load, i) => {
      const errors = [...new Set(load.errors.map(shortError))].join('; ');
      return (
        `${targets[i]}: ${load.sent} sent, ${load.failed} failed${load.failed ? ` (${errors})` : ''}, ` +
        `longest gap without a success ${seconds(load.longestGapMs)}`
      );
    })
    .join('; ');
}
/** `Get "URL": dial tcp …: connect: connection refused` → `connection refused`. */
function shortError(error: string): string {
  const match = /^Get "[^"]+": .*?([^:]+)$/.exec(error);
  return match ? match[1].trim() : error;
}

async function measuredRow(row: Row, body: () => Promise<void>): Promise<void> {
  rows.push(row);
  try {
    await body();
    row.outcome = 'as expected';
  } catch (error) {
    row.outcome = `**not as expected**: ${String((error as Error).message).split('\n')[0]}`;
    throw error;
  }
}

beforeAll(async () => {
  vegeta = await goTool('vegeta', progress);
  dist = readManifests(DIST);
  const nodes = (getJson(['nodes']).items as NodeJson[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (nodes.length < 2) {
    throw new Error(
      `the node-loss suite needs at least 2 nodes (got ${nodes.length}): run it with E2E_NODES=2 npm run test:e2e:node`,
    );
  }
  [first] = nodes;
  lost = nodes[nodes.length - 1];
  firstIp = internalIp(first);
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
  kubectlOk(['apply', '-f', DIST, '-n', NAMESPACE]);
  // The test copy of the nginx Deployment tolerates the node taints for 5 s (a rollout).
  kubectlOk([
    'patch',
    'deployment',
    NGINX,
    '-n',
    NAMESPACE,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { template: { spec: { tolerations: shortTolerations() } } } }),
  ]);
  kubectlOk(['rollout', 'status', `deployment/${NGINX}`, '-n', NAMESPACE, '--timeout=180s']);
  kubectlOk(
    ['apply', '-n', NAMESPACE, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fibDeploymentCopy() }),
  );
});

afterAll(async () => {
  // Whatever a case left down runs again, and nothing stays cordoned.
  if (lost) {
    component('start-node', lost.metadata.name);
    kubectl(['uncordon', lost.metadata.name]);
  }
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
  if (rows.length === 0) {
    return;
  }
  await writeReliabilityBlock(
    'node-loss',
    [
      `Measured by \`E2E_NODES=2 npm run test:e2e:node\` (kit/lab/e2e/node-loss.test.ts) on ${new Date().toISOString().slice(0, 10)}:`,
      `${first.metadata.name} and ${lost.metadata.name} of \`npm run cluster:up -- --real-node --nodes 2\`, each with its own`,
      `containerd, kubelet, kube-proxy and network namespace; on each page a vegeta sending ${LOAD.rate} GET/s with a`,
      `${LOAD.timeoutSeconds} s timeout (and keep-alive, as a browser) through the surviving node, from ${seconds(BASELINE_MS)} before the fault until`,
      `${seconds(TAIL_MS)} after the case's end. \`${pageVia(firstIp)}\` is dist/'s NodePort, to the bare fib-client Pod;`,
      `\`${copyVia(firstIp)}\` the NodePort of the test's Deployment of the same Pod template (2 replicas spread over the`,
      `nodes). The node is lost with \`kit/lab/cluster/component.sh stop-node ${lost.metadata.name}\`: every process of the node`,
      `killed with SIGKILL (kubelet, containerd, kube-proxy, the enforcer, the containers), then its link down. The test's pods`,
      `tolerate the not-ready and unreachable taints for ${TOLERATION_SECONDS} s (dist/ keeps Kubernetes' default, 300 s: see below); the`,
      `controller manager's node grace period is its default, 50 s. Times are from the fault, polled every ${POLL_MS} ms.`,
      '',
      markdownTable(
        ['scenario', 'expected', 'load', 'measured', 'result'],
        rows.map((r) => [r.scenario, r.expected, r.load, r.measured, r.outcome]),
      ),
    ].join('\n'),
  );
});

describe('a node lost, with real containers, under load through the surviving node', () => {
  test('the bare fib-client Pod is not replaced and its page fails; the Deployment copy and nginx survive', async () => {
    const bare: Row = {
      scenario: `${lost.metadata.name} lost with dist/'s bare fib-client Pod and one nginx replica on it`,
      expected:
        'the node NotReady, then tainted unreachable; its nginx pod replaced on the surviving node; the bare Pod never replaced: the page fails from the loss on',
      load: '–',
      measured: '–',
      outcome: 'not run to the end',
    };
    const copy: Row = {
      scenario: `the same loss, the fib-client as a Deployment of 2 replicas, one on each node (what surviving it takes)`,
      expected:
        "the page keeps answering; failures only while the lost node's endpoint is still in the Service (until the node is NotReady); the lost replica replaced on the surviving node",
      load: '–',
      measured: '–',
      outcome: 'not run to the end',
    };
    const copySelector = selectorOf(copyLabels());
    await fibPodOn(lost.metadata.name);
    await spread(NGINX_LABEL, 2);
    await spread(copySelector, 2);
    const onLost = livePods(NGINX_LABEL).find((p) => p.spec.nodeName === lost.metadata.name)?.metadata.name;
    expect(onLost).toBeTruthy();
    const seen = { notReadyMs: 0, taintedMs: 0, nginxMs: 0, copyMs: 0 };
    let faultAt = 0;
    const targets = [pageVia(firstIp), copyVia(firstIp)];
    rows.push(bare, copy);
    try {
      const m = await underLoad(
        targets,
        () => {
          faultAt = Date.now();
          component('stop-node', lost.metadata.name);
        },
        () => {
          const since = Date.now() - faultAt;
          const n = node(lost.metadata.name);
          if (!seen.notReadyMs && !isReady(n)) seen.notReadyMs = since;
          if (!seen.taintedMs && (n.spec.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable')) {
            seen.taintedMs = since;
          }
          const readyOnFirst = (selector: string) =>
            livePods(selector).filter((p) => isReady(p) && p.spec.nodeName === first.metadata.name).length;
          if (!seen.nginxMs && readyOnFirst(NGINX_LABEL) === 2) seen.nginxMs = since;
          if (!seen.copyMs && readyOnFirst(copySelector) === 2) seen.copyMs = since;
          if (!seen.taintedMs || !seen.nginxMs || !seen.copyMs) {
            throw new Error(`so far: ${JSON.stringify(seen)}`);
          }
        },
      );
      const [page, survivor] = m.loads;
      bare.load = loadText([targets[0]], [page]);
      copy.load = loadText([targets[1]], [survivor]);
      const fib: PodJson = getJson(['pod', FIB_POD, '-n', NAMESPACE]);
      const withItsLabels = livePods(selectorOf(findObject(dist, 'Pod', FIB_POD).metadata.labels));
      bare.measured =
        `NotReady after ${seconds(seen.notReadyMs)}, tainted unreachable after ${seconds(seen.taintedMs)}; ` +
        `nginx pod ${onLost} replaced, 2 replicas Ready on ${first.metadata.name} after ${seconds(seen.nginxMs)} ` +
        `(with the default 300 s toleration it would be about ${seconds(seen.nginxMs + 300_000 - TOLERATION_SECONDS * 1000)}); ` +
        `${FIB_POD} still bound to ${fib.spec.nodeName}, Ready ${isReady(fib)}, the only pod the page's Service selects ` +
        `(${withItsLabels.length}) when the case ended`;
      const lastFailure = survivor.failures.length ? survivor.failures[survivor.failures.length - 1].at - m.faultAt : 0;
      copy.measured =
        `the last failed request sent ${seconds(lastFailure)} after the loss (NotReady after ${seconds(seen.notReadyMs)}); ` +
        `the lost replica replaced, 2 Ready on ${first.metadata.name} after ${seconds(seen.copyMs)}`;
      // The bare Pod: not replaced, not serving, the page failing from the loss on.
      expect(fib.spec.nodeName).toBe(lost.metadata.name);
      expect(isReady(fib)).toBe(false);
      expect(withItsLabels).toHaveLength(1);
      expect(page.failures.filter((f) => f.at < m.faultAt)).toEqual([]);
      expect(page.failed).toBeGreaterThan(0);
      bare.outcome = 'as expected';
      // The Deployment: the page answered throughout; failures only until the node was NotReady
      // (and the endpoint change reached kube-proxy: 2 s).
      expect(survivor.succeeded).toBeGreaterThan(0);
      expect(survivor.longestGapMs).toBeLessThan(LOAD.timeoutSeconds * 1000 + 1000);
      expect(lastFailure).toBeLessThanOrEqual(seen.notReadyMs + 2_000);
      copy.outcome = 'as expected';
    } catch (error) {
      for (const row of [bare, copy].filter((r) => r.outcome === 'not run to the end')) {
        row.outcome = `**not as expected**: ${String((error as Error).message).split('\n')[0]}`;
      }
      throw error;
    } finally {
      await restore(lost.metadata.name);
    }
  });

  test('the kubelet of one node restarted, the Deployment copy spread over 2 nodes: 0 failed requests', async () => {
    const row: Row = {
      scenario: `the kubelet of ${lost.metadata.name} restarted, the Deployment copy's 2 replicas one on each node`,
      expected:
        'no failed request: while the restarted kubelet re-runs the probes of its replica (kubernetes/kubernetes#100277), the other replica serves',
      load: '–',
      measured: '–',
      outcome: 'not run to the end',
    };
    await measuredRow(row, async () => {
      const selector = selectorOf(copyLabels());
      await spread(selector, 2);
      const suffix = lost.metadata.name.replace(/^.*?(-\d+)$/, '$1');
      let restartAt = Date.now();
      const targets = [copyVia(firstIp)];
      const m = await underLoad(
        targets,
        () => {
          component('stop', `kubelet${suffix}`);
          component('start', `kubelet${suffix}`);
          restartAt = Date.now();
        },
        () => {
          // The restarted kubelet reports its replica not Ready until the probes pass again
          // (startup 1 s + readiness 5 s periods): the load runs past that.
          if (Date.now() - restartAt < SETTLE_MS) {
            throw new Error('the probes may still be re-running');
          }
          readyAndSpread(selector, 2);
        },
      );
      row.load = loadText(targets, m.loads);
      row.measured = `the load ran until both replicas were Ready, at least ${seconds(SETTLE_MS)} after the restart`;
      expect(`${m.loads[0].failed} failed: ${m.loads[0].errors.join('; ')}`).toBe('0 failed: ');
    });
  });
});

describe('a node drained, with real containers serving', () => {
  test('kubectl drain: the PodDisruptionBudget honoured, never fewer than 1 nginx replica Ready, the pods replaced', async () => {
    const row: Row = {
      scenario: `kubectl drain ${lost.metadata.name} with one nginx replica and one Deployment copy replica on it (nginx's PodDisruptionBudget: maxUnavailable 1)`,
      expected:
        'the drain completes; Ready nginx replicas never below 1; the pods replaced on the other node; the pages keep answering',
      load: '–',
      measured: '–',
      outcome: 'not run to the end',
    };
    await measuredRow(row, async () => {
      // kubectl drain refuses a node with a bare Pod (nothing would replace it): the fib-client
      // Pod goes to the node that stays.
      await fibPodOn(first.metadata.name);
      await spread(NGINX_LABEL, 2);
      await spread(selectorOf(copyLabels()), 2);
      // A ClusterIP Service for the load on nginx (dist/ exposes only the fib-client).
      kubectlOk(['expose', 'deployment', NGINX, '-n', NAMESPACE, '--name=nginx-load', '--port=80']);
      const clusterIp = kubectlOk([
        'get',
        'service',
        'nginx-load',
        '-n',
        NAMESPACE,
        '-o',
        'jsonpath={.spec.clusterIP}',
      ]);
      // kube-proxy has its rules once the new Service answers; until then, the packets to the
      // ClusterIP follow the route to the Service range, which must stay on this machine.
      requireLocalRoutes([clusterIp]);
      await eventually(
        `http://${clusterIp}/ answers`,
        async () => {
          await fetch(`http://${clusterIp}/`, { signal: AbortSignal.timeout(2_000) });
        },
        WAIT_MS,
      );
      let minReady = 2;
      let drainMs = 0;
      let drain: Promise<number> | undefined;
      let drainStarted = 0;
      const targets = [pageVia(firstIp), copyVia(firstIp), `http://${clusterIp}/`];
      try {
        const m = await underLoad(
          targets,
          () => {
            progress(`kubectl drain ${lost.metadata.name}`);
            drainStarted = Date.now();
            const child = spawn(
              'kubectl',
              ['drain', lost.metadata.name, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=150s'],
              { stdio: ['ignore', 'inherit', 'inherit'] },
            );
            drain = new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
          },
          async () => {
            const ready = livePods(NGINX_LABEL).filter((p) => isReady(p));
            minReady = Math.min(minReady, ready.length);
            const status = await Promise.race([drain, sleep(0).then(() => undefined)]);
            if (status === undefined) throw new Error('drain still running');
            drainMs ||= Date.now() - drainStarted;
            expect(status).toBe(0);
            if (ready.length !== 2 || ready.some((p) => p.spec.nodeName === lost.metadata.name)) {
              throw new Error(`${ready.length}/2 nginx Ready, not all on ${first.metadata.name}`);
            }
          },
        );
        row.load = loadText(targets, m.loads);
        row.measured = `the drain completed in ${seconds(drainMs)}; Ready nginx replicas at least ${minReady} throughout; both then on ${first.metadata.name}`;
        expect(minReady).toBeGreaterThanOrEqual(1);
        for (const load of m.loads) {
          expect(load.longestGapMs).toBeLessThan(LOAD.timeoutSeconds * 1000 + 1000);
        }
      } finally {
        kubectl(['uncordon', lost.metadata.name]);
      }
    });
  });
});
