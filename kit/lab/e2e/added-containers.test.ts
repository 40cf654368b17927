// End-to-end test: a sidecar, an init container and a container that adds NET_BIND_SERVICE,
// each added to a FibClient's Pod and an NginxDeployment's Deployment after construction
// through the public attribute, pass the real API server's Pod Security "restricted"
// admission. The negative control applies the same objects with the sidecar's
// `capabilities` taken out, as cdk8s-plus alone renders it, and is refused: the admission
// check sees the field this test is about. Run by kit/lab/e2e/run.sh (npm run test:e2e).
//
// The objects come from dist-variants/added-containers/ (apps/e2e-variants.ts, run by npm run
// test:e2e), synthesized by the app's constructs: the toolkit reads manifests, never lib/.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import { formatManifests, readManifests } from '../../pkg/common/manifests';
import { createRestrictedNamespace, eventually, expectFailure, expectSuccess, getJson, kubectl } from './kube';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';

const LOCAL_CLUSTER = process.env.E2E_LOCAL_CLUSTER === '1';
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-added`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? (LOCAL_CLUSTER ? 60 : 300)) * 1000;
const POD = 'added-fib-pod';
const DEPLOYMENT = 'added-nginx-deployment';
const SIDECAR = 'side';
const VARIANT = path.join(
  process.env.E2E_VARIANTS_DIR ?? path.resolve(__dirname, '../../../dist-variants'),
  'added-containers',
);

const tempDirs: string[] = [];

/** Writes `objects` to a new directory for `kubectl apply -f`, removed after the run. */
function writeManifests(objects: readonly KubeObject[], suffix: string): string {
  const dir = makeTempDir(`k8s-sandbox-e2e-${suffix}-`);
  tempDirs.push(dir);
  writeFileSync(path.join(dir, 'workloads.k8s.yaml'), formatManifests(objects));
  return dir;
}

/** The containers of the Pod or of the Deployment's pod template. */
function podSpec(object: KubeObject): { containers: { name: string; securityContext: object }[] } {
  return object.kind === 'Deployment' ? object.spec.template.spec : object.spec;
}

function apply(dir: string) {
  return kubectl(['apply', '-f', dir, '-n', NAMESPACE]);
}

let workloads: KubeObject[];

beforeAll(async () => {
  workloads = readManifests(VARIANT).filter((o) => o.kind === 'Pod' || o.kind === 'Deployment');
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
});

afterAll(() => {
  for (const dir of tempDirs) {
    removeTempDir(dir);
  }
  if (!LOCAL_CLUSTER) {
    kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  }
});

describe('containers added after construction, in a namespace enforcing "restricted"', () => {
  test('the synthesized Pod and Deployment carry the added containers', () => {
    for (const [kind, name, own] of [
      ['Pod', POD, 'added-fib'],
      ['Deployment', DEPLOYMENT, 'added-nginx'],
    ]) {
      const spec = podSpec(findObject(workloads, kind, name));
      expect(spec.containers.map((c) => c.name).sort()).toEqual([own, 'low-port', SIDECAR]);
    }
  });

  test('kubectl apply is accepted, with no PodSecurity warning', () => {
    const result = apply(writeManifests(workloads, 'added'));
    expectSuccess(result);
    expect(result.stderr).not.toMatch(/PodSecurity/);
    expect(getJson(['pod', POD, '-n', NAMESPACE]).spec.initContainers.map((c: { name: string }) => c.name)).toEqual([
      'init',
    ]);
  });

  test("the Deployment's ReplicaSet creates its pod: admission accepts it too", async () => {
    await eventually(
      `a pod of ${DEPLOYMENT}`,
      () => expect(getJson(['pods', '-n', NAMESPACE, '-l', 'app=added-nginx']).items).toHaveLength(1),
      WAIT_MS,
    );
    const failed = getJson(['events', '-n', NAMESPACE]).items.filter(
      (e: { reason: string }) => e.reason === 'FailedCreate',
    );
    expect(failed).toEqual([]);
  });

  test('negative control: the same objects without the sidecar\'s "drop: [ALL]" are refused', () => {
    const unhardened = workloads.map((o) => structuredClone(o));
    for (const object of unhardened) {
      object.metadata.name = `${object.metadata.name}-unhardened`;
      const sidecar = podSpec(object).containers.find((c) => c.name === SIDECAR);
      delete (sidecar?.securityContext as { capabilities?: object }).capabilities;
    }
    const dir = writeManifests(unhardened, 'unhardened');
    // The Pod is refused; the Deployment is admitted with a warning, as its pods would be refused.
    const result = apply(dir);
    expectFailure(result);
    expect(result.stderr).toMatch(
      /pods "added-fib-pod-unhardened" is forbidden: violates PodSecurity "restricted:latest": unrestricted capabilities \(container "side" must set securityContext.capabilities.drop=\["ALL"\]\)/,
    );
    expect(result.stderr).toMatch(
      /Warning: would violate PodSecurity "restricted:latest": unrestricted capabilities \(container "side" must set securityContext.capabilities.drop=\["ALL"\]\)/,
    );
  });
});
