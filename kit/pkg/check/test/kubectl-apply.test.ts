// The kubectl-apply gate: client-side `kubectl apply -f` copies each object into its
// last-applied-configuration annotation (kubectl's own code, in kube-rules kubectl-apply), and the
// API server refuses metadata.annotations over 256 KiB.
import * as path from 'node:path';
import { binaryPath } from '../../common/go-tools';
import { loadObjects } from '../../common/manifests';
import { kubectlApply } from '../kubectl-apply';
import { type Json, manifestDir } from './fixtures';

const kubeRules = binaryPath('kube-rules');

async function gate(objects: Json[]) {
  const dir = manifestDir({ 'all.yaml': objects });
  return kubectlApply(kubeRules, loadObjects([path.join(dir, 'all.yaml')]));
}

const configMap = (name: string, bytes: number, annotations: Record<string, string> = {}): Json => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, annotations },
  data: { payload: 'x'.repeat(bytes) },
});

test('an object whose last-applied-configuration annotation passes 256 KiB: the limit, the size and the way around', async () => {
  const findings = await gate([configMap('big', 262_144), configMap('small', 200_000)]);
  expect(findings).toEqual([
    {
      gate: 'kubectl-apply',
      file: expect.stringMatching(/all\.yaml$/),
      object: 'ConfigMap/big',
      field: 'metadata.annotations',
      message: expect.stringMatching(
        /^Too long: may not be more than 262144 bytes \(kubectl apply -f copies the whole object into the kubectl\.kubernetes\.io\/last-applied-configuration annotation: 2622\d\d bytes of annotations, over the API server's 256 KiB; apply it server-side: kubectl apply --server-side\)$/,
      ),
    },
  ]);
});

test('a custom resource is measured as kubectl measures it, whatever its kind', async () => {
  const widget = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { blob: 'y'.repeat(270_000) },
  };
  expect((await gate([widget])).map((f) => f.object)).toEqual(['Widget/w']);
});

test("annotations already over the limit without kubectl are the api-server gate's finding, not this one", async () => {
  expect(await gate([configMap('own', 10, { note: 'z'.repeat(270_000) })])).toEqual([]);
});
