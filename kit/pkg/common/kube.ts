// Kubernetes basics shared by the review tools (the manifest diff and the deployment diagram) and
// the NetworkPolicy evaluator: an object's identity, the pods an object creates, and label selection.
// Everything here works on plain parsed YAML, any kind, without a cluster or cdk8s.

/**
 * A Kubernetes object as parsed from YAML or JSON: the one type for a manifest in the toolkit.
 * Its fields are whatever the file holds, so code that must not trust them reads them through
 * {@link getPath} and {@link isRecord}; tests that built the object themselves may index it freely.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest is arbitrary JSON.
export type KubeObject = Record<string, any>;

/** What `kubectl apply` matches an object by: its API group, kind, namespace and name. */
export interface ObjectId {
  /** The API group: '' for the core group (`v1`), 'apps' for `apps/v1`. */
  readonly group: string;
  readonly kind: string;
  /**
   * '' when the manifest sets none: `kubectl apply` then puts a namespaced object into the namespace
   * it applies to (`-n`, else the context's), so it is the same object as another without one, and
   * not the same as one that names `default` (unless that is where both are applied).
   */
  readonly namespace: string;
  readonly name: string;
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` inside `value`, or undefined when any step is missing. */
export function getPath(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) {
      return undefined;
    }
    current = current[key];
  }
  return current;
}

/** A map of string to string at `path` (labels, a Service selector), or {} when absent. */
export function stringMap(value: unknown, ...path: string[]): Record<string, string> {
  const map = getPath(value, ...path);
  if (!isRecord(map)) {
    return {};
  }
  return Object.fromEntries(Object.entries(map).map(([key, v]) => [key, String(v)]));
}

export function objectId(object: KubeObject): ObjectId {
  const apiVersion = String(object.apiVersion ?? '');
  const slash = apiVersion.indexOf('/');
  return {
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    kind: String(object.kind ?? '(no kind)'),
    namespace: String(getPath(object, 'metadata', 'namespace') ?? ''),
    name: String(getPath(object, 'metadata', 'name') ?? '(no name)'),
  };
}

/** The one object of `kind` named `name` among `objects`; throws, naming what there is, unless exactly one. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const matches = objects.filter((o) => o.kind === kind && getPath(o, 'metadata', 'name') === name);
  if (matches.length !== 1) {
    const present = objects.map((o) => displayId(objectId(o))).join(', ');
    throw new Error(`expected one ${kind}/${name}, found ${matches.length} among: ${present}`);
  }
  return matches[0] as KubeObject;
}

/** A key that is equal exactly when two objects are the same object to the API server. */
export function idKey(id: ObjectId): string {
  return [id.group, id.kind, id.namespace, id.name].join('/');
}

/** How a person names the object: `Kind/name`, or `Kind/namespace/name` in a namespace. */
export function displayId(id: ObjectId): string {
  return id.namespace ? `${id.kind}/${id.namespace}/${id.name}` : `${id.kind}/${id.name}`;
}

/** `Kind.group` (`Deployment.apps`), or `Kind` for the core group: what the rules match on. */
export function groupKind(id: ObjectId): string {
  return id.group ? `${id.kind}.${id.group}` : id.kind;
}

/** Orders objects by kind, namespace, name, then group, so every output is deterministic. */
export function compareIds(a: ObjectId, b: ObjectId): number {
  return (
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.group, b.group)
  );
}

/** Code-point order: unlike localeCompare, the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pods an object creates: where its template is, its metadata, labels and pod spec. */
export interface PodTemplate {
  /** The template's field path in the object: `spec.template`, or '' for a Pod itself. */
  readonly path: string;
  readonly metadata: Record<string, unknown>;
  readonly labels: Record<string, string>;
  readonly spec: Record<string, unknown>;
}

/**
 * Where each kind keeps the pods it creates: the kinds that Pod Security admission checks
 * (k8s.io/pod-security-admission/admission's PodSpecExtractor), whatever their API group.
 */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  PodTemplate: ['template'],
  ReplicationController: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Every field path at which some kind keeps its pod spec: `spec` (a Pod), `spec.template.spec`, ... */
export const POD_SPEC_PATHS: readonly string[] = [
  ...new Set(Object.values(POD_TEMPLATE_PATHS).map((at) => [...at, 'spec'].join('.'))),
];

/** The pod template of an object of a kind that creates pods, if it has a pod spec. */
export function podTemplate(object: KubeObject): PodTemplate | undefined {
  const at = POD_TEMPLATE_PATHS[String(object.kind)];
  const template = at === undefined ? undefined : getPath(object, ...at);
  const spec = getPath(template, 'spec');
  if (at === undefined || !isRecord(spec)) {
    return undefined;
  }
  const metadata = getPath(template, 'metadata');
  return {
    path: at.join('.'),
    metadata: isRecord(metadata) ? metadata : {},
    labels: stringMap(template, 'metadata', 'labels'),
    spec,
  };
}

/** The operators of a LabelSelector's matchExpressions (metav1.LabelSelectorOperator). */
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
type Operator = (typeof OPERATORS)[number];

/** A label selector: equality on matchLabels plus set-based matchExpressions. */
export interface LabelSelector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: readonly { key: string; operator: Operator; values: string[] }[];
  /** What an empty selector selects: a Service's selects nothing, a PDB's or NetworkPolicy's every pod. */
  readonly emptySelects: 'none' | 'all';
}

/** How each kind that points at pods by label says so. */
const SELECTING_KINDS: Record<string, { path: string[]; form: 'map' | 'labelSelector'; emptySelects: 'none' | 'all' }> =
  {
    Service: { path: ['spec', 'selector'], form: 'map', emptySelects: 'none' },
    'PodDisruptionBudget.policy': { path: ['spec', 'selector'], form: 'labelSelector', emptySelects: 'all' },
    'NetworkPolicy.networking.k8s.io': { path: ['spec', 'podSelector'], form: 'labelSelector', emptySelects: 'all' },
  };

/**
 * The selector of an object that points at pods by label (Service, PDB, NetworkPolicy), if it is
 * one; throws, as {@link labelSelector}, on a label selector that Kubernetes refuses.
 */
export function podSelector(object: KubeObject): LabelSelector | undefined {
  const id = objectId(object);
  const how = SELECTING_KINDS[groupKind(id)];
  if (!how) {
    return undefined;
  }
  const raw = getPath(object, ...how.path);
  if (how.form === 'map') {
    return { matchLabels: stringMap(raw), matchExpressions: [], emptySelects: how.emptySelects };
  }
  if (raw === undefined || raw === null) {
    // A PDB without a selector selects nothing; only an explicit {} selects every pod.
    return { matchLabels: {}, matchExpressions: [], emptySelects: 'none' };
  }
  return labelSelector(raw, `${displayId(id)}: ${how.path.join('.')}`);
}

/**
 * A metav1.LabelSelector read from a manifest, as k8s.io/apimachinery's LabelSelectorAsSelector
 * converts it: it refuses an unknown operator, and values that its operator does not take, with an
 * error naming `where`; {} selects every pod. Key and value syntax is left to the API server's
 * validation, which `npm run check` runs on dist/.
 */
export function labelSelector(raw: unknown, where: string): LabelSelector {
  if (raw === undefined || raw === null) {
    throw new Error(`${where} is missing (an empty selector {} selects everything)`);
  }
  if (!isRecord(raw)) {
    throw new Error(`${where} must be a label selector object (got ${JSON.stringify(raw)})`);
  }
  const expressions = raw.matchExpressions ?? [];
  if (!Array.isArray(expressions)) {
    throw new Error(`${where}.matchExpressions must be a list (got ${JSON.stringify(expressions)})`);
  }
  return {
    matchLabels: stringMap(raw, 'matchLabels'),
    matchExpressions: expressions.map((expression: unknown, index) => {
      const at = `${where}.matchExpressions[${index}]`;
      const operator = getPath(expression, 'operator');
      if (!OPERATORS.includes(operator as Operator)) {
        throw new Error(`${at}.operator must be In, NotIn, Exists or DoesNotExist (got ${JSON.stringify(operator)})`);
      }
      const rawValues = getPath(expression, 'values') ?? [];
      if (!Array.isArray(rawValues)) {
        throw new Error(`${at}.values must be a list (got ${JSON.stringify(rawValues)})`);
      }
      const values = rawValues.map(String);
      const setBased = operator === 'In' || operator === 'NotIn';
      if (setBased !== values.length > 0) {
        throw new Error(
          `${at}.values must be ${setBased ? 'non-empty for In and NotIn' : 'empty for Exists and DoesNotExist'} (got ${JSON.stringify(values)})`,
        );
      }
      return { key: String(getPath(expression, 'key')), operator: operator as Operator, values };
    }),
    emptySelects: 'all',
  };
}

/** Whether `selector` selects a pod labelled `labels`, as the API server decides it. */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const labelEntries = Object.entries(selector.matchLabels);
  if (labelEntries.length === 0 && selector.matchExpressions.length === 0) {
    return selector.emptySelects === 'all';
  }
  return (
    labelEntries.every(([key, value]) => labels[key] === value) &&
    selector.matchExpressions.every(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key] as string);
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key] as string);
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
      }
    })
  );
}

/** The objects among `objects` whose pods `selecting` selects: same namespace, matching labels. */
export function selectedOwners(selecting: KubeObject, objects: readonly KubeObject[]): KubeObject[] {
  const selector = podSelector(selecting);
  if (!selector) {
    return [];
  }
  const namespace = objectId(selecting).namespace;
  return objects.filter((object) => {
    const template = podTemplate(object);
    return template !== undefined && objectId(object).namespace === namespace && selects(selector, template.labels);
  });
}
