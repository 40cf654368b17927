// `npm run check -- [DIR]` as users and CI run it: every gate on a directory of manifests, one
// line per finding, exit code 0 (all pass), 1 (findings) or 2 (could not check).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { customResourceDefinition, manifestDir, nginxDeployment, sandboxManifests } from './fixtures';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');

function check(dir: string, ...flags: string[]) {
  return spawnSync('node', ['kit/cmd/sandbox-kit.js', 'check', dir, ...flags], {
    cwd: root,
    encoding: 'utf8',
  });
}

test('the sandbox passes every gate', () => {
  const result = check(manifestDir(sandboxManifests()));
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(
    /check: pod-security: ok.*\n.*check: schema 1\.27\.0: ok.*\n.*check: schema 1\.\d+\.\d+: ok/s,
  );
  expect(result.stderr).toContain('check: kube-score: ok');
  expect(result.stderr).toContain('check: all gates pass');
  expect(result.status).toBe(0);
});

test('a bad object fails every gate it breaks, each finding on a line with file, object and field', () => {
  const deployment = nginxDeployment();
  const container = deployment.spec.template.spec.containers[0];
  container.securityContext.allowPrivilegeEscalation = true;
  container.securityContext.runAsUsr = 0;
  delete container.resources;
  const dir = manifestDir({ 'bad.k8s.yaml': [deployment] });

  const result = check(dir);

  // Outside the working directory, so shown absolute.
  const file = path.join(dir, 'bad.k8s.yaml');
  const lines = result.stdout.trim().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      `pod-security: ${file} Deployment/nginx-deployment: spec.template.spec: allowPrivilegeEscalation != false: container "nginx" must set securityContext.allowPrivilegeEscalation=false [restricted v1.27, v1.34]`,
      `schema 1.27.0: ${file} Deployment/nginx-deployment: spec.template.spec.containers[0].securityContext: additional properties 'runAsUsr' not allowed`,
      expect.stringMatching(
        new RegExp(
          `^schema 1\\.\\d+\\.\\d+: ${file} Deployment/nginx-deployment: spec.template.spec.containers\\[0\\].securityContext: additional properties 'runAsUsr' not allowed$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^kube-score: ${file} Deployment/nginx-deployment: nginx: CRITICAL container-resources: CPU limit is not set`,
        ),
      ),
    ]),
  );
  expect(result.stderr).toMatch(/check: \d+ findings/);
  expect(result.status).toBe(1);
});

test('a gate that cannot read an object says so; the others still report, and the exit code is 2', () => {
  const deployment = nginxDeployment();
  deployment.spec.replicas = 'two';
  const result = check(manifestDir({ 'bad.k8s.yaml': [deployment] }));
  expect(result.stdout).toContain('Deployment/nginx-deployment: spec.replicas: got string, want integer');
  expect(result.stderr).toMatch(/check: kube-score: could not run: .*replicas/);
  expect(result.stderr).toContain('gates could not run');
  expect(result.status).toBe(2);
});

test('without manifests it says so in kubectl words, and to synthesize them first', () => {
  const dir = manifestDir({});
  const result = check(dir);
  expect(result.stderr).toBe(
    `check: error: error reading [${dir}]: recognized file extensions are [.json .yaml .yml] (as kubectl apply -f ` +
      'says it); name folders or files of Kubernetes manifests, or run `npm run synth` first\n',
  );
  expect(result.status).toBe(2);
});

test.each([
  [
    'only a ConfigMap',
    'configmap.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n',
  ],
  [
    'a CustomResourceDefinition',
    'crd.yaml',
    [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      'spec:',
      '  group: example.com',
      '  names: { kind: Widget, plural: widgets }',
      '  scope: Namespaced',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      schema: { openAPIV3Schema: { type: object } }',
      '',
    ].join('\n'),
  ],
  [
    'a custom resource beside its definition',
    'widget.yaml',
    [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: { name: widgets.example.com }',
      'spec:',
      '  group: example.com',
      '  names: { kind: Widget, plural: widgets }',
      '  scope: Namespaced',
      '  versions:',
      '    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }',
      '---',
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata: { name: w }',
      '',
    ].join('\n'),
  ],
])('valid manifests that kube-score does not score pass: %s', (_, name, text) => {
  const dir = manifestDir({});
  fs.writeFileSync(path.join(dir, name), text);
  const result = check(dir);
  expect(result.stderr).toContain('check: kube-score: ok');
  expect(result.stderr).toContain('check: all gates pass');
  expect(result.status).toBe(0);
});

