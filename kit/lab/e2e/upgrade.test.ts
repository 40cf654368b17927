// Upgrade scenarios on a real control plane: from dist/ applied and healthy, each step applies
// a changed copy of the manifests the way kit/docs/deploy.md tells a user
// to: read `npm run diff`'s flags, run the remedy it names for each ⛔, else `npm run apply`.
// The copies are folders of manifests under E2E_VARIANTS_DIR (default dist-variants/), one per
// step, named below; `npm run test:e2e` writes them from the constructs with changed props
// (apps/e2e-variants.ts). The last is the previous commit's manifests, synthesized once by
// the function `npm run diff` uses, and given to `npm run diff` as a folder. After each step
// the cluster must hold exactly the step's objects, with the image, replicas, Service port,
// nodePort and endpoints they say, and the hand-made objects beside them untouched.
// Run by kit/lab/e2e/run.sh (npm run test:e2e); the steps build on each other.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type KubeObject, displayId } from '../../pkg/common/kube';
import { readManifests } from '../../pkg/common/manifests';
import { diffManifests } from '../../pkg/review/manifest-diff';
import { resolveRef, synthesizeAt } from '../../pkg/review/synth';
import { createRestrictedNamespace, eventually, getJson, kubectl, kubectlOk, labelSelector, progress } from './kube';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = process.env.E2E_DIST_DIR ?? path.join(ROOT, 'dist');
/** The folders of the steps, each a changed copy of dist/. */
const UPGRADES = process.env.E2E_VARIANTS_DIR ?? path.join(ROOT, 'dist-variants');
const LOCAL_CLUSTER = process.env.E2E_LOCAL_CLUSTER === '1';
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? (LOCAL_CLUSTER ? 60 : 300)) * 1000;
/** Its own namespace: the other e2e file's objects are not this project's applied set. */
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-upgrade`;
/** The commit whose manifests the last scenario upgrades from (in a pull request's merge commit, main). */
const UPGRADE_FROM = process.env.E2E_UPGRADE_FROM ?? 'HEAD~1';
const NODE_PORT = 31515;
/** What Helm labels each object of a release with (hand-made objects lack it). */
const MANAGED_BY_HELM = 'app.kubernetes.io/managed-by=Helm';
/** The kinds the sandbox deploys, to list what the applied set holds. */
const KINDS = 'pods,services,deployments.apps,poddisruptionbudgets.policy,networkpolicies.networking.k8s.io';

const work = makeTempDir('k8s-sandbox-upgrade-');
/** A kubeconfig whose context's namespace is NAMESPACE, so the README's commands run verbatim. */
const KUBECONFIG = path.join(work, 'kubeconfig');
/** Objects made by hand in the namespace, with the uid each must keep. */
const handMade = new Map<string, string>();
/** The directory the cluster was last brought to. */
let current = DIST;

/** Runs a README command with `sh` in the project, against NAMESPACE; never throws. */
function sh(command: string): { status: number; output: string } {
  progress(`$ ${command}`);
  const result = spawnSync('sh', ['-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG },
    timeout: 180_000,
  });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

function shOk(command: string): string {
  const result = sh(command);
  if (result.status !== 0) {
    throw new Error(`\`${command}\` exited ${result.status}:\n${result.output}`);
  }
  return result.output;
}

/** `npm run apply` of `dir`, as the README has it for dist/. */
function applyCommand(dir: string): string {
  return dir === path.join(ROOT, 'dist') ? 'npm run -s apply' : `npm run -s apply -- ${dir}`;
}

/** The folder of manifests of the step `name`. */
function variant(name: string): string {
  const dir = path.join(UPGRADES, name);
  if (!existsSync(dir)) {
    throw new Error(`${dir} does not exist: npm run test:e2e writes the upgrade steps' manifests before the test`);
  }
  return dir;
}

/** The flags `npm run diff` would show for going from the cluster's current manifests to `dir`'s. */
function diffTo(dir: string) {
  const objects = diffManifests(readManifests(current), readManifests(dir)).objects;
  const flags = objects.flatMap((o) => [
    ...o.flags.map((flag) => ({ object: displayId(o.id), field: '', ...flag })),
    ...o.fields.flatMap((field) =>
      field.flags.map((flag) => ({ object: displayId(o.id), field: field.path.join('.'), ...flag })),
    ),
  ]);
  return { immutable: flags.filter((f) => f.level === 'immutable'), flags };
}

/**
 * What the README tells a user: run the `kubectl delete` of every remedy the diff names
 * (`kubectl delete ... && npm run apply`: what cannot change in place, or a removed Service
 * holding a nodePort), then `npm run apply` once. Returns what the apply printed.
 */
