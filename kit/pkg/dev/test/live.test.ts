// The live state npm run dev prints after a deploy (live.ts): which pods are the deployed
// objects', and the line of each.
import { findObject } from '../../common/kube';
import { sandboxObjects } from '../../common/test/sandbox-fixture';
import { changedLines, liveLines, podLine } from '../live';

const NS = 'team-a';

function pod(name: string, labels: Record<string, string>, status: object, deleting = false) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'main' }] },
    status,
  };
}
const ready = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }],
};
const pulling = {
  phase: 'Pending',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [
    { name: 'main', ready: false, restartCount: 2, state: { waiting: { reason: 'ImagePullBackOff' } } },
  ],
};

test("a pod's line: phase, ready containers, restarts, and why a container waits", () => {
  expect(podLine(pod('a', {}, ready))).toBe(`Pod/${NS}/a: Running, 1/1 ready, 0 restarts`);
  expect(podLine(pod('b', {}, pulling))).toBe(`Pod/${NS}/b: Pending, 0/1 ready, 2 restarts (main: ImagePullBackOff)`);
  expect(podLine(pod('c', {}, ready, true))).toBe(`Pod/${NS}/c: Terminating, 1/1 ready, 0 restarts`);
});

test("the deployed Pod by name, the Deployment's pods by its selector and its ready count; no one else's", () => {
  const objects = sandboxObjects();
  const deployment = findObject(objects, 'Deployment', 'nginx-deployment');
  const labels = deployment.spec.selector.matchLabels as Record<string, string>;
  const deployed = objects.map((object) => ({ object, namespace: NS }));
  const lines = liveLines(deployed, [
    pod('fib-client-pod', {}, ready),
    pod('nginx-1', labels, ready),
    pod('nginx-2', labels, pulling),
    pod('nginx-old', labels, ready, true),
    pod('someone-elses', { app: 'other' }, ready),
  ]);
  expect([...lines.values()]).toEqual([
    `Pod/${NS}/fib-client-pod: Running, 1/1 ready, 0 restarts`,
    `Deployment/${NS}/nginx-deployment: 1/${deployment.spec.replicas} pods ready`,
    `Pod/${NS}/nginx-1: Running, 1/1 ready, 0 restarts`,
    `Pod/${NS}/nginx-2: Pending, 0/1 ready, 2 restarts (main: ImagePullBackOff)`,
    `Pod/${NS}/nginx-old: Terminating, 1/1 ready, 0 restarts`,
  ]);
});

test('only what changed is printed again, and a pod that went is said once', () => {
  const before = new Map([
    ['Pod/ns/a', 'Pod/ns/a: Running, 1/1 ready, 0 restarts'],
    ['Pod/ns/b', 'Pod/ns/b: Running, 1/1 ready, 0 restarts'],
  ]);
  const after = new Map([
    ['Pod/ns/a', 'Pod/ns/a: Running, 1/1 ready, 0 restarts'],
    ['Pod/ns/c', 'Pod/ns/c: Pending, 0/1 ready, 0 restarts'],
  ]);
  expect(changedLines(before, after)).toEqual(['Pod/ns/c: Pending, 0/1 ready, 0 restarts', 'Pod/ns/b: gone']);
  expect(changedLines(after, after)).toEqual([]);
});