test('a folder is read as `kubectl apply -f DIR` reads it: *.json, *.yaml and *.yml, not subfolders', () => {
  const dir = manifestDir(sandboxManifests());
  const pod = { ...nginxDeployment().spec.template, apiVersion: 'v1', kind: 'Pod' };
  pod.metadata = { ...pod.metadata, name: 'host-pod' };
  pod.spec.hostNetwork = true;
  fs.writeFileSync(path.join(dir, 'pod.json'), JSON.stringify(pod, null, 2));
  fs.writeFileSync(path.join(dir, 'other.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest');
  fs.mkdirSync(path.join(dir, 'nested'));
  fs.writeFileSync(path.join(dir, 'nested/ignored.yaml'), 'not: [valid');

  const result = check(dir);

  expect(result.stderr).toMatch(/check: 8 objects in 4 files of /);
  expect(
    result.stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('pod-security')),
  ).toEqual([
    `pod-security: ${path.join(dir, 'pod.json')} Pod/host-pod: spec: host namespaces: hostNetwork=true [restricted v1.27, v1.34]`,
  ]);
  expect(result.status).toBe(1);
});

test('a single file is checked on its own by every gate, whatever its name', () => {
  const dir = manifestDir({});
  const file = path.join(dir, 'deployment.manifest');
  const deployment = nginxDeployment();
  deployment.spec.template.spec.hostPID = true;
  deployment.spec.template.spec.containers[0].name = 'Side_Car';
  delete deployment.spec.template.spec.containers[0].resources;
  deployment.spec.template.spec.containers[0].imagePullPolcy = 'Always';
  fs.writeFileSync(file, JSON.stringify(deployment));
  const result = check(file);
  expect(result.stderr).toContain(`check: 1 objects in ${file}\n`);
  const lines = result.stdout.trim().split('\n');
  const where = `${file} Deployment/nginx-deployment`;
  expect(lines).toEqual(
    expect.arrayContaining([
      `pod-security: ${where}: spec.template.spec: host namespaces: hostPID=true [restricted v1.27, v1.34]`,
      expect.stringMatching(
        /^api-server 1\.\d+\.\d+: .* Deployment\/nginx-deployment: Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"$/,
      ),
      `schema 1.27.0: ${where}: spec.template.spec.containers[0]: additional properties 'imagePullPolcy' not allowed`,
      expect.stringMatching(
        /^kube-score: .* Deployment\/nginx-deployment: Side_Car: CRITICAL container-resources: CPU limit is not set/,
      ),
    ]),
  );
  expect(lines.filter((line) => line.startsWith('schema 1.27.0: '))[0]).toContain(` ${file} `);
  expect(result.status).toBe(1);
});

test('every object of a .json stream is checked by every gate, not only the first', () => {
  const dir = manifestDir({});
  const file = path.join(dir, 'stream.json');
  const first = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' }, data: { a: 'b' } };
  const second = nginxDeployment();
  second.spec.template.spec.containers[0].imagePullPolcy = 'Always';
  fs.writeFileSync(file, `${JSON.stringify(first)}\n${JSON.stringify(second)}\n`);

  const result = check(dir);

  const where = `${file} Deployment/nginx-deployment`;
  const lines = result.stdout.trim().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      `schema 1.27.0: ${where}: spec.template.spec.containers[0]: additional properties 'imagePullPolcy' not allowed`,
      expect.stringMatching(/^api-server 1\.\d+\.\d+: .*stream\.json Deployment\/nginx-deployment: .*unknown field/),
      expect.stringMatching(/^schema 1\.\d+\.\d+: .*stream\.json Deployment\/nginx-deployment: .*'imagePullPolcy'/),
      // Alone in the folder, the Deployment has no NetworkPolicy: kube-score saw it too.
      expect.stringMatching(/^kube-score: .*stream\.json Deployment\/nginx-deployment: CRITICAL pod-networkpolicy/),
    ]),
  );
  // Every gate names the file the object is in, not a copy made for it.
  for (const line of lines) {
    expect(line).toContain(` ${where}: `);
  }
  expect(result.status).toBe(1);
});