function upgrade(dir: string): string {
  const deletes = new Set(
    diffTo(dir)
      .flags.map((f) => f.remedy)
      .filter((r): r is string => r !== undefined && r !== 'npm run apply')
      .map((remedy) => {
        const [command, apply] = remedy.split(' && ');
        expect(apply).toBe('npm run apply');
        return command as string;
      }),
  );
  for (const command of deletes) {
    shOk(command);
  }
  const output = shOk(applyCommand(dir));
  current = dir;
  return output;
}

/** `kubectl get -w` of `object`, one `template` line per state the API server reports. */
function watch(object: string, template: string): { stop: () => void; states: () => string[] } {
  const child = spawn('kubectl', ['get', object, '-n', NAMESPACE, '-w', '-o', `jsonpath=${template}{"\\n"}`], {
    env: { ...process.env, KUBECONFIG },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return { stop: () => child.kill(), states: () => output.trim().split('\n').filter(Boolean) };
}

/** `Kind/name` of every object of the release (those Helm labelled as managed by it). */
function appliedSet(): string[] {
  return getJson([KINDS, '-n', NAMESPACE, '-l', MANAGED_BY_HELM])
    .items.map((o: KubeObject) => `${o.kind}/${o.metadata.name}`)
    .sort();
}

function manifestIds(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

/**
 * The cluster is what `dir` says: exactly its objects in the applied set, the Deployment rolled
 * out with its image and replicas (and no other pod of its selector), the Service on nodePort
 * 31515 with the fib-client Pod's IP and port as its one endpoint, the hand-made objects as they were.
 */
async function expectClusterMatches(dir: string): Promise<void> {
  const objects = readManifests(dir);
  await eventually(
    'the applied set is exactly the manifests',
    () => expect(appliedSet()).toEqual(manifestIds(objects)),
    WAIT_MS,
  );

  const deployment = objects.find((o) => o.kind === 'Deployment');
  if (deployment) {
    const name = deployment.metadata.name;
    kubectlOk(['rollout', 'status', `deployment/${name}`, '-n', NAMESPACE, `--timeout=${WAIT_MS / 1000}s`]);
    const image = deployment.spec.template.spec.containers[0].image;
    await eventually(
      `${deployment.spec.replicas} pods of ${name}, all running ${image}`,
      () => {
        const live = getJson(['deployment', name, '-n', NAMESPACE]);
        expect(live.spec.replicas).toBe(deployment.spec.replicas);
        expect(live.status.availableReplicas ?? 0).toBe(deployment.spec.replicas);
        const pods = getJson([
          'pods',
          '-n',
          NAMESPACE,
          '-l',
          labelSelector(deployment.spec.selector.matchLabels),
        ]).items;
        expect(pods.map((p: KubeObject) => p.spec.containers[0].image)).toEqual(
          Array(deployment.spec.replicas).fill(image),
        );
      },
      WAIT_MS,
    );
  }

  const pod = objects.find((o) => o.kind === 'Pod');
  const service = objects.find((o) => o.kind === 'Service');
  if (pod && service) {
    const containerPort = pod.spec.containers[0].ports[0].containerPort;
    const live = getJson(['service', service.metadata.name, '-n', NAMESPACE]);
    expect(live.spec.ports.map((p: { nodePort: number }) => p.nodePort)).toEqual([NODE_PORT]);
    expect(live.spec.ports[0].port).toBe(service.spec.ports[0].port);
    expect(live.spec.ports[0].targetPort).toBe(containerPort);
    await eventually(
      `${service.metadata.name}'s one endpoint is ${pod.metadata.name}'s IP on port ${containerPort}`,
      () => {
        const livePod = getJson(['pod', pod.metadata.name, '-n', NAMESPACE]);
        expect(livePod.status.phase).toBe('Running');
        expect(livePod.spec.containers[0].ports[0].containerPort).toBe(containerPort);
        const slices = getJson([
          'endpointslices',
          '-n',
          NAMESPACE,
          '-l',
          `kubernetes.io/service-name=${service.metadata.name}`,
        ]).items;
        const endpoints = slices.flatMap((s: { endpoints?: { addresses: string[] }[]; ports?: { port: number }[] }) =>
          (s.endpoints ?? []).flatMap((e) => e.addresses.map((a) => `${a}:${(s.ports ?? [])[0]?.port}`)),
        );
        expect(endpoints).toEqual([`${livePod.status.podIP}:${containerPort}`]);
      },
      WAIT_MS,
    );
  }

  for (const [object, uid] of handMade) {
    expect(`${object} ${getJson([object, '-n', NAMESPACE]).metadata.uid}`).toBe(`${object} ${uid}`);
  }
}

beforeAll(async () => {
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
  const config = kubectlOk(['config', 'view', '--raw']);
  writeFileSync(KUBECONFIG, config, { mode: 0o600 });
  shOk(`kubectl config set-context --current --namespace=${NAMESPACE}`);
});

afterAll(() => {
  removeTempDir(work);
  // The nodePort is the cluster's: free it for the other e2e file whatever order they run in.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

describe('upgrades through npm run apply', () => {
  test('start: dist/ applied with npm run apply is healthy, beside a hand-made Deployment and ConfigMap', async () => {
    shOk(
      `kubectl create deployment hand-made --image=registry.k8s.io/pause:3.10 -n ${NAMESPACE} --dry-run=client -o json | kubectl apply -f -`,
    );
    shOk(`kubectl create configmap hand-made --from-literal=owner=someone-else`);
    for (const object of ['deployment/hand-made', 'configmap/hand-made']) {
      handMade.set(object, getJson([object, '-n', NAMESPACE]).metadata.uid);
    }
    const output = shOk('npm run -s apply');
    // It waited: the Pod became Ready, the Service got an endpoint, before "deployed".
    expect(output).toMatch(new RegExp(`Pod/${NAMESPACE}/fib-client-pod: Current`));
    expect(output).toMatch(new RegExp(`Service/${NAMESPACE}/fib-client-node-port: Current: has ready endpoints`));
    expect(output).toMatch(/deployed: revision 1, all \d+ objects healthy$/m);
    await expectClusterMatches(DIST);
  });

  test('a second npm run apply, naming the namespace, replaces nothing and prunes nothing', () => {
    const pod = getJson(['pod', 'fib-client-pod', '-n', NAMESPACE]).metadata.uid;
    const output = shOk(`npm run -s apply -- -n ${NAMESPACE}`);
    expect(output).not.toMatch(/pruned/);
    expect(output).toMatch(/deployed: revision 2, all \d+ objects healthy$/m);
    expect(getJson(['pod', 'fib-client-pod', '-n', NAMESPACE]).metadata.uid).toBe(pod);
  });

  test('nginx image bump: the Deployment rolls out, never below replicas - maxUnavailable available, the PDB in place', async () => {
    const dir = variant('image-bump');
    expect(diffTo(dir).immutable).toEqual([]);
    // Every state of the Deployment and of the PodDisruptionBudget during the rollout.
    const deployment = watch('deployment/nginx-deployment', '{.status.availableReplicas}/{.spec.replicas}');
    const budget = watch('pdb/nginx-pdb', '{.status.currentHealthy}/{.status.desiredHealthy}');
    try {
      upgrade(dir);
      await expectClusterMatches(dir);
      await sleep(1000);
    } finally {
      deployment.stop();
      budget.stop();
    }
    const deploymentStates = deployment.states();
    const budgetStates = budget.states();
    progress(
      `Deployment available/replicas: ${deploymentStates.join(' ')}; PDB healthy/desired: ${budgetStates.join(' ')}`,
    );
    expect(deploymentStates.length).toBeGreaterThan(1);
    // maxUnavailable 25% of 2 rounds down to 0: both replicas stay available throughout.
    expect(deploymentStates.filter((state) => Number(state.split('/')[0]) < 2)).toEqual([]);
    // The budget stays in place and never reports fewer healthy pods than it requires.
    expect(budgetStates.length).toBeGreaterThan(0);
    expect(
      budgetStates.filter((state) => {
        const [healthy, desired] = state.split('/').map(Number);
        return !(Number(healthy) >= Number(desired));
      }),
    ).toEqual([]);
    const pdb = getJson(['pdb', 'nginx-pdb', '-n', NAMESPACE]);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  });

  test('replicas 2 → 3 → 0 → 2', async () => {
    for (const replicas of [3, 0, 2]) {
      const dir = variant(`replicas-${replicas}`);
      const flags = diffTo(dir).flags.map((f) => f.reason);
      expect(flags.some((r) => r.startsWith('replicas go to 0'))).toBe(replicas === 0);
      upgrade(dir);
      await expectClusterMatches(dir);
    }
  });

  test('fib-client containerPort and servicePort change: ⛔ on the Pod, the remedy works, the Service follows', async () => {
    const dir = variant('ports');
    const { immutable } = diffTo(dir);
    expect(immutable.map((f) => f.object)).toContain('Pod/fib-client-pod');
    expect([...new Set(immutable.map((f) => f.remedy))]).toEqual([
      'kubectl delete pod/fib-client-pod && npm run apply',
    ]);
    // What the ⛔ means: the plain apply is refused by the API server.
    const refused = sh(applyCommand(dir));
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(
      /Pod "fib-client-pod" is invalid: spec: Forbidden: pod updates may not change fields/,
    );
    upgrade(dir);
    await expectClusterMatches(dir);
  });

  test('nginx Deployment selector change: ⛔, the remedy works, no pod of the old selector is left', async () => {
    const dir = variant('selector');
    const { immutable } = diffTo(dir);
    expect(immutable.map((f) => `${f.object} ${f.field}`)).toEqual([
      'Deployment/nginx-deployment spec.selector.matchLabels.app.kubernetes.io/instance',
    ]);
    expect(immutable[0]?.remedy).toBe('kubectl delete deployment.apps/nginx-deployment && npm run apply');
    const refused = sh(applyCommand(dir));
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(/field is immutable/);
    upgrade(dir);
    await expectClusterMatches(dir);
    await eventually(
      'no pod of the old selector left',
      () => {
        const pods = getJson(['pods', '-n', NAMESPACE, '-l', 'app=nginx,!app.kubernetes.io/instance']).items;
        expect(pods.map((p: KubeObject) => p.metadata.name)).toEqual([]);
      },
      WAIT_MS,
    );
  });

  test('PDB and both NetworkPolicies turned off: npm run apply prunes exactly those', async () => {
    const dir = variant('no-extras');
    const before = appliedSet();
    const removed = diffTo(dir)
      .flags.filter((f) => f.remedy === 'npm run apply')
      .map((f) => f.object);
    expect(removed.sort()).toEqual([
      'NetworkPolicy/fib-client-netpol',
      'NetworkPolicy/nginx-netpol',
      'PodDisruptionBudget/nginx-pdb',
    ]);
    const output = upgrade(dir);
    expect(
      output
        .split('\n')
        .filter((line) => line.includes(': pruned'))
        .map((line) => line.replace(/^\[ *[\d.]+s\] /, '').replace(`/${NAMESPACE}/`, '/'))
        .sort(),
    ).toEqual([
      'NetworkPolicy/fib-client-netpol: pruned (no longer in the manifests)',
      'NetworkPolicy/nginx-netpol: pruned (no longer in the manifests)',
      'PodDisruptionBudget/nginx-pdb: pruned (no longer in the manifests)',
    ]);
    await expectClusterMatches(dir);
    expect(before.filter((id) => !appliedSet().includes(id)).sort()).toEqual(removed.sort());
  });

  test('FibClient renamed to web: web-node-port holds 31515, nothing named fib-client-* remains', async () => {
    const dir = variant('web');
    expect(diffTo(dir).flags.find((f) => f.object === 'Service/fib-client-node-port')?.remedy).toBe(
      'kubectl delete service/fib-client-node-port && npm run apply',
    );
    // Without the remedy the new Service is refused: the old one still holds the nodePort.
    const refused = sh(applyCommand(dir));
    expect(refused.output).toMatch(/provided port is already allocated/);
    upgrade(dir);
    await expectClusterMatches(dir);
    const names = getJson([KINDS, '-n', NAMESPACE]).items.map((o: KubeObject) => o.metadata.name);
    expect(names.filter((n: string) => n.startsWith('fib-client-'))).toEqual([]);
    expect(getJson(['service', 'web-node-port', '-n', NAMESPACE]).spec.ports[0].nodePort).toBe(NODE_PORT);
  });

  test("back to dist/, then from the previous commit's manifests to this one's", async () => {
    upgrade(DIST);
    await expectClusterMatches(DIST);
    const base = await resolveRef(ROOT, UPGRADE_FROM);
    progress(`synthesizing ${base.label}, as npm run diff does`);
    const previous = path.join(work, 'previous');
    mkdirSync(previous);
    await synthesizeAt(ROOT, base.commit, previous);
    upgrade(previous);
    await expectClusterMatches(previous);
    // The README's review step (there with the ref, which it synthesizes): the report names every
    // remedy the upgrade below runs.
    const report = shOk(`npm run -s diff -- ${previous}`);
    expect(report).toMatch(/^Manifest changes, /m);
    for (const flag of diffTo(DIST).flags.filter((f) => f.remedy && f.remedy !== 'npm run apply')) {
      expect(report).toContain(`remedy: ${flag.remedy}`);
    }
    upgrade(DIST);
    await expectClusterMatches(DIST);
  });
});
