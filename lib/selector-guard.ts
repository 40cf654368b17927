// Refuses, when the app is synthesized, labels that a sandbox construct's pods inherit from a
// chart (cdk8s puts a chart's labels on every object of the chart, and NginxDeployment on its pod
// template too) when they make a selector of one construct select the pods of another: a chart
// labelled `app: nginx` would make the bare fib-client Pod one of nginx's pods, which its
// Deployment's ReplicaSet adopts (and may delete), its PodDisruptionBudget counts and its
// NetworkPolicy confines. Every selector and every pod of the app is looked at, in whichever
// chart, wherever a sandbox construct is on one side (its selector, or its pods); a selector that
// matches a pod by the pod's own labels is the user's choice, not this guard's business.
// Selection is Kubernetes' (the kit's k8s-sandbox-kit/objects, compared with k8s.io/apimachinery's labels
// package by test/selection.test.ts).
import { ApiObject, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import {
  DEFAULT_NAMESPACE,
  type KubeObject,
  type LabelSelector,
  getPath,
  labelSelector,
  placedNamespace,
  podSelector,
  podTemplate,
  selects,
} from 'k8s-sandbox-kit/objects';
import { PropsError, received } from './props';

/** The labels each sandbox construct gives its pods itself, by construct. */
const ownPodLabels = new WeakMap<IConstruct, Readonly<Record<string, string>>>();

/**
 * Guards the selectors of `construct` (of class `className`) and its pods, labelled `podLabels` by
 * the construct itself; refuses at once, with a PropsError, a chart label that gives another value
 * to one of them. At synth,
 * the app-wide check of unique-objects.ts, which the construct adds too, runs selectorErrors
 * once on the objects it renders.
 */
export function guardSelectors(
  className: string,
  construct: IConstruct,
  podLabels: Readonly<Record<string, string>>,
): void {
  // A chart label of a key the construct labels its pods with would be overridden by the
  // construct's own without a word (cdk8s writes an object's own labels over its chart's).
  const chartLabels = Chart.of(construct).labels;
  const overridden = Object.keys(podLabels).filter((key) => key in chartLabels && chartLabels[key] !== podLabels[key]);
  if (overridden.length > 0) {
    const chart = Object.fromEntries(overridden.map((key) => [key, chartLabels[key]]));
    const own = Object.fromEntries(overridden.map((key) => [key, podLabels[key]]));
    throw new PropsError(
      `${className}: the labels of chart ${Chart.of(construct).node.path} must not give another value to a ` +
        `label its pods are selected by (got ${received(chart)}, where the pods have ${received(own)}); use ` +
        "another key for the chart's label, such as 'app.kubernetes.io/part-of'",
      construct.node.path,
    );
  }
  ownPodLabels.set(construct, podLabels);
}

// The workloads whose controller adopts the pods its selector matches (a Deployment through its
// ReplicaSet), with what that does to another construct's pod.
const WORKLOAD_KINDS = ['Deployment.apps', 'ReplicaSet.apps', 'StatefulSet.apps', 'DaemonSet.apps'];
const CONSEQUENCES: Readonly<Record<string, string>> = {
  'Deployment.apps': 'its ReplicaSet would adopt them, and may delete them to keep its replica count',
  Service: 'the Service would send its traffic to them',
  'PodDisruptionBudget.policy': 'the PodDisruptionBudget would count them in its budget and hold their eviction',
  'NetworkPolicy.networking.k8s.io': 'the NetworkPolicy would confine their traffic to its rules',
};
const WORKLOAD_CONSEQUENCE = 'its controller would adopt them, and may delete them to keep its replica count';

/** What the guard reads of one object. */
interface Seen {
  readonly apiObject: ApiObject;
  readonly manifest: KubeObject;
  readonly path: string;
  /** The sandbox construct the object belongs to, if any. */
  readonly owner?: IConstruct;
  readonly namespace: string;
}

/** An object of the app, rendered once per synth by the app-wide check (unique-objects.ts). */
export interface Rendered {
  readonly apiObject: ApiObject;
  /** `apiObject.toJson()`. */
  readonly manifest: unknown;
}

/**
 * One message per selector that selects another sandbox construct's pods (or whose pods another
 * construct's selector selects) only through labels they inherit from a chart.
 */
export function selectorErrors(rendered: readonly Rendered[]): string[] {
  if (!rendered.some(({ apiObject }) => ownerOf(apiObject) !== undefined)) {
    return [];
  }
  const seen: Seen[] = rendered.map(({ apiObject, manifest }) => {
    const object = manifest as KubeObject;
    const namespace = placedNamespace(
      apiObject.apiGroup,
      apiObject.kind,
      object.metadata?.namespace,
      DEFAULT_NAMESPACE,
    );
    const path = apiObject.node.path.replace(/\/Resource$/, '');
    return { apiObject, manifest: object, path, owner: ownerOf(apiObject), namespace };
  });
  const pods = seen.flatMap((object) => {
    const template = podTemplate(object.manifest);
    return template === undefined
      ? []
      : [{ object, labels: template.labels, inherited: inheritedLabels(object, template.labels) }];
  });
  const errors: string[] = [];
  for (const selecting of seen) {
    const selector = selectorOf(selecting.manifest);
    if (selector === undefined) {
      continue;
    }
    for (const pod of pods) {
      const { object, labels, inherited } = pod;
      const involved = selecting.owner !== undefined || object.owner !== undefined;
      if (
        !involved ||
        object === selecting ||
        object.owner === selecting.owner ||
        object.namespace !== selecting.namespace
      ) {
        continue;
      }
      const own = Object.fromEntries(Object.entries(labels).filter(([key]) => !(key in inherited)));
      if (Object.keys(inherited).length === 0 || !selects(selector, labels) || selects(selector, own)) {
        continue;
      }
      const { kind, metadata } = selecting.manifest;
      const group = String(selecting.manifest.apiVersion).split('/').slice(0, -1).join('/');
      const groupKind = group === '' ? kind : `${kind}.${group}`;
      errors.push(
        `${kind} ${metadata?.name} (${selecting.path}) selects by ${formatSelector(selector)} the pods of ` +
          `${object.manifest.kind} ${object.manifest.metadata?.name} (${object.path}) only through the labels ` +
          `${received(inherited)} that they inherit from chart ${Chart.of(object.apiObject).node.path}: ` +
          `${CONSEQUENCES[groupKind] ?? WORKLOAD_CONSEQUENCE}; remove these labels from the chart's labels, or ` +
          "use another key, such as 'app.kubernetes.io/part-of'",
      );
    }
  }
  return errors;
}

/** The selector of an object that points at pods (a Service, PDB, NetworkPolicy or workload). */
function selectorOf(manifest: KubeObject): LabelSelector | undefined {
  try {
    const kind = String(manifest.kind);
    const group = String(manifest.apiVersion).split('/').slice(0, -1).join('/');
    if (WORKLOAD_KINDS.includes(`${kind}.${group}`)) {
      const raw = getPath(manifest, 'spec', 'selector');
      return raw === undefined ? undefined : labelSelector(raw, `${kind} spec.selector`);
    }
    return podSelector(manifest);
  } catch {
    // A selector Kubernetes refuses is the API server gate's to report (npm run check).
    return undefined;
  }
}

/** The nearest sandbox construct that holds `apiObject`, if any. */
function ownerOf(apiObject: ApiObject): IConstruct | undefined {
  return [...apiObject.node.scopes].reverse().find((scope) => ownPodLabels.has(scope));
}

/**
 * The labels of `object`'s pods that its chart has, with the same value, and that its construct
 * does not give them itself.
 */
function inheritedLabels(object: Seen, labels: Readonly<Record<string, string>>): Record<string, string> {
  // cdk8s gives an object the labels of its own chart (the nearest), not those of charts above.
  const chartLabels = Chart.of(object.apiObject).labels;
  const own = object.owner === undefined ? {} : (ownPodLabels.get(object.owner) ?? {});
  return Object.fromEntries(
    Object.entries(labels).filter(([key, value]) => chartLabels[key] === value && own[key] !== value),
  );
}

/** A selector as kubectl prints one: `app=nginx,tier in (a,b)`. */
function formatSelector(selector: LabelSelector): string {
  const terms = [
    ...Object.entries(selector.matchLabels).map(([key, value]) => `${key}=${value}`),
    ...selector.matchExpressions.map(({ key, operator, values }) =>
      operator === 'Exists'
        ? key
        : operator === 'DoesNotExist'
          ? `!${key}`
          : `${key} ${operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`,
    ),
  ];
  return `the selector ${terms.length === 0 ? '(every pod)' : terms.join(',')}`;
}
