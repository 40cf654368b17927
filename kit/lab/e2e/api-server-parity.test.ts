// End-to-end test: `npm run check`'s api-server gate (kube-rules validate, the API server's own
// Go code run offline) against the real API server, object by object. Each file of the corpus
// (kit/pkg/check/test/api-server/, valid and invalid objects, one case a file) is given to
// `kubectl create --dry-run=server` in a namespace of its own, which runs the whole create path
// without storing anything, and to the gate. The verdicts must be equal, and where both refuse,
// the API server's message must hold the gate's, cause by cause. Every divergence is listed by
// the case's name. Run by kit/lab/e2e/run.sh (npm run test:e2e).
//
// The gate takes the lab cluster's kube-apiserver flags (--allow-privileged=true, as kubeadm;
// SERVICE_CIDR of kit/lab/cluster/env.sh) and runs the mutating admission it runs where
// validation sees it (ServiceAccount, DefaultTolerationSeconds). Where the two must differ, by
// design, the corpus holds no case: admission that reads cluster state (quotas, LimitRanges, Pod
// Security labels, webhooks) and what only the cluster knows (a ServiceAccount other than the
// namespace's default or a PriorityClass that must exist, a clusterIP or nodePort another
// Service already holds in the cluster). A clusterIP, nodePort or healthCheckNodePort taken by
// another Service of the same folder is what the gate does flag; those cases, and the last
// test, create the pair for real (dry run allocates nothing) to show the API server's words.
//
// A case with custom resources holds their CustomResourceDefinitions too, as a folder does that
// the gate checks them in: a dry run of a custom resource needs its definition served, so those
// are created for real first, waited for (Established, then listed by discovery), and deleted
// once the rest of the case has had its dry run. Each case has a group of its own
// (*.corpus.example.com), so no case waits for another's definition to go.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apiServer } from '../../pkg/check/api-server';
import { CORPUS_DIR, findingLine, withoutUids } from '../../pkg/check/test/api-server-corpus';
import { goTool } from '../../pkg/common/go-tools';
import { type KubeObject, getPath, objectId } from '../../pkg/common/kube';
import type { KubectlResult } from '../../pkg/common/kubectl';
import { formatManifests, loadObjects } from '../../pkg/common/manifests';
import { run } from '../../pkg/common/process';
import { withTempDir } from '../../pkg/common/temp-dir';
import { eventually, kubectl, kubectlOk, progress } from './kube';

