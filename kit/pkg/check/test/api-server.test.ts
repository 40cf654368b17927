// The api-server gate: kube-rules validate, kube-apiserver's own create path (strict decoding,
// defaulting, the mutating admission plugins it runs, the Service storage's create hook and its
// clusterIP and nodePort allocators, the registry strategy's validation) run offline,
// on the corpus in api-server/ (one case a file, named after it). Each case expects the API
// server's own words; kit/lab/e2e/api-server-parity.test.ts applies the same files to the real API
// server with server-side dry run and checks that it says the same.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ApiServerFlags, apiServer, defaultApiServerFlags, describeApiServerFlags } from '../api-server';
import { binaryPath, goModuleVersion, toolModuleDir } from '../../common/go-tools';
import { loadObjects } from '../../common/manifests';
import { run } from '../../common/process';
import { CORPUS, CORPUS_DIR, findingLine, withoutUids } from './api-server-corpus';
import { type Json, customResourceDefinition, manifestDir } from './fixtures';

const kubeRules = binaryPath('kube-rules');

async function gate(files: readonly string[], flags?: ApiServerFlags) {
  return (await apiServer('api-server', kubeRules, loadObjects(files), { flags })).map(findingLine);
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
    expect.arrayContaining([
      'Pod',
      'Service',
      'Deployment.apps',
      'PriorityClass.scheduling.k8s.io',
      'Event',
      'CustomResourceDefinition.apiextensions.k8s.io',
      'APIService.apiregistration.k8s.io',
    ]),
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

const widgetDefinition = (group: string): Json =>
  customResourceDefinition(group, 'Widget', {
    type: 'object',
    properties: { size: { type: 'integer', maximum: 10 } },
  });
const widget = (group: string, name: string, size: unknown): Json => ({
  apiVersion: `${group}/v1`,
  kind: 'Widget',
  metadata: { name },
  spec: { size },
});

/** The gate's findings and notes on `files` of `dir`, as `Kind/name: field: message` lines. */
async function gateWithNotes(dir: string, files: readonly string[]) {
  const notes: string[] = [];
  const objects = loadObjects(files.map((file) => path.join(dir, file)));
  const findings = await apiServer('api-server', kubeRules, objects, { note: (note) => notes.push(findingLine(note)) });
  return { findings: findings.map(findingLine), notes };
}

test('a custom resource is checked against its CustomResourceDefinition in another file of the run', async () => {
  const dir = manifestDir({
    'a-widgets.yaml': [widget('files.example.com', 'too-big', 11), widget('files.example.com', 'fits', 3)],
    'b-definition.yaml': [widgetDefinition('files.example.com')],
  });
  expect(await gateWithNotes(dir, ['a-widgets.yaml', 'b-definition.yaml'])).toEqual({
    findings: ['Widget/too-big: spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10'],
    notes: [],
  });
});

test('a custom resource without its CustomResourceDefinition is not checked: one note per kind, no finding', async () => {
  const dir = manifestDir({
    'custom.yaml': [
      widget('elsewhere.example.com', 'Not_A_Name', 'big'),
      widget('elsewhere.example.com', 'second', 'big'),
      { apiVersion: 'apps.elsewhere.example.com/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} },
    ],
  });
  expect(await gateWithNotes(dir, ['custom.yaml'])).toEqual({
    findings: [],
    notes: [
      'Widget/Not_A_Name: elsewhere.example.com/v1 Widget not checked: no CustomResourceDefinition among these ' +
        'manifests defines it; the API server checks it against the CustomResourceDefinition installed in the ' +
        'cluster, and kubectl apply refuses it until there is one',
      'Deployment/d: apps.elsewhere.example.com/v1 Deployment not checked: no CustomResourceDefinition among these ' +
        'manifests defines it; the API server checks it against the CustomResourceDefinition installed in the ' +
        'cluster, and kubectl apply refuses it until there is one',
    ],
  });
});

test('the custom resources of a CustomResourceDefinition the API server refuses are not checked, and a note says why', async () => {
  const refused = widgetDefinition('refused.example.com');
  refused.metadata.name = 'not-plural-dot-group';
  const dir = manifestDir({ 'all.yaml': [refused, widget('refused.example.com', 'w', 'big')] });
  expect(await gateWithNotes(dir, ['all.yaml'])).toEqual({
    findings: [
      'CustomResourceDefinition/not-plural-dot-group: metadata.name: Invalid value: "not-plural-dot-group": must be spec.names.plural+"."+spec.group',
    ],
    notes: [
      'Widget/w: refused.example.com/v1 Widget not checked: its CustomResourceDefinition not-plural-dot-group is ' +
        'refused; the API server checks it against the CustomResourceDefinition installed in the cluster, and ' +
        'kubectl apply refuses it until there is one',
    ],
  });
});

test('an object without apiVersion is left to the schema gates', async () => {
  const dir = manifestDir({ 'no-api-version.yaml': [{ kind: 'ConfigMap', metadata: { name: 'no-api-version' } }] });
  expect(await gateWithNotes(dir, ['no-api-version.yaml'])).toEqual({ findings: [], notes: [] });
});

test('a healthCheckNodePort another Service of the same folder holds as a nodePort is refused', async () => {
  const holder = service('holder', 32130);
  const taker = service('taker', 32131);
  taker.spec = { ...taker.spec, type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 32130 };
  const dir = manifestDir({ 'all.yaml': [holder, taker] });
  expect(await gate([path.join(dir, 'all.yaml')])).toEqual([
    'Service/taker: failed to allocate requested HealthCheck NodePort 32130: provided port is already allocated',
  ]);
});

const privilegedPod: Json = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'privileged' },
  spec: { containers: [{ name: 'main', image: 'busybox:1.36', securityContext: { privileged: true } }] },
};

