// The review tools' label matching (kit/pkg/common/kube.ts, which the diff's "selects no pods" and
// the diagram's edges rest on) against Kubernetes' own: k8s.io/apimachinery's labels package
// through kube-rules, at the release the cluster builds, on the same selectors and pods.
import { binaryPath } from '../../common/go-tools';
import { type KubeObject, podSelector, selects } from '../../common/kube';
import { run } from '../../common/process';

const pods: Record<string, string>[] = [
  {},
  { app: 'nginx' },
  { app: 'nginx', tier: 'web' },
  { app: 'web' },
  { component: 'web' },
  { app: '' },
  { 'example.com/app': 'nginx' },
];

// A Service's map and a label selector of every operator, empty, missing, and refused by Kubernetes
// (an unknown operator, values its operator does not take).
const selecting: KubeObject[] = [
  service({ app: 'nginx' }),
  service({ app: 'nginx', tier: 'web' }),
  service({}),
  service(undefined),
  policy({ matchLabels: { app: 'nginx' } }),
  policy({}),
  policy(undefined),
  policy({ matchExpressions: [{ key: 'app', operator: 'In', values: ['nginx', 'web'] }] }),
  policy({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nginx'] }] }),
  policy({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
  policy({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }),
  policy({ matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }),
  policy({ matchExpressions: [{ key: 'app', operator: 'In', values: [''] }] }),
  policy({ matchLabels: { 'example.com/app': 'nginx' } }),
  policy({ matchExpressions: [{ key: 'app', operator: 'Bogus', values: ['nginx'] }] }),
  policy({ matchExpressions: [{ key: 'app', operator: 'In' }] }),
  policy({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: [] }] }),
  policy({ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['web'] }] }),
];

function service(selector: Record<string, string> | undefined): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector } };
}

function policy(podSelector: unknown): KubeObject {
  const kind = 'NetworkPolicy';
  return { apiVersion: 'networking.k8s.io/v1', kind, metadata: { name: 'p' }, spec: { podSelector } };
}

test('every selector selects the same pods as Kubernetes selects', async () => {
  const cases = selecting.flatMap((object) => pods.map((labels) => ({ object, labels })));
  const questions = cases.map(({ object, labels }) => {
    const spec = object.spec as { selector?: Record<string, string>; podSelector?: unknown };
    return object.kind === 'Service'
      ? { set: spec.selector ?? {}, labels }
      : { selector: spec.podSelector ?? null, labels };
  });
  const { stdout } = await run(binaryPath('kube-rules'), ['selects'], { input: JSON.stringify(questions) });
  // Kubernetes answers true, false, or why it refuses the selector; a refusal is compared as one.
  const upstream = (JSON.parse(stdout) as (boolean | string)[]).map((answer) =>
    typeof answer === 'string' ? 'refused' : answer,
  );
  const show = (i: number, verdict: boolean | string) => `${JSON.stringify(questions[i])} -> ${verdict}`;
  const ours = cases.map(({ object, labels }) => {
    try {
      const selector = podSelector(object);
      return selector !== undefined && selects(selector, labels);
    } catch {
      return 'refused';
    }
  });
  expect(ours.map((verdict, i) => show(i, verdict))).toEqual(upstream.map((verdict, i) => show(i, verdict)));
  // Every answer occurs, so the comparison can tell them apart.
  expect(new Set(upstream)).toEqual(new Set([true, false, 'refused']));
});
