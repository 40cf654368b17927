// The semantic manifest diff behind `npm run diff`: a pure function from two lists of parsed
// objects to what was added, removed and changed, field by field, with each change that
// `kubectl apply` cannot make in place, or that is risky, flagged and explained.
//
// Objects are matched by group/kind/namespace/name, whatever file or order they come in, the
// namespace being where kubectl puts the object when it applies to `default` (common/scope.ts): no
// namespace is `default`, and a cluster-scoped object has none whatever its manifest says. List
// items are matched by a merge key such as `name` where every item has one, so reordering alone
// is no change.
import { isDeepStrictEqual } from 'node:util';
import {
  type KubeObject,
  type ObjectId,
  compareIds,
  compareStrings,
  displayId,
  getPath,
  groupKind,
  idKey,
  isRecord,
  objectId,
  POD_SPEC_PATHS,
  podTemplate,
  selectedOwners,
} from '../common/kube';
import { type Segment, formatPath } from '../common/field-path';
import { DEFAULT_NAMESPACE, type DeclaredScopes, declaredScopes, placedId, placedKey } from '../common/scope';

/** Why a change deserves a reviewer's attention. */
export interface Flag {
  /** `immutable`: `kubectl apply` cannot make the change in place. `risky`: it can, but mind it. */
  readonly level: 'immutable' | 'risky';
  readonly reason: string;
  /** The command that makes the change anyway, e.g. `kubectl delete pod/x && npm run apply`. */
  readonly remedy?: string;
}

/** One field that differs. `before` or `after` is undefined when the field was added or removed. */
export interface FieldChange {
  readonly path: readonly Segment[];
  readonly before: unknown;
  readonly after: unknown;
  readonly flags: readonly Flag[];
}

/** One object that was added, removed or changed. */
export interface ObjectChange {
  readonly id: ObjectId;
  readonly change: 'added' | 'removed' | 'changed';
  /** Flags on the object as a whole (removed, replaced, selects no pods). */
  readonly flags: readonly Flag[];
  /** For a changed object, its changed fields (maybe none if only an object-level flag is new). */
  readonly fields: readonly FieldChange[];
}

/** Every object that differs, sorted by kind, namespace and name. */
export interface ManifestDiff {
  readonly objects: readonly ObjectChange[];
}

/**
 * Compares the objects before and after; both lists may be in any order. A Secret's values are
 * masked first (maskSecrets), so no value of one reaches the diff.
 */
export function diffManifests(
  unmaskedBefore: readonly KubeObject[],
  unmaskedAfter: readonly KubeObject[],
): ManifestDiff {
  const { before, after } = maskSecrets(unmaskedBefore, unmaskedAfter);
  // A CustomResourceDefinition's scope cannot change: either side's says where its objects live.
  const declared = declaredScopes([...before, ...after]);
  const beforeById = indexById(before, 'before', declared);
  const afterById = indexById(after, 'after', declared);
  const objects: ObjectChange[] = [];

  for (const [key, old] of beforeById) {
    const current = afterById.get(key);
    if (current === undefined) {
      const id = objectId(old);
      objects.push({ id, change: 'removed', flags: [removedFlag(id, old)], fields: [] });
      continue;
    }
    const id = objectId(current);
    // Matched, their namespaces are one (none and `default`, or any on a cluster-scoped object).
    const fields = diffValues(withoutNamespace(old), withoutNamespace(current)).map((raw) => ({
      ...raw,
      flags: fieldFlags(id, raw, old),
    }));
    const flags = [
      ...endpointFlags(old, current, before, after),
      ...nodePortFlags(current, before, after),
      ...(denyAllEgress(old) ? [] : denyAllEgressFlags(current, before, after)),
    ];
    if (fields.length > 0 || flags.length > 0) {
      objects.push({ id, change: 'changed', flags, fields });
    }
  }
  for (const [key, current] of afterById) {
    if (!beforeById.has(key)) {
      const id = objectId(current);
      const flags = [
        ...addedFlags(current, before, after, declared),
        ...nodePortFlags(current, before, after),
        ...denyAllEgressFlags(current, before, after),
      ];
      objects.push({ id, change: 'added', flags, fields: [] });
    }
  }
  return { objects: objects.sort((a, b) => compareIds(a.id, b.id)) };
}

