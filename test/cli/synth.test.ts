// `cdk8s synth` as users run it: the real CLI, the app command from cdk8s.yaml.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { addSandboxCharts } from '../../lib';
import { makeTempDir, removeTempDir } from 'k8s-sandbox-kit/testing';

const root = path.resolve(__dirname, '../..');
const cdk8s = path.join(root, 'node_modules/.bin/cdk8s');

/** cdk8s.yaml's app command, running `entry` in place of main.ts. */
function appCommand(entry: string): string {
  const app: unknown = Yaml.load(path.join(root, 'cdk8s.yaml'))[0]?.app;
  if (typeof app !== 'string' || !app.endsWith(' main.ts')) {
    throw new Error(`cdk8s.yaml's app command does not end with main.ts: ${String(app)}`);
  }
  return `${app.slice(0, -'main.ts'.length)}${entry}`;
}

function synthInto(outdir: string, ...args: string[]) {
  return spawnSync(cdk8s, ['synth', '--check-upgrade=false', '--output', outdir, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

let outdir: string;
beforeEach(() => {
  outdir = makeTempDir('k8s-sandbox-synth-');
});
afterEach(() => removeTempDir(outdir));

test('writes one flat manifest per chart, the same YAML the snapshots hold', () => {
  const result = synthInto(outdir);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(fs.readdirSync(outdir).sort()).toEqual(['fib-client.k8s.yaml', 'nginx.k8s.yaml']);

  const charts = addSandboxCharts(Testing.app());
  const expected = {
    'fib-client.k8s.yaml': Yaml.stringify(...Testing.synth(charts.fibClient)),
    'nginx.k8s.yaml': Yaml.stringify(...Testing.synth(charts.nginx)),
  };
  for (const [file, yaml] of Object.entries(expected)) {
    expect(fs.readFileSync(path.join(outdir, file), 'utf8')).toBe(yaml);
  }
});

test('a bad prop exits non-zero with its message, no stack trace of the app, and leaves no manifest behind', () => {
  // A manifest from an earlier synth must not survive a failed one.
  fs.writeFileSync(path.join(outdir, 'nginx.k8s.yaml'), 'stale: true\n');

  const result = synthInto(outdir, '--app', appCommand('test/cli/bad-node-port.ts'));

  expect(result.status).toBe(1);
  // The app's message comes first, alone on its line, then the path of the construct that threw
  // it; cdk8s-cli then names the command that failed.
  const [message, where, cli] = result.stderr.split('\n');
  expect(message).toBe(
    "FibClient: nodePort must be an integer in 30000-32767 (got 80); pick a port in the API server's default --service-node-port-range",
  );
  expect(where).toBe('  construct: fib-client/fib-client');
  expect(cli).toMatch(/^Error: command ".*test\/cli\/bad-node-port\.ts ?" at .* returned a non-zero exit code 1$/);
  expect(result.stderr).not.toContain(`${root}/lib/`);
  expect(result.stderr).not.toContain('bad-node-port.ts:');
  // cdk8s synth removes the output directory before it runs the app, which writes nothing.
  expect(fs.existsSync(outdir)).toBe(false);
});

test('a bad prop in the second of two charts of one class names the second construct', () => {
  const result = synthInto(outdir, '--app', appCommand('test/cli/bad-second-chart.ts'));

  expect(result.status).toBe(1);
  expect(result.stderr.split('\n').slice(0, 2)).toEqual([
    'NginxDeployment: replicas must be an integer in 0-2147483647 (got -1)',
    '  construct: nginx-2/nginx',
  ]);
});

test('a bug in the app keeps its stack trace', () => {
  const result = synthInto(outdir, '--app', appCommand('test/cli/broken-app.ts'));

  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'node'\)\n {4}at /);
  expect(result.stderr).toContain('test/cli/broken-app.ts:8');
});

test('two objects that kubectl would apply as one fail synth, naming both construct paths', () => {
  fs.writeFileSync(path.join(outdir, 'fib-client.k8s.yaml'), 'stale: true\n');

  const result = synthInto(outdir, '--app', appCommand('test/cli/duplicate-chart.ts'));

  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^Validation failed with the following errors:\n/);
  expect(result.stderr).toContain(
    '[] Pod fib-client-pod is defined twice, by fib-client/fib-client/pod and fib-client-2/fib-client/pod: ' +
      'kubectl apply would keep only the last one; give one of them another name or namespace',
  );
  expect(result.stderr).not.toContain(`${root}/lib/`);
  expect(result.stderr).not.toContain('node_modules/cdk8s/');
  // app.synth() creates the output directory before it validates the app, and writes nothing in it.
  expect(fs.readdirSync(outdir)).toEqual([]);
});

test('a sidecar the API server or the kubelet would refuse fails synth, naming the workload and the container', () => {
  const result = synthInto(outdir, '--app', appCommand('test/cli/bad-sidecar.ts'));

  expect(result.status).toBe(1);
  const lines = result.stderr.split('\n');
  expect(lines.slice(0, 3)).toEqual([
    'Validation failed with the following errors:',
    "  [fib-client/fib-client/pod] container 'main': image must be an image reference such as 'nginx:1.14.2' or " +
      "'registry.example.com:5000/team/app:1.0': an optional registry host and '/', a repository path of lowercase " +
      "letters, digits and '.', '_', '-' or '/' separators, then an optional ':tag' and an optional '@sha256:' " +
      'digest of 64 lowercase hex digits (sha384: 96, sha512: 128), without whitespace ' +
      "(got 'BusyBox:1.35.0'); the kubelet would refuse it: invalid reference format: repository name " +
      '(library/BusyBox) must be lowercase',
    "  [fib-client/fib-client/pod] containers[2]: name must be unique among the pod's containers and init " +
      "containers (got 'main', the name of containers[1]); give each container its own `name` (cdk8s-plus names " +
      "a container added without one 'main')",
  ]);
  expect(result.stderr).not.toContain(`${root}/lib/`);
  expect(fs.readdirSync(outdir)).toEqual([]);
});
