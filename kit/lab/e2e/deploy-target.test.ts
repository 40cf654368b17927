// Where `npm run apply` puts objects, on a real API server: where `kubectl apply -f` puts them.
// A kubeconfig with two contexts whose namespaces differ, and a manifest fixture holding one
// object without a namespace and one with its own (as a cdk8s chart with `namespace` writes
// it): --context, --kubeconfig, KUBECONFIG and -n each send the first where kubectl would, the
// second always to its own namespace. Needs no container, so it runs on the kwok cluster.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { kubectlSync } from '../../pkg/common/kubectl';
import { getJson, kubectl, kubectlOk, progress } from './kube';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-target`;
const [TEAM_A, TEAM_B, OWN, FLAG] = ['a', 'b', 'own', 'flag'].map((n) => `${BASE}-${n}`) as [
  string,
  string,
  string,
  string,
];
const work = makeTempDir('k8s-sandbox-deploy-target-');
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
    expect(kubectlSync(args, { env }).status).toBe(0);
  }
  expect(kubectlSync(['config', 'use-context', 'team-a'], { env }).status).toBe(0);
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
  removeTempDir(work);
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

test('a namespace deployed by the old ApplySet: taken over, its dropped object pruned, the hand-made one kept', () => {
  const namespace = `${BASE}-applyset`;
  const old = path.join(work, 'old');
  mkdirSync(old);
  writeFileSync(
    path.join(old, 'old.k8s.yaml'),
    ['kept', 'dropped'].map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`).join('---\n'),
  );
  kubectlOk(['create', 'namespace', namespace]);
  try {
    // What `npm run apply` was before Helm.
    const applied = kubectlSync(['apply', '--prune', '--applyset=k8s-sandbox', '-f', old, '-n', namespace], {
      env: { ...process.env, KUBECTL_APPLYSET: 'true' },
    });
    expect(`${applied.status} ${applied.stderr}`).toBe('0 ');
    kubectlOk(['create', 'configmap', 'hand-made', '-n', namespace]);
    const hand = getJson(['configmap', 'hand-made', '-n', namespace]).metadata.uid;
    const next = path.join(work, 'next');
    mkdirSync(next);
    writeFileSync(path.join(next, 'next.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\n');

    const output = deploy(next, {}, '-n', namespace);
    expect(output).toContain(
      `moving from the kubectl ApplySet k8s-sandbox in ${namespace} to Helm release k8s-sandbox`,
    );
    expect(output).toContain(
      `ConfigMap/${namespace}/dropped: pruned (in the old ApplySet, no longer in the manifests)`,
    );
    const names = getJson(['configmaps', '-n', namespace]).items.map(
      (o: { metadata: { name: string } }) => o.metadata.name,
    );
    expect(names.filter((n: string) => n !== 'kube-root-ca.crt').sort()).toEqual(['hand-made', 'kept']);
    expect(getJson(['configmap', 'hand-made', '-n', namespace]).metadata.uid).toBe(hand);
    expect(getJson(['configmap', 'kept', '-n', namespace]).metadata.annotations['meta.helm.sh/release-name']).toBe(
      'k8s-sandbox',
    );
    expect(kubectl(['get', 'secret', 'k8s-sandbox', '-n', namespace]).status).not.toBe(0);
  } finally {
    kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  }
});