/** kubectl diff's masks for a Secret's values (k8s.io/kubectl/pkg/cmd/diff, Masker). */
export const SECRET_MASK = { same: '***', before: '*** (before)', after: '*** (after)' } as const;

/**
 * Both sides with every value of a Secret's `data` and `stringData` replaced by kubectl diff's
 * masks: `***` where the key's value is the same on both sides (or on one side only), `*** (before)`
 * and `*** (after)` where it changed. The diff then says that a key was added, changed or removed,
 * never a value or its base64, as kubectl diff, kapp and Argo CD do: a pull request's job summary
 * must not hold a Secret synthesized from CI's environment.
 */
export function maskSecrets(
  before: readonly KubeObject[],
  after: readonly KubeObject[],
): { before: KubeObject[]; after: KubeObject[] } {
  const isSecret = (object: KubeObject) => {
    const { group, kind } = objectId(object);
    return group === '' && kind === 'Secret';
  };
  // A Secret is namespaced: no CustomResourceDefinition changes where it lives.
  const key = (object: KubeObject) => placedKey(object);
  const afterByKey = new Map(after.filter(isSecret).map((object) => [key(object), object]));
  const beforeByKey = new Map(before.filter(isSecret).map((object) => [key(object), object]));
  const mask = (object: KubeObject, other: KubeObject | undefined, changed: string): KubeObject => {
    if (!isSecret(object)) return object;
    const masked: KubeObject = { ...object };
    for (const field of ['data', 'stringData']) {
      const values = object[field];
      if (values === undefined) continue;
      if (!isRecord(values)) {
        masked[field] = SECRET_MASK.same;
        continue;
      }
      const others = other !== undefined && isRecord(other[field]) ? other[field] : {};
      masked[field] = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key,
          key in others && !isDeepStrictEqual(others[key], value) ? changed : SECRET_MASK.same,
        ]),
      );
    }
    return masked;
  };
  return {
    before: before.map((object) => mask(object, afterByKey.get(key(object)), SECRET_MASK.before)),
    after: after.map((object) => mask(object, beforeByKey.get(key(object)), SECRET_MASK.after)),
  };
}

function indexById(objects: readonly KubeObject[], side: string, declared: DeclaredScopes): Map<string, KubeObject> {
  const byId = new Map<string, KubeObject>();
  for (const object of objects) {
    const key = placedKey(object, DEFAULT_NAMESPACE, declared);
    if (byId.has(key)) {
      throw new Error(`two objects ${side} are ${displayId(objectId(object))}: kubectl would apply only the last one`);
    }
    byId.set(key, object);
  }
  return byId;
}

/** `object` without `metadata.namespace`, for the field diff of two objects matched by id. */
function withoutNamespace(object: KubeObject): KubeObject {
  if (!isRecord(object.metadata) || !('namespace' in object.metadata)) {
    return object;
  }
  const metadata = { ...object.metadata };
  delete metadata.namespace;
  return { ...object, metadata };
}