test("the api-server gate reports the API server's own message, with file, object and field", () => {
  const deployment = nginxDeployment();
  const container = deployment.spec.template.spec.containers[0];
  deployment.spec.template.spec.containers.push({ ...structuredClone(container), name: container.name });
  container.resources.requests.cpu = '2';
  const dir = manifestDir({ 'bad.k8s.yaml': [deployment] });
  const file = path.join(dir, 'bad.k8s.yaml');
  const result = check(dir);
  const lines = result.stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('api-server '));
  const limit = container.resources.limits.cpu;
  expect(lines.map((line) => line.replace(/^api-server 1\.\d+\.\d+: /, ''))).toEqual([
    `${file} Deployment/nginx-deployment: spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of ${limit}`,
    `${file} Deployment/nginx-deployment: spec.template.spec.containers[1].name: Duplicate value: "${container.name}"`,
  ]);
  expect(result.status).toBe(1);
});

test("the api-server gate's log line names kube-apiserver's flags it takes; --allow-privileged=false refuses a privileged container", () => {
  const pod = { ...nginxDeployment().spec.template, apiVersion: 'v1', kind: 'Pod' };
  pod.metadata = { ...pod.metadata, name: 'privileged' };
  pod.spec.containers[0].securityContext.privileged = true;
  // Validation refuses privileged with allowPrivilegeEscalation: false whatever the flag.
  delete pod.spec.containers[0].securityContext.allowPrivilegeEscalation;
  const dir = manifestDir({ 'pod.yaml': [pod] });
  const apiServerLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('api-server '));

  const kubeadm = check(dir);
  expect(kubeadm.stderr).toMatch(
    /check: api-server 1\.\d+\.\d+ \(--allow-privileged=true, as kubeadm; --service-cluster-ip-range=10\.96\.0\.0\/16, the lab cluster's\): ok/,
  );
  expect(apiServerLines(kubeadm.stdout)).toEqual([]);

  const refusing = check(dir, '--allow-privileged=false');
  expect(refusing.stderr).toMatch(
    /check: api-server 1\.\d+\.\d+ \(--allow-privileged=false; --service-cluster-ip-range=[^)]*\): 1 findings/,
  );
  expect(apiServerLines(refusing.stdout)).toEqual([
    expect.stringMatching(
      /^api-server 1\.\d+\.\d+: .*pod\.yaml Pod\/privileged: spec\.containers\[0\]\.securityContext\.privileged: Forbidden: disallowed by cluster policy$/,
    ),
  ]);
  expect(refusing.status).toBe(1);
});

test('--allow-privileged takes true or false only, and says so', () => {
  const result = check(manifestDir({}), '--allow-privileged=no');
  expect(result.stderr).toContain(
    'check: --allow-privileged takes true or false (got no)\nusage: npm run check -- [PATH...] [-R] [--allow-privileged=false]',
  );
  expect(result.status).toBe(2);
});

test('an object client-side kubectl apply cannot create fails the kubectl-apply gate, not the api-server gate', () => {
  const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(270_000) } };
  const dir = manifestDir({ 'big.yaml': [big] });
  const result = check(dir);
  expect(result.stdout.trim().split('\n')).toEqual([
    expect.stringMatching(
      /^kubectl-apply: .*big\.yaml ConfigMap\/big: metadata\.annotations: Too long: may not be more than 262144 bytes \(.*kubectl apply --server-side\)$/,
    ),
  ]);
  expect(result.stderr).toMatch(/check: api-server 1\.\d+\.\d+ \([^)]*\): ok/);
  expect(result.status).toBe(1);
});

test('a `kubectl create --dry-run=client -o yaml` scaffold (creationTimestamp: null, status: {}) passes every gate', () => {
  const dir = manifestDir({});
  fs.writeFileSync(
    path.join(dir, 'scaffold.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  creationTimestamp: null',
      '  name: settings',
      'data:',
      '  mode: scaffold',
      '',
    ].join('\n'),
  );
  const result = check(dir);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain('check: all gates pass');
  expect(result.status).toBe(0);
});

