// The kube-score gate: the sandbox passes with no CRITICAL and no WARNING, because of what the
// constructs add (PDB, NetworkPolicy, anti-affinity, ephemeral storage) and what they ignore on
// purpose; take one away and kube-score says so.
import * as path from 'node:path';
import { binaryPath } from '../../common/go-tools';
import { kubeScore } from '../kube-score';
import { loadObjects } from '../../common/manifests';
import { type Json, manifestDir, nginxDeployment, sandboxManifests } from './fixtures';

const kubeScoreBinary = binaryPath('kube-score');

async function score(files: Record<string, Json[]>) {
  const dir = manifestDir(files);
  return kubeScore(kubeScoreBinary, loadObjects(Object.keys(files).map((file) => path.join(dir, file))));
}

/** The sandbox's manifests with `change` applied to its objects. */
function sandboxWith(change: (objects: Json[]) => Json[]): Record<string, Json[]> {
  const all = Object.values(sandboxManifests()).flat();
  return { 'sandbox.yaml': change(structuredClone(all)) };
}

const named = (kind: string, name: string) => (o: Json) => o.kind === kind && o.metadata.name === name;

test('the sandbox manifests get no CRITICAL and no WARNING', async () => {
  expect(await score(sandboxManifests())).toEqual([]);
});

test('a container without resources is CRITICAL, per container and missing value', async () => {
  const deployment = nginxDeployment();
  delete deployment.spec.template.spec.containers[0].resources;
  const findings = await score({ 'bad.yaml': [deployment] });
  expect(findings.filter((f) => f.message.includes('container-resources'))).toEqual(
    ['CPU limit', 'Memory limit', 'CPU request', 'Memory request'].map((missing) => ({
      gate: 'kube-score',
      file: expect.stringMatching(/bad\.yaml$/),
      object: 'Deployment/nginx-deployment',
      field: 'nginx',
      message: expect.stringMatching(new RegExp(`^CRITICAL container-resources: ${missing} is not set \\(`)),
    })),
  );
});

test('the nginx Deployment needs its PodDisruptionBudget', async () => {
  const findings = await score(sandboxWith((objects) => objects.filter((o) => o.kind !== 'PodDisruptionBudget')));
  expect(findings.map((f) => `${f.object}: ${f.message.split(':')[0]}`)).toEqual([
    'Deployment/nginx-deployment: CRITICAL deployment-has-poddisruptionbudget',
  ]);
});

test('every pod needs a NetworkPolicy', async () => {
  const findings = await score(sandboxWith((objects) => objects.filter((o) => o.kind !== 'NetworkPolicy')));
  expect(findings.map((f) => `${f.object}: ${f.message.split(':')[0]}`).sort()).toEqual([
    'Deployment/nginx-deployment: CRITICAL pod-networkpolicy',
    'Pod/fib-client-pod: CRITICAL pod-networkpolicy',
  ]);
});

test.each([
  ['Service', 'fib-client-node-port', ['WARNING service-type']],
  ['Pod', 'fib-client-pod', ['CRITICAL container-image-tag', 'CRITICAL pod-probes-identical']],
  ['Deployment', 'nginx-deployment', ['CRITICAL container-image-pull-policy', 'CRITICAL pod-probes-identical']],
])('%s %s passes only because it ignores checks on purpose: %s', async (kind, name, expected) => {
  const findings = await score(
    sandboxWith((objects) => {
      delete objects.find(named(kind, name)).metadata.annotations['kube-score/ignore'];
      return objects;
    }),
  );
  expect(findings.map((f) => `${f.object}: ${f.message.split(':')[0]}`).sort()).toEqual(
    expected.map((finding) => `${kind}/${name}: ${finding}`),
  );
});
