// The preview of `npm run apply` (kit/pkg/deploy/preview.ts) on a real API server, as a user meets
// it: `npm run apply -- --dry-run DIR` after a deploy of DIR says "no changes" (exit 0), so its
// dry run is the apply Helm makes; a replicas change and a Secret's new value are shown field by
// field, the Secret masked (exit 1); an object dropped from DIR is listed as pruned; a change the
// API server refuses exits 2 with its reason; --confirm answered "n" deploys nothing. After each
// of these the release has no new revision and no object a new resourceVersion. A deploy prints
// the same preview before it acts. Needs no container, so it runs on the kwok cluster.
// The same preview from another cdk8s app that installs the kit: installed-app.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventually, getJson, kubectl, kubectlOk, progress } from './kube';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';

const ROOT = path.resolve(__dirname, '../../..');
const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-preview`;
const work = makeTempDir('k8s-sandbox-preview-');

interface Fixture {
  readonly replicas?: number;
  readonly password?: string;
  readonly settings?: boolean;
  readonly selector?: string;
}

/** A folder of manifests: a Deployment, a Secret and (unless dropped) a ConfigMap. */
function fixture(
  name: string,
  { replicas = 2, password = 'first-password', settings = true, selector = 'web' }: Fixture,
) {
  const dir = path.join(work, name);
  mkdirSync(dir);
  const objects = [
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${selector}}}
  template:
    metadata: {labels: {app: ${selector}}}
    spec: {containers: [{name: web, image: "nginx:1.14.2"}]}
`,
    `apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: ${password}}
`,
    ...(settings ? ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n'] : []),
  ];
  writeFileSync(path.join(dir, 'app.k8s.yaml'), objects.join('---\n'));
  return dir;
}

function apply(...args: string[]): { status: number; output: string } {
  progress(`$ npm run apply -- ${args.join(' ')} -n ${NAMESPACE}`);
  const result = spawnSync('npm', ['run', '-s', 'apply', '--', ...args, '-n', NAMESPACE], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  progress(output);
  return { status: result.status ?? -1, output };
}

/** What a dry run must leave as it was: the release's revisions and every object's resourceVersion. */
function clusterState(): { history: string; versions: Record<string, string> } {
  const history = apply('history');
  expect(history.status).toBe(0);
  const objects = getJson(['deployments.apps,replicasets.apps,configmaps,secrets', '-n', NAMESPACE]).items as {
    kind: string;
    metadata: { name: string; resourceVersion: string };
  }[];
  return {
    history: history.output,
    versions: Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion])),
  };
}

let first: string;
let before: ReturnType<typeof clusterState>;

beforeAll(async () => {
  kubectlOk(['create', 'namespace', NAMESPACE]);
  await eventually(
    `ServiceAccount default in ${NAMESPACE}`,
    () => kubectlOk(['get', 'serviceaccount', 'default', '-n', NAMESPACE]),
    60_000,
  );
  first = fixture('first', {});
  const deployed = apply(first);
  expect(deployed.status).toBe(0);
  // Every deploy shows the preview before it acts.
  expect(deployed.output).toMatch(
    new RegExp(
      `preview of release k8s-sandbox in namespace ${NAMESPACE}: 3 to create, 0 to change, 0 to prune\n` +
        `  \\+ ConfigMap/${NAMESPACE}/settings: create\n` +
        `  \\+ Deployment/${NAMESPACE}/web: create\n` +
        `  \\+ Secret/${NAMESPACE}/creds: create\n` +
        `.*deploying 3 objects`,
    ),
  );
  before = clusterState();
});

afterAll(() => {
  removeTempDir(work);
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

test('preview: what was just deployed is no change (exit 0): the dry run applies as Helm does', () => {
  const result = apply('--dry-run', first);
  expect(result.output).toContain(`no changes: the cluster already holds what ${first} holds`);
  expect(result.status).toBe(0);
  expect(clusterState()).toEqual(before);
});

test('preview: a replicas change and a new Secret value are shown, the value masked; the cluster is untouched', () => {
  const result = apply('--dry-run', fixture('scaled', { replicas: 3, password: 'second-password' }));
  expect(result.output).toContain('0 to create, 2 to change, 0 to prune');
  expect(result.output).toContain(`  ~ Deployment/${NAMESPACE}/web: change\n      spec.replicas: 2 -> 3\n`);
  expect(result.output).toContain(
    `  ~ Secret/${NAMESPACE}/creds: change\n      data.password: "*** (before)" -> "*** (after)"\n`,
  );
  for (const secret of ['first-password', 'second-password']) {
    expect(result.output).not.toContain(secret);
    expect(result.output).not.toContain(Buffer.from(secret).toString('base64'));
  }
  expect(result.output).toContain('dry run: nothing was changed');
  expect(result.status).toBe(1);
  expect(clusterState()).toEqual(before);
  expect(getJson(['deployment', 'web', '-n', NAMESPACE]).spec.replicas).toBe(2);
});

test('preview: an object no longer in the manifests is listed as pruned; the cluster keeps it', () => {
  const result = apply('--dry-run', fixture('dropped', { settings: false }));
  expect(result.output).toContain('0 to create, 0 to change, 1 to prune');
  expect(result.output).toContain(
    `  - ConfigMap/${NAMESPACE}/settings: prune (in the release, no longer in the manifests)`,
  );
  expect(result.status).toBe(1);
  expect(clusterState()).toEqual(before);
});

test("preview: a change the API server refuses exits 2 with the server's reason", () => {
  const result = apply('--dry-run', fixture('reselected', { selector: 'other' }));
  expect(result.output).toMatch(/preview FAILED \(nothing was changed\): [\s\S]*field is immutable/);
  expect(result.status).toBe(2);
  expect(clusterState()).toEqual(before);
});

test('preview: --confirm in a terminal asks after the preview, and anything but yes deploys nothing', () => {
  // `script` gives the command a terminal, as a user at a shell has; it types "n".
  const command = `npm run -s apply -- ${fixture('unconfirmed', { replicas: 3 })} --confirm -n ${NAMESPACE}`;
  progress(`$ ${command} (answering n)`);
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    input: 'n\n',
    timeout: 180_000,
  });
  progress(result.stdout);
  expect(result.stdout).toMatch(/spec\.replicas: 2 -> 3[\s\S]*deploy these changes\? \[y\/N\]/);
  expect(result.stdout).toContain('not deployed: not confirmed; nothing was changed');
  expect(result.status).toBe(1);
  expect(clusterState()).toEqual(before);
});

test('preview: a deploy prints the change before it acts, then makes it', () => {
  const result = apply(fixture('deployed', { replicas: 3 }));
  expect(result.status).toBe(0);
  const shown = result.output.indexOf('      spec.replicas: 2 -> 3');
  expect(shown).toBeGreaterThan(-1);
  expect(shown).toBeLessThan(result.output.indexOf('deploying 3 objects'));
  expect(getJson(['deployment', 'web', '-n', NAMESPACE]).spec.replicas).toBe(3);
});
