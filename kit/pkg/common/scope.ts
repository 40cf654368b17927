// Where `kubectl apply` puts an object: the namespace it names, else the namespace applied to
// (`-n`, the context's, or `default`), or no namespace at all for a cluster-scoped kind, whose
// namespace the API server clears (rest.BeforeCreate; kubectl sends it to the cluster-scoped path,
// cli-runtime's Helper.NamespaceIfScoped). Two objects are one object exactly when their group,
// kind, placed namespace and name are equal. The scope of each built-in kind is Kubernetes'
// answer, kube-scopes.json (written by kube-scopes.ts from kube-rules); a custom kind's is what
// its CustomResourceDefinition among the objects declares (spec.scope).
import KUBE_SCOPES from './kube-scopes.json';
import { type KubeObject, type ObjectId, getPath, groupKind, idKey, objectId } from './kube';

export type Scope = 'Namespaced' | 'Cluster';

/** The namespace kubectl applies an object to when it names none and no `-n` says otherwise. */
export const DEFAULT_NAMESPACE = 'default';

/** The scope of each custom kind, by `Kind.group`, as its CustomResourceDefinition declares it. */
export type DeclaredScopes = ReadonlyMap<string, Scope>;

/** The scopes that the CustomResourceDefinitions among `objects` declare for their kinds. */
export function declaredScopes(objects: Iterable<KubeObject>): DeclaredScopes {
  const scopes = new Map<string, Scope>();
  for (const object of objects) {
    const id = objectId(object);
    if (id.group !== 'apiextensions.k8s.io' || id.kind !== 'CustomResourceDefinition') {
      continue;
    }
    const [group, kind, scope] = [
      getPath(object, 'spec', 'group'),
      getPath(object, 'spec', 'names', 'kind'),
      getPath(object, 'spec', 'scope'),
    ];
    if (typeof group === 'string' && typeof kind === 'string' && (scope === 'Namespaced' || scope === 'Cluster')) {
      scopes.set(groupKind({ group, kind, namespace: '', name: '' }), scope);
    }
  }
  return scopes;
}

const BUILT_IN: Readonly<Record<string, string>> = KUBE_SCOPES.scopes;

/**
 * The scope of the kind `group`/`kind`: a CustomResourceDefinition's in `declared`, else the
 * built-in kind's; undefined for a kind neither knows (a custom resource whose definition is
 * not among the objects, or a kind of an aggregated API).
 */
export function kindScope(group: string, kind: string, declared: DeclaredScopes = new Map()): Scope | undefined {
  const key = groupKind({ group, kind, namespace: '', name: '' });
  const scope = declared.get(key) ?? BUILT_IN[key];
  return scope === 'Namespaced' || scope === 'Cluster' ? scope : undefined;
}

/**
 * The namespace an object of `group`/`kind` that names `namespace` (or none) lands in when it is
 * applied to `applyNamespace`: '' for a cluster-scoped kind. A kind of unknown scope is taken as
 * namespaced, as most custom kinds are; kubectl would ask the cluster's discovery.
 */
export function placedNamespace(
  group: string,
  kind: string,
  namespace: string | undefined,
  applyNamespace: string,
  declared?: DeclaredScopes,
): string {
  return kindScope(group, kind, declared) === 'Cluster' ? '' : namespace || applyNamespace;
}

/** `objectId(object)` with the namespace the object lands in when applied to `applyNamespace`. */
export function placedId(object: KubeObject, applyNamespace: string, declared?: DeclaredScopes): ObjectId {
  const id = objectId(object);
  return { ...id, namespace: placedNamespace(id.group, id.kind, id.namespace, applyNamespace, declared) };
}

/** A key equal exactly when two objects are one object once applied to `applyNamespace`. */
export function placedKey(object: KubeObject, applyNamespace = DEFAULT_NAMESPACE, declared?: DeclaredScopes): string {
  return idKey(placedId(object, applyNamespace, declared));
}