/** The fields that differ between two values, without flags. */
export function diffValues(before: unknown, after: unknown, path: Segment[] = []): Omit<FieldChange, 'flags'>[] {
  if (isDeepStrictEqual(before, after)) {
    return [];
  }
  if ((before === undefined && isApiDefault(path, after)) || (after === undefined && isApiDefault(path, before))) {
    return []; // The API server stores the same object either way.
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareStrings);
    return keys.flatMap((key) => diffValues(before[key], after[key], [...path, key]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const mergeKey = listMergeKey(path, before, after);
    if (mergeKey !== undefined) {
      const byKey = (list: unknown[]) =>
        new Map(list.map((item) => [getPath(item, mergeKey) as string | number, item]));
      const beforeItems = byKey(before);
      const afterItems = byKey(after);
      const values = [...new Set([...beforeItems.keys(), ...afterItems.keys()])].sort((a, b) =>
        compareStrings(String(a), String(b)),
      );
      return values.flatMap((value) =>
        diffValues(beforeItems.get(value), afterItems.get(value), [...path, { key: mergeKey, value }]),
      );
    }
    if (before.every(isRecord) && after.every(isRecord)) {
      const length = Math.max(before.length, after.length);
      return Array.from({ length }, (_, index) => diffValues(before[index], after[index], [...path, index])).flat();
    }
    // A list of plain values (args, command, capabilities): its order may matter, show it whole.
  }
  return [{ path, before, after }];
}

// Keys that identify list items, in the order tried: containers, env, volumes and most named
// things have `name`; volumeMounts `mountPath`; other lists their first key that fits.
const MERGE_KEYS = ['name', 'mountPath', 'devicePath', 'containerPort', 'port', 'ip', 'key'];
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/**
 * The key Kubernetes merges the list at `path` by (the API's patchMergeKey), where the
 * first-that-fits guess would differ: a container's ports by `containerPort` and a Service's by
 * `port`, volume mounts by `mountPath` and devices by `devicePath`, never by their names, so a
 * renamed port or mounted volume is a changed name, not a removed item.
 */
function kubernetesMergeKey(path: readonly Segment[]): string | undefined {
  switch (path[path.length - 1]) {
    case 'ports': {
      const owner = path[path.length - 3];
      return typeof owner === 'string' && CONTAINER_LISTS.includes(owner) ? 'containerPort' : 'port';
    }
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    default:
      return undefined;
  }
}

/** The key to match the items of two lists by, if every item of both has it, unique within each list. */
function listMergeKey(path: readonly Segment[], before: unknown[], after: unknown[]): string | undefined {
  const fits = (key: string) =>
    [before, after].every((list) => {
      const values = list.map((item) => getPath(item, key));
      const scalar = values.every((value) => typeof value === 'string' || typeof value === 'number');
      return scalar && new Set(values).size === values.length;
    });
  const kubernetes = kubernetesMergeKey(path);
  // Ports that share a number (TCP and UDP) fall back to the guess.
  return kubernetes !== undefined && fits(kubernetes) ? kubernetes : MERGE_KEYS.find(fits);
}

// A field path of a pod spec, in whichever kind has one.
const POD_SPEC = `(${POD_SPEC_PATHS.map((at) => at.replace(/\./g, '\\.')).join('|')})`;

const CONTAINER = String.raw`${POD_SPEC}\.(containers|initContainers)\[\*\]`;

/**
 * Fields that the API server stores the same whether a manifest leaves them out or sets them to
 * this value: non-pointer fields at their Go zero value, which `omitempty` drops (the host
 * namespaces, minReadySeconds, any empty list), and fields the API server defaults when they are
 * absent (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go in Kubernetes 1.27). A
 * field moving between the two is no change.
 */
const API_DEFAULTS: readonly [RegExp, unknown][] = [
  [new RegExp(String.raw`^${POD_SPEC}\.(hostNetwork|hostPID|hostIPC)$`), false],
  [new RegExp(String.raw`^${POD_SPEC}\.restartPolicy$`), 'Always'],
  [new RegExp(String.raw`^${POD_SPEC}\.dnsPolicy$`), 'ClusterFirst'],
  [new RegExp(String.raw`^${POD_SPEC}\.schedulerName$`), 'default-scheduler'],
  [new RegExp(String.raw`^${POD_SPEC}\.terminationGracePeriodSeconds$`), 30],
  [new RegExp(String.raw`^${CONTAINER}\.terminationMessagePath$`), '/dev/termination-log'],
  [new RegExp(String.raw`^${CONTAINER}\.terminationMessagePolicy$`), 'File'],
  [/^spec\.minReadySeconds$/, 0],
  [/^spec\.revisionHistoryLimit$/, 10],
  [/^spec\.progressDeadlineSeconds$/, 600],
  [/\.ports\[\*\]\.protocol$/, 'TCP'],
];

function isApiDefault(path: readonly Segment[], value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) {
    return true;
  }
  const pattern = pathPattern(path);
  return API_DEFAULTS.some(([field, byDefault]) => field.test(pattern) && value === byDefault);
}

