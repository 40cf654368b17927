// The constructs refuse, at synth, labels inherited from a chart that make a selector of one
// construct select another's pods, or the other way round, in plain cdk8s Charts as in the
// sandbox's own; a selector that matches by a pod's own labels is left alone.
import { type App, Chart, Testing } from 'cdk8s';
import { FibClient, NginxDeployment } from '../lib';
import { KubeDeployment, KubeService } from '../imports/k8s';

const PREFIX = 'Validation failed with the following errors:\n';
const FIX = "remove these labels from the chart's labels, or use another key, such as 'app.kubernetes.io/part-of'";

function synthAll(app: App): void {
  app.synthYaml();
}

test("a plain Chart labelled app: nginx makes nginx's ReplicaSet, PDB and NetworkPolicy select the fib-client Pod: refused", () => {
  const app = Testing.app();
  new FibClient(new Chart(app, 'web', { labels: { app: 'nginx' } }), 'fib-client');
  new NginxDeployment(new Chart(app, 'proxy', { labels: { app: 'nginx' } }), 'nginx');
  const pod =
    "the pods of Pod fib-client-pod (web/fib-client/pod) only through the labels { app: 'nginx' } that they inherit from chart web";
  expect(() => synthAll(app)).toThrow(
    new Error(
      PREFIX +
        `  [] Deployment nginx-deployment (proxy/nginx/deployment) selects by the selector app=nginx ${pod}: ` +
        `its ReplicaSet would adopt them, and may delete them to keep its replica count; ${FIX}\n` +
        `  [] PodDisruptionBudget nginx-pdb (proxy/nginx/pdb) selects by the selector app=nginx ${pod}: ` +
        `the PodDisruptionBudget would count them in its budget and hold their eviction; ${FIX}\n` +
        `  [] NetworkPolicy nginx-netpol (proxy/nginx/netpol) selects by the selector app=nginx ${pod}: ` +
        `the NetworkPolicy would confine their traffic to its rules; ${FIX}`,
    ),
  );
});

test("the other way round: nginx's pods inheriting the fib-client labels are selected by its Service and NetworkPolicy", () => {
  const app = Testing.app();
  new FibClient(new Chart(app, 'web'), 'fib-client');
  const labels = { component: 'web', 'app.kubernetes.io/instance': 'fib-client' };
  new NginxDeployment(new Chart(app, 'proxy', { labels }), 'nginx', { podDisruptionBudget: false });
  const pods =
    'the pods of Deployment nginx-deployment (proxy/nginx/deployment) only through the labels ' +
    "{ 'app.kubernetes.io/instance': 'fib-client', component: 'web' } that they inherit from chart proxy";
  expect(() => synthAll(app)).toThrow(
    new Error(
      PREFIX +
        '  [] Service fib-client-node-port (web/fib-client/service) selects by the selector ' +
        `app.kubernetes.io/instance=fib-client,component=web ${pods}: the Service would send its traffic to them; ${FIX}\n` +
        '  [] NetworkPolicy fib-client-netpol (web/fib-client/netpol) selects by the selector ' +
        `app.kubernetes.io/instance=fib-client,component=web ${pods}: the NetworkPolicy would confine their traffic to its rules; ${FIX}`,
    ),
  );
});

test("another workload's selector is checked against the constructs' pods, and a construct's against other pods", () => {
  const app = Testing.app();
  new FibClient(new Chart(app, 'web', { labels: { tier: 'front' } }), 'fib-client');
  new KubeDeployment(new Chart(app, 'mine'), 'front', {
    metadata: { name: 'front' },
    spec: {
      selector: { matchLabels: { tier: 'front' } },
      template: {
        metadata: { labels: { tier: 'front' } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.14.2' }] },
      },
    },
  });
  expect(() => synthAll(app)).toThrow(
    'Deployment front (mine/front) selects by the selector tier=front the pods of Pod fib-client-pod ' +
      "(web/fib-client/pod) only through the labels { tier: 'front' } that they inherit from chart web",
  );
});

test("selecting by a pod's own labels, or in another namespace, or the construct's own pods, is allowed", () => {
  const app = Testing.app();
  // The chart's app: nginx is the nginx pods' own label: nginx selects its own pods by it.
  new NginxDeployment(new Chart(app, 'proxy', { labels: { app: 'nginx' } }), 'nginx');
  // Another namespace: nothing there is selected across.
  new FibClient(new Chart(app, 'web', { namespace: 'other', labels: { app: 'nginx' } }), 'fib-client');
  // A Service of the user's that selects the fib-client Pod by its own labels.
  new KubeService(new Chart(app, 'mine', { namespace: 'other' }), 'to-fib', {
    metadata: { name: 'to-fib' },
    spec: { selector: { component: 'web' }, ports: [{ port: 80 }] },
  });
  expect(() => synthAll(app)).not.toThrow();
});

test("a chart label that gives another value to a label the construct's pods are selected by is refused at once", () => {
  expect(() => new FibClient(new Chart(Testing.app(), 'web', { labels: { component: 'api' } }), 'fib-client')).toThrow(
    new Error(
      "FibClient: the labels of chart web must not give another value to a label its pods are selected by (got { component: 'api' }, " +
        "where the pods have { component: 'web' }); use another key for the chart's label, such as 'app.kubernetes.io/part-of'",
    ),
  );
  expect(() => new NginxDeployment(new Chart(Testing.app(), 'proxy', { labels: { app: 'web' } }), 'nginx')).toThrow(
    "NginxDeployment: the labels of chart proxy must not give another value to a label its pods are selected by (got { app: 'web' }",
  );
});
