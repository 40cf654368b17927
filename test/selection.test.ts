// Between instances of the constructs: by default no construct selects or restricts pods that
// another instance created, in one chart or in two, whatever their names and the shared
// `component: web`. Label matching is the toolkit's (kit/pkg/common/kube.ts, proven against
// Kubernetes' own in kit/pkg/check/test/selection.test.ts), used here as a test library.
import { ApiObject, Chart, Testing } from 'cdk8s';
import type { Construct } from 'constructs';
import { FibClient, FibClientChart, NginxChart, NginxDeployment } from '../lib';
import { type KubeObject, podSelector, podTemplate, selects } from 'k8s-sandbox-kit/objects';

/** `Kind/name` of each object a construct created, and the pods those objects make. */
function objectsOf(construct: Construct): KubeObject[] {
  return construct.node
    .findAll()
    .filter(ApiObject.isApiObject)
    .map((o) => o.toJson() as KubeObject);
}
const idOf = (o: KubeObject) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`;

/** For each selecting object of every instance: the owners, among all instances, of the pods it selects. */
function selections(instances: readonly Construct[]): Record<string, string[]> {
  const objects = instances.flatMap(objectsOf);
  const pods = objects.flatMap((o) => {
    const template = podTemplate(o);
    return template ? [{ owner: idOf(o), labels: template.labels }] : [];
  });
  const result: Record<string, string[]> = {};
  for (const object of objects) {
    const selector = podSelector(object);
    if (selector) {
      result[idOf(object)] = pods.filter((p) => selects(selector, p.labels)).map((p) => p.owner);
    }
  }
  return result;
}

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
    'PodDisruptionBudget/nginx-pdb': ['Deployment/nginx-deployment'],
    'NetworkPolicy/nginx-netpol': ['Deployment/nginx-deployment'],
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
    'PodDisruptionBudget/web-pdb': ['Deployment/web-deployment'],
  });
});
