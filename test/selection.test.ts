// Objects that select pods by label (a Service, a NetworkPolicy, a PodDisruptionBudget, a
// Deployment) select the pods of their own construct and no other: across everything main.ts
// synthesizes, and between any two instances with different names, in one chart or in two.
import { ApiObject, Chart, Testing } from 'cdk8s';
import type { Construct } from 'constructs';
import { FibClient, FibClientChart, NginxChart, NginxDeployment, addSandboxCharts } from '../lib';
import type { Manifest } from './manifests';

interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes' label selector semantics: every matchLabels pair and every expression hold. */
function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] as string);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] as string);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown operator ${operator}`);
    }
  });
  return pairs && expressions;
}

/** The pod selector of an object, by `Kind/name`: none if it selects no pods. */
function podSelector(object: Manifest): [string, LabelSelector][] {
  const id = `${object.kind}/${object.metadata.name}`;
  switch (object.kind) {
    case 'Service':
      // A Service without a selector manages no endpoints: it selects nothing.
      return object.spec.selector === undefined ? [] : [[id, { matchLabels: object.spec.selector }]];
    case 'NetworkPolicy':
      return [[id, object.spec.podSelector]];
    case 'PodDisruptionBudget':
    case 'Deployment':
      return [[id, object.spec.selector]];
    default:
      return [];
  }
}

/** The labels of the pods an object creates, by `Kind/name`: none if it creates no pods. */
function podLabels(object: Manifest): [string, Record<string, string>][] {
  const id = `${object.kind}/${object.metadata.name}`;
  if (object.kind === 'Pod') {
    return [[id, object.metadata.labels ?? {}]];
  }
  return object.spec?.template ? [[id, object.spec.template.metadata?.labels ?? {}]] : [];
}

/** The manifests of the objects a construct created, wherever it sits in the app. */
function objectsOf(construct: Construct): Manifest[] {
  return construct.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => o.toJson() as Manifest);
}

/**
 * For each selector of each instance, the pods it selects among the pods of every instance:
 * `Kind/name -> Kind/name of the pods' owner`.
 */
function selections(instances: readonly Construct[]): Record<string, string[]> {
  const pods = instances.flatMap(objectsOf).flatMap((o) => podLabels(o));
  const result: Record<string, string[]> = {};
  for (const [id, selector] of instances.flatMap(objectsOf).flatMap((o) => podSelector(o))) {
    result[id] = pods.filter(([, labels]) => matches(selector, labels)).map(([owner]) => owner);
  }
  return result;
}

test('the sandbox: each selector selects its own pods only', () => {
  expect(selections(Object.values(addSandboxCharts(Testing.app())))).toEqual({
    'Service/fib-client-node-port': ['Pod/fib-client-pod'],
    'NetworkPolicy/fib-client-netpol': ['Pod/fib-client-pod'],
    'Deployment/nginx-deployment': ['Deployment/nginx-deployment'],
    'PodDisruptionBudget/nginx-pdb': ['Deployment/nginx-deployment'],
    'NetworkPolicy/nginx-netpol': ['Deployment/nginx-deployment'],
  });
});

test('two FibClients in one chart, with the default component, never select each other', () => {
  const chart = Testing.chart();
  const instances = [
    new FibClient(chart, 'a'),
    new FibClient(chart, 'b', { name: 'other', nodePort: 31516, containerPort: 8080 }),
  ];
  expect(selections(instances)).toEqual({
    'Service/fib-client-node-port': ['Pod/fib-client-pod'],
    'NetworkPolicy/fib-client-netpol': ['Pod/fib-client-pod'],
    'Service/other-node-port': ['Pod/other-pod'],
    'NetworkPolicy/other-netpol': ['Pod/other-pod'],
  });
});

test('every construct of the library, two of each, in two charts: each selects its own pods only', () => {
  const app = Testing.app();
  const instances = [
    new FibClientChart(app, 'fib-a'),
    new FibClientChart(app, 'fib-b', { name: 'calc', nodePort: 31516 }),
    new NginxChart(app, 'nginx-a'),
    new NginxChart(app, 'nginx-b', { name: 'web' }),
  ];
  expect(selections(instances)).toEqual({
    'Service/fib-client-node-port': ['Pod/fib-client-pod'],
    'NetworkPolicy/fib-client-netpol': ['Pod/fib-client-pod'],
    'Service/calc-node-port': ['Pod/calc-pod'],
    'NetworkPolicy/calc-netpol': ['Pod/calc-pod'],
    'Deployment/nginx-deployment': ['Deployment/nginx-deployment'],
    'PodDisruptionBudget/nginx-pdb': ['Deployment/nginx-deployment'],
    'NetworkPolicy/nginx-netpol': ['Deployment/nginx-deployment'],
    'Deployment/web-deployment': ['Deployment/web-deployment'],
    'PodDisruptionBudget/web-pdb': ['Deployment/web-deployment'],
    'NetworkPolicy/web-netpol': ['Deployment/web-deployment'],
  });
});

test('a FibClient and an NginxDeployment of the same name, whatever the component, stay apart', () => {
  const chart = new Chart(Testing.app(), 'c');
  const instances = [
    new FibClient(chart, 'fib', { name: 'web', component: 'web', networkPolicy: false }),
    new NginxDeployment(chart, 'nginx', { name: 'web', networkPolicy: false }),
  ];
  expect(selections(instances)).toEqual({
    'Service/web-node-port': ['Pod/web-pod'],
    'Deployment/web-deployment': ['Deployment/web-deployment'],
    'PodDisruptionBudget/web-pdb': ['Deployment/web-deployment'],
  });
});

describe('the label selector semantics of this test', () => {
  test.each<[LabelSelector, Record<string, string>, boolean]>([
    [{}, { a: '1' }, true],
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1', b: '1' } }, { a: '1', b: '2' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { b: '1' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { b: '1' }, true],
  ])('%j matches %j: %p', (selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });
});
