// Bench-only control app for `npm run bench`'s scale table: what cdk8s and cdk8s-plus-27 alone cost
// for the scale app's shape. Each pair is the same six objects the sandbox's pair synthesizes (a
// Pod, its NodePort Service, a Deployment, a PodDisruptionBudget and two NetworkPolicies), with
// the cdk8s-plus-27 features that add constructs to the tree as the sandbox's do (two emptyDir
// volumes per pod, the replicas' anti-affinity), built from cdk8s-plus-27 and cdk8s's ApiObject
// without the sandbox's constructs or checks, in the PAIRS and SHAPE of scale-pairs.ts.
import { ApiObject, App, type Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { synthesizePairs } from './scale-pairs';

/** Mounts the emptyDir volumes nginx writes to, as the sandbox's containers have them. */
function mountWritablePaths(workload: kplus.AbstractPod, container: kplus.Container): void {
  for (const [id, mountPath] of [
    ['cache-volume', '/var/cache/nginx'],
    ['run-volume', '/var/run'],
  ] as const) {
    container.mount(mountPath, kplus.Volume.fromEmptyDir(workload, id, id));
  }
}

function networkPolicy(chart: Chart, id: string, labels: Record<string, string>, port: number): void {
  new ApiObject(chart, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: id, labels },
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ port, protocol: 'TCP' }] }],
    },
  });
}

synthesizePairs(new App(), (chart, i, nodePort) => {
  const web = { component: `web-${i}` };
  const pod = new kplus.Pod(chart, `fib-client-${i}`, { metadata: { name: `fib-client-${i}`, labels: web } });
  const client = pod.addContainer({ name: 'client', image: 'rgederin/fib-client-standalone-k8s', portNumber: 3000 });
  mountWritablePaths(pod, client);
  new kplus.Service(chart, `fib-client-${i}-service`, {
    metadata: { name: `fib-client-${i}-node-port` },
    type: kplus.ServiceType.NODE_PORT,
    selector: pod,
    ports: [{ port: 3050, targetPort: 3000, nodePort }],
  });
  networkPolicy(chart, `fib-client-${i}-netpol`, web, 3000);

  const nginx = { app: `nginx-${i}` };
  const deployment = new kplus.Deployment(chart, `nginx-${i}`, {
    metadata: { name: `nginx-${i}`, labels: nginx },
    replicas: 2,
    podMetadata: { labels: nginx },
  });
  const server = deployment.addContainer({ name: 'nginx', image: 'nginx:1.14.2', portNumber: 80 });
  mountWritablePaths(deployment, server);
  deployment.scheduling.separate(kplus.Pods.select(chart, `nginx-${i}-replicas`, { labels: nginx }), { weight: 100 });
  new ApiObject(chart, `nginx-${i}-pdb`, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: `nginx-${i}-pdb` },
    spec: { maxUnavailable: 1, selector: { matchLabels: nginx } },
  });
  networkPolicy(chart, `nginx-${i}-netpol`, nginx, 80);
});
