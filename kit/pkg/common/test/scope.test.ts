// Where kubectl apply puts an object: the scope of its kind (Kubernetes' table, or the app's own
// CustomResourceDefinition), its namespace, else the namespace applied to.
import { declaredScopes, kindScope, placedId, placedNamespace } from '../scope';
import type { KubeObject } from '../kube';

const crd = (kind: string, scope: unknown): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.example.com` },
  spec: { group: 'example.com', names: { kind, plural: `${kind.toLowerCase()}s` }, scope },
});

test("built-in kinds have Kubernetes' scope, by group and kind", () => {
  expect(kindScope('rbac.authorization.k8s.io', 'ClusterRole')).toBe('Cluster');
  expect(kindScope('rbac.authorization.k8s.io', 'Role')).toBe('Namespaced');
  expect(kindScope('', 'Namespace')).toBe('Cluster');
  expect(kindScope('', 'Pod')).toBe('Namespaced');
  expect(kindScope('apiextensions.k8s.io', 'CustomResourceDefinition')).toBe('Cluster');
  // The group counts: events.k8s.io's Event is namespaced; no core ClusterRole exists.
  expect(kindScope('', 'ClusterRole')).toBeUndefined();
});

test("a custom kind's scope is its CustomResourceDefinition's spec.scope; another value declares nothing", () => {
  const declared = declaredScopes([crd('Widget', 'Cluster'), crd('Gadget', 'Namespaced'), crd('Gizmo', 'cluster')]);
  expect([...declared]).toEqual([
    ['Widget.example.com', 'Cluster'],
    ['Gadget.example.com', 'Namespaced'],
  ]);
  expect(kindScope('example.com', 'Widget', declared)).toBe('Cluster');
  expect(kindScope('example.com', 'Gizmo', declared)).toBeUndefined();
});

test('the placed namespace: its own, else the one applied to; none for a cluster-scoped kind', () => {
  expect(placedNamespace('apps', 'Deployment', undefined, 'default')).toBe('default');
  expect(placedNamespace('apps', 'Deployment', '', 'sandbox')).toBe('sandbox');
  expect(placedNamespace('apps', 'Deployment', 'one', 'sandbox')).toBe('one');
  expect(placedNamespace('rbac.authorization.k8s.io', 'ClusterRole', 'one', 'sandbox')).toBe('');
  // Unknown scope: taken as namespaced, as most custom kinds are.
  expect(placedNamespace('example.com', 'Widget', undefined, 'default')).toBe('default');
  expect(placedNamespace('example.com', 'Widget', 'one', 'default', declaredScopes([crd('Widget', 'Cluster')]))).toBe(
    '',
  );
  expect(
    placedId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'one', namespace: 'x' } }, 'default'),
  ).toEqual({ group: '', kind: 'Namespace', namespace: '', name: 'one' });
});
