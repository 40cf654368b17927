// Where `npm run apply` puts objects, on a real API server: where `kubectl apply -f` puts them.
// A kubeconfig with two contexts whose namespaces differ, and a manifest fixture holding one
// object without a namespace and one with its own (as a cdk8s chart with `namespace` writes
// it): --context, --kubeconfig, KUBECONFIG and -n each send the first where kubectl would, the
// second always to its own namespace. Needs no container, so it runs on the kwok cluster.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { getJson, kubectl, kubectlOk, progress } from './kube';

const ROOT = path.resolve(__dirname, '../..');
const BASE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-target`;
const [TEAM_A, TEAM_B, OWN, FLAG] = ['a', 'b', 'own', 'flag'].map((n) => `${BASE}-${n}`) as [
  string,
  string,
  string,
  string,
];
const work = mkdtempSync(path.join(tmpdir(), 'k8s-sandbox-deploy-target-'));
const KUBECONFIG = path.join(work, 'kubeconfig');
/** One object without a namespace, one with its own. */
const FIXTURE = path.join(work, 'manifests');
/** Only the first: a second release may not take the first one's object (Helm refuses, README). */
const PLAIN = path.join(work, 'plain');

function deploy(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  progress(`$ npm run apply -- ${dir} ${args.join(' ')}`);
  const result = spawnSync('npm', ['run', '-s', 'apply', '--', dir, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) {
    throw new Error(`npm run apply exited ${result.status}:\n${output}`);
  }
  return output;
}

/** The namespaces holding a ConfigMap `name` of this test. */
function whereIs(name: string): string[] {
  return getJson(['configmaps', '-A', '--field-selector', `metadata.name=${name}`])
    .items.map((o: { metadata: { namespace: string } }) => o.metadata.namespace)
    .filter((ns: string) => ns.startsWith(BASE))
    .sort();
}

beforeAll(() => {
  for (const namespace of [TEAM_A, TEAM_B, OWN, FLAG]) {
    kubectlOk(['create', 'namespace', namespace]);
  }
  writeFileSync(KUBECONFIG, kubectlOk(['config', 'view', '--raw']), { mode: 0o600 });
  const env = { ...process.env, KUBECONFIG };
  const [cluster, user] = ['cluster', 'user'].map((field) =>
    kubectlOk(['config', 'view', '--minify', '-o', `jsonpath={.contexts[0].context.${field}}`]),
  );
  for (const [name, namespace] of [
    ['team-a', TEAM_A],
    ['team-b', TEAM_B],
  ]) {
    const args = [
      'config',
      'set-context',
      `${name}`,
      `--cluster=${cluster}`,
      `--user=${user}`,
      `--namespace=${namespace}`,
    ];
    expect(spawnSync('kubectl', args, { env }).status).toBe(0);
  }
  expect(spawnSync('kubectl', ['config', 'use-context', 'team-a'], { env }).status).toBe(0);
  const plain = `apiVersion: v1
kind: ConfigMap
metadata: {name: no-namespace}
data: {owner: the target}
`;
  mkdirSync(PLAIN);
  writeFileSync(path.join(PLAIN, 'chart.k8s.yaml'), plain);
  mkdirSync(FIXTURE);
  writeFileSync(
    path.join(FIXTURE, 'chart.k8s.yaml'),
    `${plain}---
apiVersion: v1
kind: ConfigMap
metadata: {name: own-namespace, namespace: ${OWN}}
data: {owner: the chart}
`,
  );
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const namespace of [TEAM_A, TEAM_B, OWN, FLAG]) {
    kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  }
});

test("KUBECONFIG's current context: its namespace; an object's own namespace: there", () => {
  const output = deploy(FIXTURE, { KUBECONFIG });
  expect(output).toContain(`in namespace ${TEAM_A}`);
  expect(whereIs('no-namespace')).toEqual([TEAM_A]);
  expect(whereIs('own-namespace')).toEqual([OWN]);
});

test("--context: that context's namespace, not the current one's", () => {
  deploy(PLAIN, { KUBECONFIG }, '--context', 'team-b');
  expect(whereIs('no-namespace')).toEqual([TEAM_A, TEAM_B]);
});

test('--kubeconfig with --context, and -n over the context', () => {
  deploy(PLAIN, { KUBECONFIG: '' }, '--kubeconfig', KUBECONFIG, '--context', 'team-b', '-n', FLAG);
  expect(whereIs('no-namespace')).toEqual([TEAM_A, TEAM_B, FLAG].sort());
  expect(whereIs('own-namespace')).toEqual([OWN]);
});
