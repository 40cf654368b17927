// End-to-end test: another cdk8s app deploys with the kit as this one does. A fresh
// `cdk8s init typescript-app` project with the kit packed and installed from its tarball
// (kit/lab/install/installed-app.ts, the steps of kit/README.md) synthesizes a ConfigMap with
// `npx sandbox-kit synth`, then on the local cluster: `npx sandbox-kit apply --dry-run` previews
// its creation (exit 1) and changes nothing; `npx sandbox-kit apply` deploys it with Helm and
// waits; the same dry run then says "no changes" (exit 0); a changed value is previewed field by
// field. kit/lab/install/test/installed-app.cli.test.ts shows synth, check and diff there, which
// need no cluster. Run by kit/lab/e2e/run.sh (npm run test:e2e).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedKitApp } from '../install/installed-app';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';
import { eventually, getJson, kubectl, kubectlOk, progress } from './kube';

const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-installed`;

let dir: string;
let app: string;

/** The project's main.ts: the template's chart with one ConfigMap holding `greeting`. */
function writeApp(greeting: string): void {
  fs.writeFileSync(
    path.join(app, 'main.ts'),
    `import { App, Chart } from 'cdk8s';
import { KubeConfigMap } from './imports/k8s';

const app = new App();
const chart = new Chart(app, 'installed');
new KubeConfigMap(chart, 'settings', { metadata: { name: 'settings' }, data: { greeting: ${JSON.stringify(greeting)} } });
app.synth();
`,
  );
}

/** `npx sandbox-kit ...args` in the project, as its user would run it; with a TMPDIR of its own. */
function sandboxKit(...args: string[]): { status: number; output: string } {
  progress(`(installed app) npx sandbox-kit ${args.join(' ')}`);
  const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TMPDIR: path.join(dir, 'tmp') };
  const result = spawnSync('npx', ['sandbox-kit', ...args], { cwd: app, encoding: 'utf8', env, timeout: 300_000 });
  const output = `${result.stdout}${result.stderr}`;
  progress(output);
  return { status: result.status ?? -1, output };
}

beforeAll(async () => {
  dir = makeTempDir('k8s-sandbox-installed-e2e-');
  app = installedKitApp(dir);
  fs.mkdirSync(path.join(dir, 'tmp'));
  kubectlOk(['create', 'namespace', NAMESPACE]);
  await eventually(
    `ServiceAccount default in ${NAMESPACE}`,
    () => kubectlOk(['get', 'serviceaccount', 'default', '-n', NAMESPACE]),
    60_000,
  );
}, 600_000);

afterAll(() => {
  if (dir !== undefined) {
    removeTempDir(dir);
  }
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

test('npx sandbox-kit apply --dry-run, apply, then --dry-run again: a preview, a deploy, no changes', () => {
  writeApp('hello');
  expect(sandboxKit('synth').status).toBe(0);

  const preview = sandboxKit('apply', '--dry-run', '-n', NAMESPACE);
  expect(preview.output).toContain(
    `preview of release k8s-sandbox in namespace ${NAMESPACE}: 1 to create, 0 to change, 0 to prune\n` +
      `  + ConfigMap/${NAMESPACE}/settings: create\n`,
  );
  expect(preview.output).toContain('dry run: nothing was changed');
  expect(preview.status).toBe(1);
  expect(kubectl(['get', 'configmap', 'settings', '-n', NAMESPACE]).status).not.toBe(0);

  const deployed = sandboxKit('apply', '-n', NAMESPACE);
  expect(deployed.output).toMatch(/deploying 1 objects of dist as release k8s-sandbox/);
  expect(deployed.status).toBe(0);
  expect(getJson(['configmap', 'settings', '-n', NAMESPACE]).data).toEqual({ greeting: 'hello' });

  const again = sandboxKit('apply', '--dry-run', '-n', NAMESPACE);
  expect(again.output).toContain('no changes: the cluster already holds what dist holds');
  expect(again.status).toBe(0);

  writeApp('hello, world');
  expect(sandboxKit('synth').status).toBe(0);
  const changed = sandboxKit('apply', '--dry-run', '-n', NAMESPACE);
  expect(changed.output).toContain(
    `  ~ ConfigMap/${NAMESPACE}/settings: change\n      data.greeting: hello -> "hello, world"\n`,
  );
  expect(changed.status).toBe(1);
  expect(getJson(['configmap', 'settings', '-n', NAMESPACE]).data).toEqual({ greeting: 'hello' });
});
