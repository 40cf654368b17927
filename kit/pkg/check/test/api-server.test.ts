// The api-server gate: kube-rules validate, kube-apiserver's own create path (strict decoding,
// defaulting, the registry strategy's validation, the Service nodePort allocator) run offline,
// on the corpus in api-server/ (one case a file, named after it). Each case expects the API
// server's own words; kit/lab/e2e/api-server-parity.test.ts applies the same files to the real API
// server with server-side dry run and checks that it says the same.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apiServer } from '../api-server';
import { binaryPath, goModuleVersion, toolModuleDir } from '../../common/go-tools';
import { loadObjects } from '../../common/manifests';
import { run } from '../../common/process';
import { CORPUS, CORPUS_DIR, findingLine, withoutUids } from './api-server-corpus';
import { type Json, manifestDir } from './fixtures';

const kubeRules = binaryPath('kube-rules');

async function gate(files: readonly string[]) {
  return (await apiServer('api-server', kubeRules, loadObjects(files))).map(findingLine);
}

test.each(Object.entries(CORPUS))('%s', async (name, expected) => {
  expect((await gate([path.join(CORPUS_DIR, name)])).map(withoutUids)).toEqual(expected);
});

test('the corpus table names every file of the corpus folder, and no other', () => {
  expect(Object.keys(CORPUS).sort()).toEqual(fs.readdirSync(CORPUS_DIR).sort());
});

test('kube-rules runs the API server of the release the cluster scripts build', async () => {
  const clusterDir = path.join(toolModuleDir('kube-rules'), '../../cluster/kube');
  for (const module of ['k8s.io/kubernetes', 'k8s.io/apiserver', 'k8s.io/client-go', 'k8s.io/component-base']) {
    const cluster = await goModuleVersion(clusterDir, module);
    expect(`${module} ${(await goModuleVersion(toolModuleDir('kube-rules'), module)).version}`).toBe(
      `${module} ${cluster.version}`,
    );
  }
});

test("kube-rules' go.mod maps k8s.io/kubernetes' staging modules as the cluster's go.mod does", () => {
  const replaces = (dir: string) => {
    const text = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
    return (
      /^replace \(\n([^)]*)\)/m
        .exec(text)?.[1]
        ?.trim()
        .split('\n')
        .map((line) => line.trim()) ?? []
    );
  };
  const ours = replaces(toolModuleDir('kube-rules'));
  expect(ours.length).toBeGreaterThan(20);
  expect(ours).toEqual(replaces(path.join(toolModuleDir('kube-rules'), '../../cluster/kube')));
});

test('every built-in kind the API server stores has its registry strategy in kube-rules', async () => {
  const { stdout } = await run(kubeRules, ['kinds']);
  const coverage = JSON.parse(stdout) as { validated: string[]; notStored: Record<string, string>; missing: string[] };
  // A release that adds a kind fails here until validate.go's table has its strategy.
  expect(coverage.missing).toEqual([]);
  expect(coverage.validated).toEqual(
    expect.arrayContaining(['Pod', 'Service', 'Deployment.apps', 'PriorityClass.scheduling.k8s.io', 'Event']),
  );
  expect(coverage.validated.length).toBeGreaterThan(55);
});

const service = (name: string, ...nodePorts: number[]): Json => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    type: 'NodePort',
    selector: { app: name },
    ports: nodePorts.map((nodePort, index) => ({ name: `p${index}`, port: 80 + index, nodePort })),
  },
});

test('a nodePort another Service of the same folder holds is refused, as the allocator refuses the second create', async () => {
  const dir = manifestDir({
    'a.yaml': [service('first', 32100)],
    'b.yaml': [service('second', 32101, 32100)],
  });
  expect(await gate([path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')])).toEqual([
    'Service/second: spec.ports[1].nodePort: Invalid value: 32100: provided port is already allocated',
  ]);
});

test('a Service the API server refuses holds no nodePort', async () => {
  const refused = service('refused', 32102);
  refused.spec.ports[0].targetPort = 'Not_A_Port_Name';
  const dir = manifestDir({ 'all.yaml': [refused, service('taker', 32102)] });
  const lines = await gate([path.join(dir, 'all.yaml')]);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Service\/refused: spec\.ports\[0\]\.targetPort: Invalid value: "Not_A_Port_Name"/);
});

test('a custom resource and an object without apiVersion are left to the schema gates', async () => {
  const dir = manifestDir({
    'custom.yaml': [
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'Not_A_Name' } },
      { kind: 'ConfigMap', metadata: { name: 'no-api-version' } },
    ],
  });
  expect(await gate([path.join(dir, 'custom.yaml')])).toEqual([]);
});