test("--allow-privileged: true by default (kubeadm's), false refuses a privileged container as the API server does", async () => {
  const dir = manifestDir({ 'pod.yaml': [privilegedPod] });
  const file = path.join(dir, 'pod.yaml');
  expect(defaultApiServerFlags().allowPrivileged).toBe(true);
  expect(await gate([file])).toEqual([]);
  expect(await gate([file], { ...defaultApiServerFlags(), allowPrivileged: false })).toEqual([
    'Pod/privileged: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy',
  ]);
});

test("--service-cluster-ip-range: the lab cluster's by default, inside kubeadm's 10.96.0.0/12", async () => {
  const lab = fs.readFileSync(path.join(toolModuleDir('kube-rules'), '../../../lab/cluster/env.sh'), 'utf8');
  expect(lab).toContain(`\nSERVICE_CIDR=${defaultApiServerFlags().serviceClusterIPRange}\n`);
  expect(defaultApiServerFlags().serviceClusterIPRange).toBe('10.96.0.0/16');
  const outside = { ...service('outside-lab-range'), spec: { clusterIP: '10.100.0.10', ports: [{ port: 80 }] } };
  const dir = manifestDir({ 'service.yaml': [outside] });
  const file = path.join(dir, 'service.yaml');
  expect(await gate([file])).toEqual([
    'Service/outside-lab-range: spec.clusterIPs: Invalid value: ["10.100.0.10"]: failed to allocate IP 10.100.0.10: the provided network does not match the current range',
  ]);
  expect(await gate([file], { ...defaultApiServerFlags(), serviceClusterIPRange: '10.96.0.0/12' })).toEqual([]);
  expect(describeApiServerFlags(defaultApiServerFlags())).toBe(
    "--allow-privileged=true, as kubeadm; --service-cluster-ip-range=10.96.0.0/16, the lab cluster's",
  );
});

test('kube-rules validate refuses a flag value it cannot read, in one line, exit 2', async () => {
  await expect(run(kubeRules, ['validate', '--allow-privileged=maybe'], { input: '[]' })).rejects.toThrow(
    /kube-rules: validate: invalid boolean value "maybe" for -allow-privileged: parse error \(flags: --allow-privileged=true\|false, default true as kubeadm; --service-cluster-ip-range=CIDR, default 10\.96\.0\.0\/12 as kubeadm\)/,
  );
  await expect(run(kubeRules, ['validate', '--service-cluster-ip-range=ten'], { input: '[]' })).rejects.toThrow(
    /kube-rules: --service-cluster-ip-range=ten: not a CIDR \(e\.g\. 10\.96\.0\.0\/12\)/,
  );
});

test('a Pod is admitted with a ServiceAccount the folder creates, as the ServiceAccount admission plugin reads it', async () => {
  // With kubernetes.io/enforce-mountable-secrets, the plugin refuses a Secret the account does not list.
  const account = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'strict', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } },
    secrets: [{ name: 'listed' }],
  };
  const pod = (name: string, secretName: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      serviceAccountName: 'strict',
      containers: [{ name: 'main', image: 'busybox:1.36' }],
      volumes: [{ name: 'creds', secret: { secretName } }],
    },
  });
  const dir = manifestDir({ 'all.yaml': [account, pod('listed-secret', 'listed'), pod('other-secret', 'other')] });
  expect(await gate([path.join(dir, 'all.yaml')])).toEqual([
    'Pod/other-secret: pods "other-secret" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret',
  ]);
});