const LOCAL_CLUSTER = process.env.E2E_LOCAL_CLUSTER === '1';
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-parity`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? (LOCAL_CLUSTER ? 60 : 300)) * 1000;

/**
 * Cases a dry run cannot judge. In dry-run mode the Service nodePort allocator only asks whether a
 * port is taken, not whether it is in the range (k8s.io/kubernetes portallocator's
 * PortAllocationOperation.Allocate), so `--dry-run=server` takes a nodePort a real create
 * refuses; the ClusterIP allocator's dry run checks an IP against one ServiceCIDR's range
 * (ErrNotInRange) where the real create finds no ServiceCIDR for it (ErrMismatchedNetwork); and
 * a dry run allocates nothing, so a second Service of a file asking for what the first holds is
 * taken. These are created for real (in the test's own namespace, deleted with it, each case
 * with clusterIPs and nodePorts of its own); the gate answers as the real create does.
 */
const CREATED_FOR_REAL = new Set([
  'service-clusterip-outside-range.yaml',
  'service-clusterip-taken.yaml',
  'service-healthchecknodeport-outside-range.yaml',
  'service-healthchecknodeport-taken.yaml',
  'service-nodeport-outside-range.yaml',
]);

let kubeRules: string;

/** A case's CustomResourceDefinitions that its other objects need, and those other objects. */
function definitionsFirst(objects: readonly KubeObject[]): { definitions: KubeObject[]; others: KubeObject[] } {
  const isDefinition = (object: KubeObject) =>
    object.apiVersion === 'apiextensions.k8s.io/v1' && object.kind === 'CustomResourceDefinition';
  const groups = new Set(objects.filter(isDefinition).map((crd) => getPath(crd, 'spec', 'group')));
  const others = objects.filter((object) => !isDefinition(object));
  if (!others.some((object) => groups.has(objectId(object).group))) {
    return { definitions: [], others: [...objects] };
  }
  return { definitions: objects.filter(isDefinition), others };
}

/**
 * What the API server says to `others` (`kubectl create --dry-run=server`) once `definitions` are
 * created for real and served; the definitions are deleted after. When it refuses a definition,
 * that is its answer.
 */
async function withDefinitionsServed(definitions: readonly KubeObject[], others: readonly KubeObject[]) {
  const names = definitions.map((crd) => `customresourcedefinition.apiextensions.k8s.io/${String(crd.metadata.name)}`);
  try {
    const created = kubectl(['create', '-f', '-'], formatManifests(definitions));
    if (created.status !== 0) {
      return created;
    }
    kubectlOk(['wait', '--for=condition=Established', `--timeout=${WAIT_MS / 1000}s`, ...names]);
    // Established is the API server's word; kubectl finds a kind through discovery, which follows.
    const served = definitions.flatMap((crd) =>
      (getPath(crd, 'spec', 'versions') as { name: string; served: boolean }[])
        .filter((version) => version.served)
        .map((version) => `${String(getPath(crd, 'spec', 'group'))}/${version.name}`),
    );
    await eventually(
      `${served.join(', ')} in discovery`,
      () => {
        const missing = served.filter((groupVersion) => !discoveredGroupVersions().has(groupVersion));
        if (missing.length > 0) {
          throw new Error(`not in discovery yet: ${missing.join(', ')}`);
        }
      },
      WAIT_MS,
    );
    const server = kubectl(['create', '--dry-run=server', '-n', NAMESPACE, '-f', '-'], formatManifests(others));
    return { ...server, stdout: `${created.stdout}${server.stdout}` };
  } finally {
    kubectl(['delete', '--ignore-not-found', ...names]);
  }
}

beforeAll(async () => {
  kubeRules = await goTool('kube-rules', progress);
  // No Pod Security label: the cluster's default (privileged) leaves the corpus to validation.
  kubectlOk(['create', 'namespace', NAMESPACE]);
  // Pods wait for the namespace's default ServiceAccount (the ServiceAccount admission plugin).
  await eventually(
    `ServiceAccount default in ${NAMESPACE}`,
    () => kubectlOk(['get', 'serviceaccount', 'default', '-n', NAMESPACE]),
    WAIT_MS,
  );
});

afterAll(() => {
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

test('the api-server gate and the API server agree on every case of the corpus', async () => {
  const divergences: string[] = [];
  const cases = fs.readdirSync(CORPUS_DIR).sort();
  for (const name of cases) {
    const file = path.join(CORPUS_DIR, name);
    const objects = loadObjects([file]);
    const findings = (await apiServer('api-server', kubeRules, objects)).map(findingLine);
    const { definitions, others } = definitionsFirst(objects.map(({ object }) => object));
    const server: KubectlResult =
      definitions.length > 0
        ? await withDefinitionsServed(definitions, others)
        : kubectl(['create', ...(CREATED_FOR_REAL.has(name) ? [] : ['--dry-run=server']), '-n', NAMESPACE, '-f', file]);
    // A Job's generated selector holds a new UID each time it is made.
    const said = withoutUids(`${server.stderr}${server.stdout}`.trim());
    const serverRefuses = server.status !== 0;
    if (serverRefuses !== findings.length > 0) {
      divergences.push(
        serverRefuses
          ? `${name}: the API server refuses it and check does not: ${said}`
          : `${name}: check refuses it and the API server takes it: ${findings.join('; ')}`,
      );
      continue;
    }
    for (const line of findings) {
      // The gate's line is `Kind/name: field: message`; the API server's, `The Kind "name" is
      // invalid: field: message` or `... cannot be handled as a ...`.
      const words = withoutUids(line.slice(line.indexOf(': ') + 2));
      if (!said.includes(words)) {
        divergences.push(`${name}: the API server does not say "${words}": ${said}`);
      }
    }
  }
  expect(divergences).toEqual([]);
  expect(cases.length).toBeGreaterThan(40);
});

test('a second Service asking for a nodePort the first holds: the API server refuses it as the gate does', async () => {
  await withTempDir('k8s-sandbox-parity-', async (dir) => {
    try {
      const service = (name: string, nodePort: number) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, nodePort }] },
      });
      const file = path.join(dir, 'services.json');
      fs.writeFileSync(
        file,
        [service('holder', 32110), service('taker', 32110)].map((o) => JSON.stringify(o)).join('\n'),
      );
      const findings = (await apiServer('api-server', kubeRules, loadObjects([file]))).map(findingLine);
      expect(findings).toEqual([
        'Service/taker: spec.ports[0].nodePort: Invalid value: 32110: provided port is already allocated',
      ]);
      // Created for real: a dry run allocates nothing, so only a real create shows the refusal.
      const server = kubectl(['create', '-n', NAMESPACE, '-f', file]);
      expect(server.status).not.toBe(0);
      expect(server.stderr).toContain(
        'The Service "taker" is invalid: spec.ports[0].nodePort: Invalid value: 32110: provided port is already allocated',
      );
    } finally {
      kubectl(['delete', 'service', 'holder', '-n', NAMESPACE, '--ignore-not-found']);
    }
  });
});

test("the API versions the gate takes for served are the ones the API server's discovery lists", async () => {
  const { stdout } = await run(kubeRules, ['kinds']);
  const served = new Set((JSON.parse(stdout) as { served: string[] }).served.map((entry) => entry.split(' ')[0]));
  const discovered = new Set(['v1', ...discoveredGroupVersions()]);
  // Not a custom resource's group (a corpus case's, should its definition still be going).
  const builtIn = [...discovered].filter((gv) => !gv.includes('.') || gv.includes('k8s.io'));
  // Served by the gate, but not by the API server; and the reverse.
  expect([...served].filter((gv) => !discovered.has(gv)).sort()).toEqual([]);
  expect(builtIn.filter((gv) => !served.has(gv)).sort()).toEqual([]);
});

/** The group versions the API server's discovery lists under /apis. */
function discoveredGroupVersions(): Set<string> {
  const groups = JSON.parse(kubectlOk(['get', '--raw', '/apis'])) as {
    groups: { versions: { groupVersion: string }[] }[];
  };
  return new Set(groups.groups.flatMap((group) => group.versions.map((version) => version.groupVersion)));
}
