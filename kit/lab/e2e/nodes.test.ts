// Several nodes, on the kwok cluster: scheduling and eviction are the real API server's,
// scheduler's and controller manager's; kwok only plays the kubelets (kit/lab/cluster/kwok-node.sh
// adds two fake nodes to up.sh's one). Shown: the nginx replicas spread over the nodes (the
// pod anti-affinity preference), cordon and uncordon, a drain that honours the
// PodDisruptionBudget (an eviction over budget is refused with HTTP 429), and a node that stops
// heartbeating gets its pods rescheduled after the taint timeout. What it measured goes into
// kit/docs/reliability.md. Run by kit/lab/e2e/run.sh --nodes (part of npm run test:e2e:faults).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import {
  createRestrictedNamespace,
  eventually,
  expectSuccess,
  getJson,
  isReady,
  kubectl,
  kubectlOk,
  progress,
} from './kube';
import type { PodJson } from './node';
import { markdownTable } from '../../pkg/common/markdown-table';
import { seconds, writeReliabilityBlock } from './reliability-doc';

const DIST = process.env.E2E_DIST_DIR ?? path.resolve(__dirname, '../../../dist');
const NAMESPACE = process.env.E2E_NAMESPACE ?? `k8s-sandbox-nodes-${Date.now().toString(36)}`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
const CLUSTER = path.resolve(__dirname, '../cluster');

const DEPLOYMENT = 'nginx-deployment';
const NGINX_LABEL = 'app=nginx';
/** up.sh's node, and the two this suite adds. */
const NODES = ['kwok-node-0', 'kwok-node-1', 'kwok-node-2'];
/**
 * The taint timeout of the heartbeat case. Kubernetes gives every pod 300 s
 * (DefaultTolerationSeconds); this suite shortens it on its own copy of the Deployment only,
 * through the pods' tolerations, never in lib/.
 */
const TOLERATION_SECONDS = 5;

/** One row of kit/docs/reliability.md. */
const rows: { scenario: string; expected: string; measured: string; outcome: string }[] = [];

/** Records a row and runs `body`; the row says whether its checks held. */
async function scenario(row: { scenario: string; expected: string }, body: () => Promise<string>): Promise<void> {
  const entry = { ...row, measured: '–', outcome: 'not run to the end' };
  rows.push(entry);
  try {
    entry.measured = await body();
    entry.outcome = 'as expected';
  } catch (error) {
    entry.outcome = `**not as expected**: ${String((error as Error).message).split('\n')[0]}`;
    throw error;
  }
}

