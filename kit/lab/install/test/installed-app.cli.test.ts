// Any cdk8s app can use the kit: a fresh `cdk8s init typescript-app` project with the kit packed
// and installed from its tarball, its plugin named in cdk8s.yaml (kit/lab/install/installed-app.ts,
// the steps of kit/README.md), runs the kit as this repository does:
//   - `cdk8s synth` runs the kit's gates: a clean app passes; an object the API server refuses
//     fails the synth with its construct path and the API server's words;
//   - `npx sandbox-kit synth`, `check` and `diff` work there as `npm run synth`, `check` and
//     `diff` do here.
// The app command stays the template's (`npx ts-node main.ts`), type checking aside
// (TS_NODE_TRANSPILE_ONLY): the app's types are its own business, not the kit's.
// Needs kube-rules, kubeconform and kube-score built (npm run test:check's lane builds them), and
// npm's cache or registry for the packages the template lacks. `sandbox-kit apply` needs a
// cluster: kit/lab/e2e/installed-app.test.ts previews and deploys there.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../../pkg/common/temp-dir';
import { installedKitApp } from '../installed-app';

jest.setTimeout(180_000);

let dir: string;
let app: string;
beforeAll(() => {
  dir = makeTempDir('k8s-sandbox-installed-kit-');
  app = installedKitApp(dir);
  fs.mkdirSync(path.join(dir, 'tmp'));
}, 600_000);
afterAll(() => removeTempDir(dir));

interface Web {
  /** The web container's port. */
  readonly containerPort?: number;
  /** The Deployment's selector label `app`; its pods are labelled `app: web`. */
  readonly selects?: string;
  readonly image?: string;
  readonly greeting?: string;
}

/**
 * The project's main.ts: the template's chart with a ConfigMap, and a Deployment and its
 * NetworkPolicy that meet Pod Security "restricted" and kube-score's checks (with `web`'s defaults).
 */
function writeApp({
  containerPort = 8080,
  selects = 'web',
  image = 'nginxinc/nginx-unprivileged:1.27.3',
  greeting = 'hello',
}: Web = {}): void {
  const limits =
    "{ cpu: Quantity.fromString('100m'), memory: Quantity.fromString('64Mi'), 'ephemeral-storage': Quantity.fromString('64Mi') }";
  fs.writeFileSync(
    path.join(app, 'main.ts'),
    `import { Construct } from 'constructs';
import { App, Chart, ChartProps } from 'cdk8s';
import { IntOrString, KubeConfigMap, KubeDeployment, KubeNetworkPolicy, Quantity } from './imports/k8s';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const labels = { app: 'web' };
    new KubeConfigMap(this, 'settings', { data: { greeting: ${JSON.stringify(greeting)} } });
    new KubeDeployment(this, 'web', {
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: ${JSON.stringify(selects)} } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'web',
              image: ${JSON.stringify(image)},
              imagePullPolicy: 'Always',
              ports: [{ containerPort: ${containerPort} }],
              resources: { requests: ${limits}, limits: ${limits} },
              readinessProbe: { httpGet: { path: '/', port: IntOrString.fromNumber(8080) } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    });
    new KubeNetworkPolicy(this, 'web-ingress', {
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: IntOrString.fromNumber(8080) }] }] },
    });
  }
}

const app = new App();
new MyChart(app, 'cdk8s-app');
app.synth();
`,
  );
}

/**
 * Runs `command` in the project, as its user would from a shell there; with a TMPDIR of its own,
 * removed with the project (the template's tools leave caches there, v8-compile-cache's for one).
 */
function inApp(command: string, args: readonly string[]) {
  const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TMPDIR: path.join(dir, 'tmp') };
  const result = spawnSync(command, args, { cwd: app, encoding: 'utf8', env });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

/** `npx cdk8s synth`, without its check for a newer cdk8s-cli (which asks the registry). */
const cdk8sSynth = (...args: string[]) => inApp('npx', ['cdk8s', 'synth', '--check-upgrade=false', ...args]);
const sandboxKit = (...args: string[]) => inApp('npx', ['sandbox-kit', ...args]);

