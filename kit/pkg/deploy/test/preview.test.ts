// The preview's plan and its printed form, from fixtures shaped as `kubectl diff --server-side`
// hands its two sides over (live objects as stored, merged ones as the dry run returns them:
// generation moved on, managedFields left out, Secret values masked by kubectl) and the
// release's objects the manifests dropped. The real kubectl diff against a real API server runs in
// kit/lab/e2e/preview.test.ts.
import { parse } from 'yaml';
import type { KubeObject } from '../../common/kube';
import { formatPlan, planChanges } from '../preview';

const deployment = (replicas: number, generation: number): KubeObject =>
  parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  namespace: team-a
  generation: ${generation}
  resourceVersion: "${100 + generation}"
  uid: 3f0c
  creationTimestamp: "2026-12-02T01:00:00Z"
  labels: {app.kubernetes.io/managed-by: Helm}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: "nginx:1.14.2"}]}
status: {replicas: 2, readyReplicas: ${generation}}
`);

const configMap = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'team-a', annotations },
  data: { owner: 'the chart' },
});

test('a replicas change: the one field, without the generation, status or server metadata that move with it', () => {
  const plan = planChanges([deployment(2, 1)], [deployment(3, 2)], []);
  expect(formatPlan(plan, 'dist')).toEqual([
    '0 to create, 1 to change, 0 to prune',
    '  ~ Deployment/team-a/nginx-deployment: change',
    '      spec.replicas: 2 -> 3',
  ]);
});

test('nothing differs: no changes, so a dry run exits 0', () => {
  const plan = planChanges([deployment(2, 1), configMap('a')], [configMap('a'), deployment(2, 1)], []);
  expect(plan.changes).toEqual([]);
  expect(formatPlan(plan, 'dist')).toEqual(['no changes: the cluster already holds what dist holds']);
});

test('created, changed and pruned, in that order, each object named as kubectl names it', () => {
  const plan = planChanges(
    [deployment(2, 1)],
    [configMap('new'), deployment(3, 2)],
    [{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'nginx-pdb', namespace: 'team-a' } }],
  );
  expect(formatPlan(plan, 'dist')).toEqual([
    '1 to create, 1 to change, 1 to prune',
    '  + ConfigMap/team-a/new: create',
    '  ~ Deployment/team-a/nginx-deployment: change',
    '      spec.replicas: 2 -> 3',
    '  - PodDisruptionBudget/team-a/nginx-pdb: prune (in the release, no longer in the manifests)',
  ]);
});

test("Secret values stay masked: kubectl's marks are shown, and the client-side apply annotation is hidden", () => {
  const secret = (password: string, annotations: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', namespace: 'team-a', annotations },
    data: { password, user: '***' },
  });
  const lastApplied = '{"data":{"password":"aHVudGVyMg=="}}';
  const plan = planChanges(
    [secret('*** (before)', { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied })],
    [secret('*** (after)', {})],
    [],
  );
  const lines = formatPlan(plan, 'dist');
  expect(lines).toEqual([
    '0 to create, 1 to change, 0 to prune',
    '  ~ Secret/team-a/creds: change',
    '      data.password: "*** (before)" -> "*** (after)"',
    '      metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]: "***" -> (none)',
  ]);
  expect(lines.join('\n')).not.toContain('aHVudGVyMg');
});

test("an object Helm's resource policy keeps is a note, not a prune", () => {
  const plan = planChanges([], [], [configMap('kept', { 'helm.sh/resource-policy': 'keep' })]);
  expect(plan.changes).toEqual([]);
  expect(formatPlan(plan, 'dist')).toEqual([
    'no changes: the cluster already holds what dist holds',
    '  note: ConfigMap/team-a/kept: kept (helm.sh/resource-policy: keep), though the manifests no longer hold it',
  ]);
});

test('a field added and one removed read as from (none) and to (none)', () => {
  const before = configMap('a');
  const after = { ...configMap('a'), data: { mode: 'fast' } };
  expect(formatPlan(planChanges([before], [after], []), 'dist').slice(2)).toEqual([
    '      data.mode: (none) -> fast',
    '      data.owner: "the chart" -> (none)',
  ]);
});