/** The path with every list item as `[*]`, what the rules below match on. */
function pathPattern(path: readonly Segment[]): string {
  return formatPath(path.map((segment) => (typeof segment === 'string' ? segment : 0))).replace(/\[0\]/g, '[*]');
}

/** Whether `pattern` is `prefix` or a field inside it. */
function isUnder(pattern: string, prefix: string): boolean {
  return pattern === prefix || pattern.startsWith(`${prefix}.`) || pattern.startsWith(`${prefix}[`);
}

/** The `spec.x` field a path is in, for rules that allow only some fields of a spec to change. */
function specField(pattern: string): string | undefined {
  return /^spec\.([^.[]+)/.exec(pattern)?.[1];
}

/** Whether the path is in a `spec.x` field other than the `allowed` ones. */
function specOtherThan(pattern: string, allowed: readonly string[]): boolean {
  const field = specField(pattern);
  return field !== undefined && !allowed.includes(field);
}

interface Rule {
  /** `Kind` or `Kind.group`, as {@link groupKind} names it; omitted for rules on every kind. */
  readonly kinds?: readonly string[];
  readonly level: Flag['level'];
  /** Whether the rule applies to this change of an object (`old` is the whole object before). */
  readonly applies: (pattern: string, change: Omit<FieldChange, 'flags'>, old: KubeObject) => boolean;
  readonly reason: (change: Omit<FieldChange, 'flags'>, kind: string) => string;
  /** The command that makes the change anyway; every immutable rule has one. */
  readonly remedy?: (id: ObjectId) => string;
}

/** `kubectl delete kind.group/name [-n namespace]`: the object as kubectl names it. */
function deleteCommand(id: ObjectId): string {
  const namespace = id.namespace ? ` -n ${id.namespace}` : '';
  return `kubectl delete ${groupKind(id).toLowerCase()}/${id.name}${namespace}`;
}

/**
 * What makes a change the API server refuses in place: delete the object, then the pruning
 * apply (kit/docs/deploy.md) creates it again as the manifests have it.
 */
export function deleteAndApply(id: ObjectId): string {
  return `${deleteCommand(id)} && npm run apply`;
}

const WORKLOADS = ['Deployment.apps', 'ReplicaSet.apps', 'StatefulSet.apps', 'DaemonSet.apps'];
// The StatefulSet fields the API server lets an update change.
const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];
// A Pod's spec fields that may change, beyond container images (checked separately).
const POD_MUTABLE = ['activeDeadlineSeconds', 'tolerations'];
const CONTAINER_IMAGE = new RegExp(String.raw`^${POD_SPEC}\.(init|ephemeral)?[cC]ontainers\[\*\]\.image$`);

/**
 * The Kubernetes release whose update validation the rules below describe: the API server that
 * `npm run test:e2e` builds (kit/go/cluster/kube/go.mod), where kit/lab/e2e/update-rules.test.ts
 * applies a before and an after for each rule and compares the server's verdict with the rule's.
 */
export const RULES_KUBERNETES_VERSION = '1.34.4';