test('a custom resource is checked once, by the api-server gate; one without its definition is a note, not a failure', () => {
  const definition = customResourceDefinition('apps.example.com', 'Deployment', {
    type: 'object',
    'x-kubernetes-validations': [{ rule: 'self.size <= 10', message: 'size must be at most 10' }],
    properties: { size: { type: 'integer' } },
  });
  // A custom kind named Deployment: the built-in apps/v1 Deployment's schema would want a selector.
  const custom = (size: number) => ({
    apiVersion: 'apps.example.com/v1',
    kind: 'Deployment',
    metadata: { name: `size-${size}` },
    spec: { size },
  });
  const dir = manifestDir({ 'custom.yaml': [custom(3), custom(30)], 'definition.yaml': [definition] });
  const checked = check(dir);
  expect(checked.stdout.trim().split('\n')).toEqual([
    expect.stringMatching(
      new RegExp(
        `^api-server 1\\.\\d+\\.\\d+: ${path.join(dir, 'custom.yaml')} Deployment/size-30: spec: Invalid value: "object": size must be at most 10$`,
      ),
    ),
  ]);
  expect(checked.status).toBe(1);

  fs.rmSync(path.join(dir, 'definition.yaml'));
  const unchecked = check(dir);
  expect(unchecked.stdout).toBe('');
  expect(unchecked.stderr).toMatch(
    new RegExp(
      `check: note: api-server 1\\.\\d+\\.\\d+: ${path.join(dir, 'custom.yaml')} Deployment/size-3: apps.example.com/v1 Deployment not checked: no CustomResourceDefinition among these manifests defines it;`,
    ),
  );
  expect(unchecked.stderr).toContain('check: all gates pass');
  expect(unchecked.status).toBe(0);
});

test.each([
  [
    'not YAML',
    'bad.yaml',
    'kind: Pod\nmetadata: [unclosed\n',
    /error parsing .*bad\.yaml: error converting YAML to JSON: yaml: line 2: /,
  ],
  ['a list at the top', 'list.yaml', '- a\n- b\n', /unable to decode ".*list\.yaml": json: cannot unmarshal array/],
  ['a bare value', 'value.yaml', '42\n', /unable to decode ".*value\.yaml": json: cannot unmarshal number/],
])(
  'a file kubectl cannot read (%s) is one finding in its words; the other files are still checked',
  (_, name, text, message) => {
    const dir = manifestDir({
      'other.yaml': [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' }, dataa: {} }],
    });
    fs.writeFileSync(path.join(dir, name), text);
    const result = check(dir);
    const found = result.stdout.trim().split('\n');
    expect(found.filter((line) => line.startsWith('read: '))).toEqual([
      expect.stringMatching(new RegExp(`^read: ${path.join(dir, name)}: kubectl: `)),
    ]);
    expect(found.find((line) => line.startsWith('read: '))).toMatch(message);
    expect(found).toContain(
      `schema 1.27.0: ${path.join(dir, 'other.yaml')} ConfigMap/o: additional properties 'dataa' not allowed`,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(1);
  },
);

test('a path that does not exist is refused in kubectl words', () => {
  const missing = check('no/such/dir');
  expect(missing.stderr).toBe(
    'check: error: the path "no/such/dir" does not exist (as kubectl apply -f says it); name folders or files of ' +
      'Kubernetes manifests, or run `npm run synth` first\n',
  );
  expect(missing.status).toBe(2);
});

test('without Go on PATH it exits 2 saying what needs Go and which, no stack trace', () => {
  const bin = makeTempDir('k8s-sandbox-no-go-');
  try {
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = spawnSync(
      path.join(bin, 'node'),
      ['kit/cmd/sandbox-kit.js', 'check', manifestDir(sandboxManifests())],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PATH: bin },
      },
    );
    expect(result.stderr).toContain(
      'check: Go is not installed or not on PATH: npm run check builds its gates (kubeconform, kube-score, ' +
        'kube-rules) and finds the newest API schema with Go 1.26 or later (the go line of kit/go/check/go.mod); ' +
        `install Go from https://go.dev/dl/ or add its bin folder to PATH (PATH is ${JSON.stringify(bin)})\n`,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(2);
  } finally {
    removeTempDir(bin);
  }
});

test('Ctrl-C while kubeconform runs removes its temporary schema folder and exits 130', async () => {
  const tmp = makeTempDir('k8s-sandbox-interrupt-');
  try {
    const child = spawn('node', ['kit/cmd/sandbox-kit.js', 'check', manifestDir(sandboxManifests())], {
      cwd: root,
      env: { ...process.env, TMPDIR: tmp },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const schemaDirs = () => fs.readdirSync(tmp).filter((name) => name.startsWith('k8s-sandbox-kubeconform-'));
    const deadline = Date.now() + 30_000;
    while (schemaDirs().length === 0 && Date.now() < deadline) {
      await sleep(10);
    }
    expect(schemaDirs()).not.toEqual([]);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(schemaDirs()).toEqual([]);
  } finally {
    removeTempDir(tmp);
  }
});