describe('a fresh cdk8s app with the kit installed from its tarball', () => {
  test("cdk8s synth of a clean app runs the kit's gates, which pass", () => {
    writeApp();
    const result = cdk8sSynth();
    expect(result.output).toContain(`Validation Report (${path.join(app, 'node_modules/k8s-sandbox-kit')}@0.1.0)`);
    expect(result.output).toContain('Validations ended succesfully'); // cdk8s-cli's spelling
    expect(result.status).toBe(0);
    // The plugin removed the construct paths' file, which kubectl apply -f dist would refuse.
    expect(fs.readdirSync(path.join(app, 'dist'))).toEqual(['cdk8s-app.k8s.yaml']);
    // The plugin's TypeScript loader keeps its caches in the project's node_modules.
    expect(fs.readdirSync(path.join(app, 'node_modules/.cache/ts-register')).length).toBeGreaterThan(0);
  });

  test.each([
    [
      'a container port out of range',
      { containerPort: 70000 },
      'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    [
      'a Deployment whose selector does not match its pods',
      { selects: 'other' },
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ],
  ])("%s fails cdk8s synth, under the construct's path, in the API server's words", (_, web, message) => {
    writeApp(web);
    const result = cdk8sSynth();
    expect(result.output).toMatch(/api-server: Deployment\/cdk8s-app-web-\w+ \(1 occurrences\)/);
    expect(result.output).toContain('- Construct Path: cdk8s-app/web');
    expect(result.output).toContain(`Recommendation: ${message}`);
    expect(result.output).toContain('Validation failed. See above reports for details');
    expect(result.status).toBe(2);
  });

  test('npx sandbox-kit synth, then npx sandbox-kit check: every gate passes on the clean app', () => {
    writeApp();
    fs.rmSync(path.join(app, 'dist'), { recursive: true, force: true }); // cdk8s synth's, not the kit's
    const synth = sandboxKit('synth');
    expect(synth.status).toBe(0);
    const check = sandboxKit('check');
    expect(check.stderr).toMatch(/^check: 3 objects in 1 files of dist$/m);
    for (const gate of [
      'read',
      'pod-security',
      'api-server 1.34',
      'kubectl-apply',
      'schema 1.27.0',
      'schema 1.34',
      'kube-score',
    ]) {
      expect(check.stderr).toMatch(new RegExp(`^check: ${gate}[^\\n]*: ok`, 'm'));
    }
    expect(check.stderr).toContain('check: all gates pass');
    expect(check.status).toBe(0);
  });

  test("npx sandbox-kit check of what the gates would refuse (synth --no-validate): the API server's finding, exit 1", () => {
    writeApp({ containerPort: 70000 });
    expect(sandboxKit('synth', '--no-validate').status).toBe(0);
    const check = sandboxKit('check');
    expect(check.stdout).toMatch(
      /spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive/,
    );
    expect(check.status).toBe(1);
  });

  test('npx sandbox-kit diff: a change of the app against its last commit, field by field', () => {
    writeApp();
    const git = (...args: string[]) => {
      const result = inApp('git', ['-c', 'user.name=kit test', '-c', 'user.email=kit@test.invalid', ...args]);
      expect(result.status).toBe(0);
    };
    git('init', '--quiet', '--initial-branch=main');
    git('add', '--all');
    git('commit', '--quiet', '--message', 'the app');
    writeApp({ greeting: 'hello, world', image: 'nginxinc/nginx-unprivileged:1.27.4' });
    expect(sandboxKit('synth').status).toBe(0);
    const diff = sandboxKit('diff');
    expect(diff.stdout).toMatch(/^Manifest changes, merge base with main \(\w+, which is HEAD\) -> dist$/m);
    expect(diff.stdout).toMatch(/^~ ConfigMap\/cdk8s-app-settings-\w+\n {4}data\.greeting: hello -> "hello, world"$/m);
    expect(diff.stdout).toContain(
      'spec.template.spec.containers[name=web].image: nginxinc/nginx-unprivileged:1.27.3 -> nginxinc/nginx-unprivileged:1.27.4\n' +
        '      ! risky: new image: the containers restart with different software',
    );
    expect(diff.status).toBe(0);
  });
});