// Each rule comes from the API server's update validation for that kind.
const RULES: readonly Rule[] = [
  {
    kinds: WORKLOADS,
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => isUnder(p, 'spec.selector'),
    reason: (_, kind) => `a ${kind}'s selector is immutable; delete the ${kind} and apply it again (its pods restart)`,
  },
  {
    kinds: ['StatefulSet.apps'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => specOtherThan(p, ['selector', ...STATEFULSET_MUTABLE]),
    reason: () => `a StatefulSet's update may change only ${STATEFULSET_MUTABLE.join(', ')}`,
  },
  {
    kinds: ['Service'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => isUnder(p, 'spec.clusterIP') || isUnder(p, 'spec.clusterIPs'),
    reason: () => "a Service's clusterIP is immutable; delete the Service and apply it again (clients see a new IP)",
  },
  {
    kinds: ['Job.batch'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => ['selector', 'template', 'completionMode'].includes(specField(p) ?? ''),
    reason: (change) =>
      `a Job's ${formatPath(change.path.slice(0, 2))} is immutable; delete the Job and apply it again (it runs again)`,
  },
  {
    kinds: ['PersistentVolumeClaim'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => specField(p) !== undefined && !isUnder(p, 'spec.resources.requests'),
    reason: () => "a PersistentVolumeClaim's spec is immutable except resources.requests",
  },
  {
    kinds: ['PersistentVolumeClaim'],
    level: 'risky',
    applies: (p) => isUnder(p, 'spec.resources.requests'),
    reason: () => 'a PersistentVolumeClaim can only grow, and only if its StorageClass allows volume expansion',
  },
  {
    kinds: ['Pod'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => specOtherThan(p, POD_MUTABLE) && !CONTAINER_IMAGE.test(p),
    reason: () =>
      "a Pod's spec is immutable except container images, activeDeadlineSeconds and added tolerations; " +
      'delete the Pod and apply it again',
  },
  {
    kinds: ['Pod'],
    level: 'risky',
    applies: (p) => specField(p) === 'tolerations',
    reason: () =>
      'a Pod accepts only added tolerations; a changed or removed one needs the Pod deleted and applied again',
  },
  {
    kinds: ['ConfigMap', 'Secret'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p, _, old) =>
      old.immutable === true && ['data', 'binaryData', 'stringData', 'immutable'].some((f) => isUnder(p, f)),
    reason: (_, kind) => `this ${kind} is marked immutable; delete it and apply it again`,
  },
  {
    kinds: ['RoleBinding.rbac.authorization.k8s.io', 'ClusterRoleBinding.rbac.authorization.k8s.io'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => isUnder(p, 'roleRef'),
    reason: (_, kind) => `a ${kind}'s roleRef is immutable; delete it and apply it again`,
  },
  {
    kinds: ['StorageClass.storage.k8s.io'],
    level: 'immutable',
    remedy: deleteAndApply,
    applies: (p) => ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'].some((f) => isUnder(p, f)),
    reason: () => "a StorageClass's provisioner, parameters, reclaimPolicy and volumeBindingMode are immutable",
  },
  {
    level: 'risky',
    applies: (p, change) => CONTAINER_IMAGE.test(p) && change.before !== undefined && change.after !== undefined,
    reason: () => 'new image: the containers restart with different software',
  },
  {
    level: 'risky',
    applies: (p, change) =>
      change.before !== undefined &&
      change.after === undefined &&
      (/\.ports\[\*\]$/.test(p) || (/\.ports$/.test(p) && Array.isArray(change.before) && change.before.length > 0)),
    reason: () => 'port removed: whatever connects to it stops working',
  },
  {
    level: 'risky',
    // A targetPort given by name is checked against the pods' port names (lostTargetPortFlags).
    applies: (p, change) =>
      change.before !== undefined &&
      (/\.ports\[\*\]\.(port|containerPort)$/.test(p) ||
        (/\.ports\[\*\]\.targetPort$/.test(p) &&
          typeof change.before === 'number' &&
          typeof change.after === 'number')),
    reason: () => 'port number changed: whatever connects to the old one stops working',
  },
  {
    level: 'risky',
    applies: (p, change) => p === 'spec.replicas' && change.after === 0,
    reason: () => 'replicas go to 0: no pod will run',
  },
  {
    kinds: ['Service'],
    level: 'risky',
    applies: (p) => p === 'spec.type',
    reason: () => 'Service type changed: how clients reach it changes (node ports, load balancer, cluster IP)',
  },
  {
    kinds: ['Service'],
    level: 'risky',
    applies: (p, change) => /^spec\.ports\[\*\]\.nodePort$/.test(p) && change.before !== undefined,
    reason: () => 'nodePort changed: clients using the old port on the nodes lose the Service',
  },
  {
    kinds: ['Service'],
    level: 'risky',
    applies: (p) => isUnder(p, 'spec.selector'),
    reason: () => 'selector changed: the Service sends traffic to different pods',
  },
];

function fieldFlags(id: ObjectId, change: Omit<FieldChange, 'flags'>, old: KubeObject): Flag[] {
  const kind = groupKind(id);
  const pattern = pathPattern(change.path);
  return RULES.filter(
    (rule) => (rule.kinds === undefined || rule.kinds.includes(kind)) && rule.applies(pattern, change, old),
  ).map((rule) => ({
    level: rule.level,
    reason: rule.reason(change, id.kind),
    ...(rule.remedy && { remedy: rule.remedy(id) }),
  }));
}

function removedFlag(id: ObjectId, old: KubeObject): Flag {
  const reason = `removed: \`kubectl apply -f dist\` leaves the ${id.kind} in the cluster; \`npm run apply\` prunes it, and what it runs goes too`;
  if (nodePorts(old).length > 0) {
    // kubectl prunes only after every object applied; a new Service taking this nodePort
    // (a renamed FibClient) would be refused first, so the old one must go before.
    return {
      level: 'risky',
      reason: `${reason}; its nodePort is free for another Service only once it is gone, so delete it first`,
      remedy: deleteAndApply(id),
    };
  }
  return { level: 'risky', reason, remedy: 'npm run apply' };
}

function addedFlags(
  object: KubeObject,
  before: readonly KubeObject[],
  after: readonly KubeObject[],
  declared: DeclaredScopes,
): Flag[] {
  const id = objectId(object);
  const placed = placedId(object, DEFAULT_NAMESPACE, declared);
  const flags: Flag[] = [];
  // The same namespace/name under another group or kind: a new object replacing the old one.
  const replaced = before.find((old) => {
    const oldId = placedId(old, DEFAULT_NAMESPACE, declared);
    return (
      oldId.namespace === placed.namespace &&
      oldId.name === placed.name &&
      (oldId.kind === placed.kind || oldId.group === placed.group) &&
      idKey(oldId) !== idKey(placed) &&
      !after.some((o) => placedKey(o, DEFAULT_NAMESPACE, declared) === idKey(oldId))
    );
  });
  if (replaced) {
    flags.push({
      level: 'immutable',
      reason: `replaces ${String(replaced.apiVersion)} ${displayId(objectId(replaced))}: a new object, not an in-place change`,
      remedy: deleteAndApply(objectId(replaced)),
    });
  }
  if (id.kind === 'Service' && id.group === '' && selectedOwners(object, after).length === 0) {
    flags.push({ level: 'risky', reason: 'selects no pods: the Service has no endpoints' });
  }
  return flags;
}

/** What a changed Service loses: every pod it selected, or a named target port on some of them. */
function endpointFlags(
  old: KubeObject,
  current: KubeObject,
  before: readonly KubeObject[],
  after: readonly KubeObject[],
): Flag[] {
  const id = objectId(current);
  if (id.kind !== 'Service' || id.group !== '') {
    return [];
  }
  return [...lostPodsFlags(old, current, before, after), ...lostTargetPortFlags(old, current, before, after)];
}

/** A Service that selected pods before and selects none after (its selector or the pod labels changed). */
function lostPodsFlags(
  old: KubeObject,
  current: KubeObject,
  before: readonly KubeObject[],
  after: readonly KubeObject[],
): Flag[] {
  const selectedBefore = selectedOwners(old, before);
  if (selectedBefore.length === 0 || selectedOwners(current, after).length > 0) {
    return [];
  }
  const names = selectedBefore.map((o) => displayId(objectId(o))).join(', ');
  return [{ level: 'risky', reason: `selects no pods now (it selected ${names}): the Service has no endpoints` }];
}

/** The nodePorts a Service claims. */
function nodePorts(object: KubeObject): number[] {
  const id = objectId(object);
  if (id.kind !== 'Service' || id.group !== '') {
    return [];
  }
  const ports = getPath(object, 'spec', 'ports');
  return (Array.isArray(ports) ? ports : [])
    .map((port) => getPath(port, 'nodePort'))
    .filter((port): port is number => typeof port === 'number');
}

/**
 * A nodePort of `current` still held by a Service that is removed: `kubectl apply` leaves that one
 * in the cluster until it prunes, last (a renamed Service, typically), so the API server refuses
 * the new claim and the apply fails. Two Services of one set claiming a nodePort is no change
 * between two sets but a fault of the one, for the app to refuse when it synthesizes (this
 * project's lib/unique-objects.ts does).
 */
function nodePortFlags(current: KubeObject, before: readonly KubeObject[], after: readonly KubeObject[]): Flag[] {
  const afterKeys = new Set(after.map((o) => placedKey(o)));
  return nodePorts(current).flatMap((port): Flag[] =>
    before
      .filter((o) => !afterKeys.has(placedKey(o)) && nodePorts(o).includes(port))
      .map((o) => ({
        level: 'risky' as const,
        reason:
          `nodePort ${port} is still held by ${displayId(objectId(o))}, which \`kubectl apply\` leaves in the ` +
          'cluster: the apply fails until that Service is deleted',
      })),
  );
}

/** Whether a NetworkPolicy denies its pods every outgoing connection (Egress, with no egress rule). */
function denyAllEgress(object: KubeObject): boolean {
  if (groupKind(objectId(object)) !== 'NetworkPolicy.networking.k8s.io') {
    return false;
  }
  const types = getPath(object, 'spec', 'policyTypes');
  const rules = getPath(object, 'spec', 'egress');
  return Array.isArray(types) && types.includes('Egress') && (!Array.isArray(rules) || rules.length === 0);
}

/** A NetworkPolicy that newly denies all egress to pods that already ran before the change. */
function denyAllEgressFlags(current: KubeObject, before: readonly KubeObject[], after: readonly KubeObject[]): Flag[] {
  if (!denyAllEgress(current)) {
    return [];
  }
  const running = new Set(before.map((o) => placedKey(o)));
  const owners = selectedOwners(current, after).filter((o) => running.has(placedKey(o)));
  if (owners.length === 0) {
    return [];
  }
  const names = owners.map((o) => displayId(objectId(o))).join(', ');
  return [
    {
      level: 'risky',
      reason: `denies all egress of pods that already run (${names}): every connection they open, DNS too, stops`,
    },
  ];
}

/** The names of the container ports of the pods `owner` makes. */
function containerPortNames(owner: KubeObject): Set<string> {
  const containers = podTemplate(owner)?.spec.containers;
  return new Set(
    (Array.isArray(containers) ? containers : []).flatMap((container) => {
      const ports = getPath(container, 'ports');
      return (Array.isArray(ports) ? ports : [])
        .map((port) => getPath(port, 'name'))
        .filter((n) => typeof n === 'string');
    }) as string[],
  );
}

/**
 * A Service port whose targetPort is a port name that a selected pod template does not have (a
 * renamed container port, a renamed target): the Service has no endpoint on those pods for it.
 * A reference that was broken the same way before the change is not news.
 */
function lostTargetPortFlags(
  old: KubeObject,
  current: KubeObject,
  before: readonly KubeObject[],
  after: readonly KubeObject[],
): Flag[] {
  const namedTargets = (service: KubeObject) => {
    const ports = getPath(service, 'spec', 'ports');
    return (Array.isArray(ports) ? ports : [])
      .map((port) => getPath(port, 'targetPort'))
      .filter((t) => typeof t === 'string');
  };
  const oldTargets = new Set(namedTargets(old));
  const hadBefore = new Map(selectedOwners(old, before).map((o) => [placedKey(o), containerPortNames(o)]));
  return selectedOwners(current, after).flatMap((owner) => {
    const names = containerPortNames(owner);
    const previously = hadBefore.get(placedKey(owner));
    return (
      namedTargets(current)
        // Broken now, and not already broken the same way before the change.
        .filter(
          (target) =>
            !names.has(target as string) &&
            !(oldTargets.has(target) && previously !== undefined && !previously.has(target as string)),
        )
        .map((target) => ({
          level: 'risky' as const,
          reason:
            `targetPort ${String(target)} names no container port of ${displayId(objectId(owner))}: ` +
            'the Service sends those pods no traffic on it',
        }))
    );
  });
}