function clusterScript(name: string, ...args: string[]): void {
  progress(`kit/lab/cluster/${name} ${args.join(' ')}`);
  execFileSync('bash', [path.join(CLUSTER, name), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The nginx pods that are not being deleted. */
function nginxPods(): PodJson[] {
  return getJson(['pods', '-n', NAMESPACE, '-l', NGINX_LABEL]).items.filter(
    (p: PodJson) => !p.metadata.deletionTimestamp,
  );
}
const nodeOf = (pod: PodJson) => (pod as unknown as { spec: { nodeName?: string } }).spec.nodeName ?? '';

/** Waits until the Deployment's rollout is complete (2 updated, Ready replicas, no old one left). */
function rolledOut(): void {
  kubectlOk(['rollout', 'status', `deployment/${DEPLOYMENT}`, '-n', NAMESPACE, '--timeout=120s']);
}

/** Throws unless exactly 2 nginx pods run, each Ready; returns them. */
function twoReadyPods(): PodJson[] {
  const pods = nginxPods();
  if (pods.length !== 2 || !pods.every(isReady)) {
    throw new Error(`nginx pods: ${pods.map((p) => `${p.metadata.name}@${nodeOf(p)} Ready=${isReady(p)}`)}`);
  }
  return pods;
}

beforeAll(async () => {
  if (process.env.E2E_LOCAL_CLUSTER !== '1') {
    throw new Error('this suite adds fake nodes: run it on its own kwok cluster (npm run test:e2e:faults)');
  }
  clusterScript('kwok-node.sh', ...NODES.slice(1));
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
  kubectlOk(['apply', '-f', DIST, '-n', NAMESPACE]);
  rolledOut();
});

afterAll(async () => {
  if (rows.length === 0) {
    return; // setup failed: nothing measured, the page keeps its last table
  }
  await writeReliabilityBlock(
    'nodes',
    [
      `Measured by \`npm run test:e2e:faults\` (kit/lab/e2e/nodes.test.ts) on ${new Date().toISOString().slice(0, 10)}:`,
      `dist/ on the kwok cluster with ${NODES.length} fake nodes. The API server, scheduler and controller`,
      `manager are real; kwok plays the kubelets (it runs no container, so nothing here is about serving`,
      `traffic: that is the real-node table above). In the heartbeat case the pods' tolerations of`,
      `\`node.kubernetes.io/unreachable\` and \`not-ready\` are shortened to ${TOLERATION_SECONDS} s on the test's copy of the`,
      `Deployment only (Kubernetes' default is 300 s); the controller manager's node grace period is its default, 50 s.`,
      '',
      markdownTable(
        ['scenario', 'expected', 'measured', 'result'],
        rows.map((r) => [r.scenario, r.expected, r.measured, r.outcome]),
      ),
    ].join('\n'),
  );
});

describe('the nginx Deployment on three nodes (kwok)', () => {
  test('the two replicas land on different nodes (the pod anti-affinity preference)', async () => {
    await scenario(
      { scenario: `${NODES.length} nodes, dist/ applied`, expected: 'the 2 nginx replicas on different nodes' },
      async () => {
        const nodes = twoReadyPods().map(nodeOf);
        expect(new Set(nodes).size).toBe(2);
        return `on ${nodes.join(' and ')}`;
      },
    );
  });

  test('cordon: nothing new lands on a cordoned node, the pods already there stay; uncordon takes pods again', async () => {
    await scenario(
      {
        scenario: 'the two nodes with nginx pods cordoned, the Deployment restarted; then uncordoned',
        expected: 'the pods on them keep running until replaced; every new pod on the one schedulable node',
      },
      async () => {
        const cordoned = twoReadyPods().map(nodeOf);
        const free = NODES.find((n) => !cordoned.includes(n))!;
        for (const node of cordoned) {
          kubectlOk(['cordon', node]);
        }
        // Cordoning evicts nothing: the pods on the cordoned nodes still run there.
        expect(twoReadyPods().map(nodeOf).sort()).toEqual([...cordoned].sort());
        for (const node of cordoned) {
          const json = getJson(['node', node]);
          expect(json.spec.unschedulable).toBe(true);
          expect(json.spec.taints).toEqual(
            expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unschedulable' })]),
          );
        }
        kubectlOk(['rollout', 'restart', `deployment/${DEPLOYMENT}`, '-n', NAMESPACE]);
        rolledOut();
        const placed = twoReadyPods().map(nodeOf);
        expect(placed).toEqual([free, free]);
        for (const node of cordoned) {
          kubectlOk(['uncordon', node]);
          expect(getJson(['node', node]).spec.unschedulable).toBeUndefined();
        }
        return `cordoned ${cordoned.join(', ')}; the restarted pods both on ${free}; uncordoned`;
      },
    );
  });

  // On kwok a replacement pod is Ready within a second, so the second of two parallel evictions
  // usually finds the budget restored. With the other nodes cordoned the replacement cannot run
  // anywhere: the budget stays spent, and the API server refuses every further eviction.
  test('kubectl drain honours the PodDisruptionBudget: one eviction at a time, the one over budget refused with 429', async () => {
    await scenario(
      {
        scenario:
          'kubectl drain of the node that runs both nginx pods (PodDisruptionBudget maxUnavailable 1), first with the other nodes cordoned, then uncordoned',
        expected:
          'one pod evicted; every further eviction refused with HTTP 429 while its replacement cannot be Ready; the drain completes once it can',
      },
      async () => {
        const pods = twoReadyPods();
        const [drained] = new Set(pods.map(nodeOf));
        expect(pods.map(nodeOf)).toEqual([drained, drained]);
        const others = NODES.filter((n) => n !== drained);
        for (const node of others) {
          kubectlOk(['cordon', node]);
        }
        // Only the nginx pods: the bare fib-client Pod, which no controller would recreate, makes
        // a plain drain refuse ("cannot delete Pods that declare no controller") unless --force.
        // -v=6 logs every request with its status.
        const drainArgs = [
          'drain',
          drained,
          `--pod-selector=${NGINX_LABEL}`,
          '--ignore-daemonsets',
          '--delete-emptydir-data',
        ];
        const blocked = kubectl([...drainArgs, '--timeout=20s', '-v=6']);
        expect(blocked.status).not.toBe(0);
        const evictions = blocked.stderr.split('\n').filter((line) => /POST.*\/pods\/[^/"\s]+\/eviction/.test(line));
        const refused = evictions.filter((line) => /\b429 Too Many Requests\b/.test(line));
        const accepted = evictions.filter((line) => /\b201 Created\b/.test(line));
        expect(accepted).toHaveLength(1);
        expect(refused.length).toBeGreaterThanOrEqual(1);
        expect(blocked.stderr + blocked.stdout).toMatch(
          /Cannot evict pod as it would violate the pod's disruption budget/,
        );
        // One replica still serves; its replacement waits for a node.
        const ready = nginxPods().filter(isReady);
        expect(ready.map(nodeOf)).toEqual([drained]);

        for (const node of others) {
          kubectlOk(['uncordon', node]);
        }
        const started = Date.now();
        expectSuccess(kubectl([...drainArgs, '--timeout=120s']));
        const tookMs = Date.now() - started;
        const after = await eventually('both nginx pods Ready again', twoReadyPods, WAIT_MS);
        expect(after.map(nodeOf)).not.toContain(drained);
        kubectlOk(['uncordon', drained]);
        return (
          `with the other nodes cordoned: ${accepted.length} eviction accepted (201), ${refused.length} refused (429) in 20 s, ` +
          `1 replica Ready throughout; uncordoned: the drain completed in ${seconds(tookMs)}, the pods on ${after.map(nodeOf).join(' and ')}`
        );
      },
    );
  });

  test('a node that stops heartbeating gets its pods rescheduled after the taint timeout', async () => {
    await scenario(
      {
        scenario: `a node stops heartbeating (kwok stops playing its kubelet); tolerationSeconds ${TOLERATION_SECONDS} in the test copy`,
        expected: 'the node turns NotReady/Unknown, is tainted unreachable, its pod is replaced on another node',
      },
      async () => {
        const toleration = (key: string) => ({
          key,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: TOLERATION_SECONDS,
        });
        kubectlOk([
          'patch',
          'deployment',
          DEPLOYMENT,
          '-n',
          NAMESPACE,
          '--type=json',
          '-p',
          JSON.stringify([
            {
              op: 'add',
              path: '/spec/template/spec/tolerations',
              value: [toleration('node.kubernetes.io/unreachable'), toleration('node.kubernetes.io/not-ready')],
            },
          ]),
        ]);
        rolledOut();
        const pods = twoReadyPods();
        const lost = nodeOf(pods[0]);
        const lostPod = pods[0].metadata.name;
        // kwok manages the nodes annotated kwok.x-k8s.io/node=fake; without the annotation, and
        // once kwok has restarted and forgotten it, nobody renews the node's lease or status.
        kubectlOk(['annotate', 'node', lost, 'kwok.x-k8s.io/node-']);
        clusterScript('component.sh', 'stop', 'kwok');
        clusterScript('component.sh', 'start', 'kwok');
        const stoppedAt = Date.now();
        try {
          await eventually(
            `${lost} not Ready`,
            () => {
              if (isReady(getJson(['node', lost]))) {
                throw new Error(`${lost} is still Ready`);
              }
            },
            WAIT_MS,
          );
          const notReadyMs = Date.now() - stoppedAt;
          const taints = getJson(['node', lost]).spec.taints ?? [];
          expect(taints).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }),
            ]),
          );
          const replaced = await eventually(
            `${lostPod} replaced by a Ready pod on another node`,
            () => {
              const now = twoReadyPods();
              if (now.some((p) => p.metadata.name === lostPod || nodeOf(p) === lost)) {
                throw new Error(`still: ${now.map((p) => `${p.metadata.name}@${nodeOf(p)}`)}`);
              }
              return now;
            },
            WAIT_MS,
          );
          const rescheduledMs = Date.now() - stoppedAt;
          const replacement = replaced.find((p) => p.metadata.name !== pods[1].metadata.name)!;
          return (
            `${lost} not Ready ${seconds(notReadyMs)} after kwok stopped renewing it; ${lostPod} replaced by ` +
            `${replacement.metadata.name} on ${nodeOf(replacement)} ${seconds(rescheduledMs)} after`
          );
        } finally {
          // The node's kubelet "comes back": kwok manages it again and finishes the evicted pod.
          kubectlOk(['annotate', 'node', lost, 'kwok.x-k8s.io/node=fake', '--overwrite']);
        }
      },
    );
  });
});
