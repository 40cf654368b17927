// Across everything main.ts synthesizes: the NodePort Service selects the fib-client Pod
// and nothing else.
import { Testing } from 'cdk8s';
import { FibClientChart, NginxChart } from '../lib';
import { findObject, podLabels, selects, synth } from './manifests';

test('fib-client-node-port selects only the fib-client Pod', () => {
  const app = Testing.app();
  const manifests = [...synth(new FibClientChart(app, 'fib-client')), ...synth(new NginxChart(app, 'nginx'))];
  const selector = findObject(manifests, 'Service', 'fib-client-node-port').spec.selector;

  const selected = podLabels(manifests)
    .filter((pod) => selects(selector, pod.labels))
    .map((pod) => pod.owner);

  expect(selected).toEqual(['Pod/fib-client-pod']);
});

test('selects() needs every selector label to match', () => {
  expect(selects({ component: 'web' }, { component: 'web', extra: 'x' })).toBe(true);
  expect(selects({ component: 'web' }, { app: 'nginx' })).toBe(false);
  expect(selects({ component: 'web', tier: 'a' }, { component: 'web' })).toBe(false);
  // An empty selector matches no pod here: Kubernetes then manages no endpoints at all.
  expect(selects({}, { component: 'web' })).toBe(false);
});
