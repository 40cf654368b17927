// Two objects that kubectl would apply as one, or two Services asking for one nodePort, fail the
// synthesis of the whole app, wherever they are, with both construct paths in the message.
import { ApiObject, type App, Chart, JsonPatch, Testing } from 'cdk8s';
import { FibClient, FibClientChart, NginxChart, NginxDeployment, SandboxApp, addSandboxCharts } from '../lib';
import { KubeClusterRole, KubeConfigMap, KubeCustomResourceDefinition, KubeRole, KubeService } from '../imports/k8s';
import { makeTempDir } from 'k8s-sandbox-kit/testing';

const PREFIX = 'Validation failed with the following errors:\n';

/** A SandboxApp that writes into a temporary folder, as Testing.app() does. */
function sandboxApp(): SandboxApp {
  return new SandboxApp({ outdir: makeTempDir('cdk8s.outdir.') });
}

function synthAll(app: App): void {
  for (const chart of app.charts) {
    Testing.synth(chart);
  }
}

test('a second default FibClientChart beside the sandbox is refused, naming both paths', () => {
  const app = Testing.app();
  addSandboxCharts(app);
  const second = new FibClientChart(app, 'second');
  const refusal =
    PREFIX +
    '  [] Pod fib-client-pod is defined twice, by fib-client/fib-client/pod and second/fib-client/pod: ' +
    'kubectl apply would keep only the last one; give one of them another name or namespace\n' +
    '  [] Service fib-client-node-port is defined twice, by fib-client/fib-client/service and ' +
    'second/fib-client/service: kubectl apply would keep only the last one; give one of them another name or namespace\n' +
    '  [] NetworkPolicy fib-client-netpol is defined twice, by fib-client/fib-client/netpol and ' +
    'second/fib-client/netpol: kubectl apply would keep only the last one; give one of them another name or namespace';
  expect(() => Testing.synth(second)).toThrow(new Error(refusal));
  expect(() => app.synth()).toThrow(new Error(refusal));
});

test('two NginxDeployments of one name in one chart are refused', () => {
  const chart = Testing.chart();
  new NginxDeployment(chart, 'a', { podDisruptionBudget: false, networkPolicy: false });
  new NginxDeployment(chart, 'b', { podDisruptionBudget: false, networkPolicy: false });
  expect(() => Testing.synth(chart)).toThrow(
    new Error(
      PREFIX +
        '  [] Deployment nginx-deployment is defined twice, by test/a/deployment and test/b/deployment: ' +
        'kubectl apply would keep only the last one; give one of them another name or namespace',
    ),
  );
});

test('a FibClient and an NginxDeployment of one name both make ${name}-netpol: refused', () => {
  const chart = Testing.chart();
  new FibClient(chart, 'fib', { name: 'web' });
  new NginxDeployment(chart, 'nginx', { name: 'web' });
  expect(() => Testing.synth(chart)).toThrow(
    'NetworkPolicy web-netpol is defined twice, by test/fib/netpol and test/nginx/netpol',
  );
});

test("any object of the app counts, not only the constructs' own, and the namespace is named", () => {
  const app = Testing.app();
  new NginxChart(app, 'nginx', { namespace: 'sandbox' });
  new KubeConfigMap(new Chart(app, 'mine', { namespace: 'sandbox' }), 'config', {
    metadata: { name: 'nginx-pdb' },
  });
  new KubeConfigMap(new Chart(app, 'yours', { namespace: 'sandbox' }), 'config', {
    metadata: { name: 'nginx-pdb' },
  });
  expect(() => synthAll(app)).toThrow(
    new Error(
      PREFIX +
        '  [] ConfigMap nginx-pdb in namespace sandbox is defined twice, by mine/config and yours/config: ' +
        'kubectl apply would keep only the last one; give one of them another name or namespace',
    ),
  );
});

test('no namespace is the namespace default', () => {
  const app = Testing.app();
  new NginxChart(app, 'a', { podDisruptionBudget: false, networkPolicy: false });
  new NginxChart(app, 'b', { namespace: 'default', podDisruptionBudget: false, networkPolicy: false });
  expect(() => synthAll(app)).toThrow(
    new Error(
      PREFIX +
        '  [] Deployment nginx-deployment in namespace default is defined twice, by a/nginx/deployment and ' +
        'b/nginx/deployment: kubectl apply would keep only the last one; give one of them another name or namespace',
    ),
  );
});

test('the same names in two namespaces, or of two kinds, are two objects', () => {
  const app = Testing.app();
  new FibClientChart(app, 'a', { namespace: 'one' });
  new FibClientChart(app, 'b', { namespace: 'two', nodePort: 31516 });
  new KubeConfigMap(new Chart(app, 'c', { namespace: 'one' }), 'config', { metadata: { name: 'fib-client-pod' } });
  expect(() => synthAll(app)).not.toThrow();
});

describe('a cluster-scoped object is one object whatever namespace its chart has', () => {
  /** An app with the sandbox's charts, whose constructs check every object of the app. */
  function checkedApp(): App {
    const app = Testing.app();
    addSandboxCharts(app);
    return app;
  }
  const reader = (chart: Chart) =>
    new KubeClusterRole(chart, 'reader', {
      metadata: { name: 'sandbox-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    });

  test('two ClusterRoles of one name in charts of two namespaces are refused', () => {
    const app = checkedApp();
    reader(new Chart(app, 'a', { namespace: 'one' }));
    reader(new Chart(app, 'b', { namespace: 'two' }));
    expect(() => synthAll(app)).toThrow(
      new Error(
        PREFIX +
          '  [] ClusterRole sandbox-reader is defined twice, by a/reader and b/reader: kubectl apply would keep ' +
          'only the last one; give one of them another name: a ClusterRole is cluster-scoped, one object whatever ' +
          'namespace its chart has',
      ),
    );
  });

  test('a Role, namespaced, of one name in two namespaces is two objects', () => {
    const app = checkedApp();
    for (const [id, namespace] of [
      ['a', 'one'],
      ['b', 'two'],
    ]) {
      new KubeRole(new Chart(app, id, { namespace }), 'reader', { metadata: { name: 'sandbox-reader' } });
    }
    expect(() => synthAll(app)).not.toThrow();
  });

  /** A CustomResourceDefinition of the kind Widget.example.com with `scope`. */
  function widgets(chart: Chart, scope: string) {
    new KubeCustomResourceDefinition(chart, 'crd', {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope,
        versions: [{ name: 'v1', served: true, storage: true, schema: { openApiv3Schema: { type: 'object' } } }],
      },
    });
  }
  const widget = (chart: Chart, id: string) =>
    new ApiObject(chart, id, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });

  test("a custom kind is as its CustomResourceDefinition's spec.scope declares it", () => {
    const cluster = checkedApp();
    widgets(new Chart(cluster, 'crds'), 'Cluster');
    widget(new Chart(cluster, 'a', { namespace: 'one' }), 'w');
    widget(new Chart(cluster, 'b', { namespace: 'two' }), 'w');
    expect(() => synthAll(cluster)).toThrow(
      'Widget w is defined twice, by a/w and b/w: kubectl apply would keep only the last one; give one of them ' +
        'another name: a Widget is cluster-scoped',
    );

    const namespaced = checkedApp();
    widgets(new Chart(namespaced, 'crds'), 'Namespaced');
    widget(new Chart(namespaced, 'a', { namespace: 'one' }), 'w');
    widget(new Chart(namespaced, 'b', { namespace: 'two' }), 'w');
    expect(() => synthAll(namespaced)).not.toThrow();
  });
});

test('two Services asking for one nodePort are refused, in any namespaces', () => {
  const app = Testing.app();
  new FibClientChart(app, 'a', { namespace: 'one' });
  new FibClientChart(app, 'b', { namespace: 'two', name: 'calc' });
  expect(() => synthAll(app)).toThrow(
    new Error(
      PREFIX +
        '  [] nodePort 31515 is taken twice, by Service fib-client-node-port (a/fib-client/service) and ' +
        'Service calc-node-port (b/fib-client/service): the API server gives a nodePort to one Service in ' +
        'the whole cluster; give one of them another nodePort',
    ),
  );
});

test('a Service made without cdk8s-plus counts too, through its synthesized ports', () => {
  const app = Testing.app();
  new FibClientChart(app, 'a');
  new KubeService(new Chart(app, 'b'), 'raw', {
    metadata: { name: 'raw-node-port' },
    spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31515 }] },
  });
  expect(() => synthAll(app)).toThrow(
    /nodePort 31515 is taken twice, by Service fib-client-node-port \(a\/fib-client\/service\) and Service raw-node-port \(b\/raw\)/,
  );
});

describe('within one Service, a nodePort is shared only by one port number for two protocols', () => {
  function serviceWith(ports: { port: number; nodePort?: number; protocol?: string }[]) {
    const chart = Testing.chart();
    new FibClient(chart, 'fib-client', { networkPolicy: false });
    new KubeService(chart, 'raw', { metadata: { name: 'raw-node-port' }, spec: { type: 'NodePort', ports } });
    return () => Testing.synth(chart);
  }

  test('a second TCP port of the fib-client Service on 31515 is refused (the API server: Duplicate value)', () => {
    const chart = Testing.chart();
    const fibClient = new FibClient(chart, 'fib-client');
    fibClient.service.bind(8080, { name: 'admin', targetPort: 8080, nodePort: 31515 });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        PREFIX +
          '  [] nodePort 31515 is taken twice in Service fib-client-node-port (test/fib-client/service), by ' +
          'spec.ports[0] (3050/TCP) and spec.ports[1] (8080/TCP): the API server lets two ports of a Service share ' +
          'a nodePort only when they have one port number and two protocols; give spec.ports[1] another nodePort',
      ),
    );
  });

  test('two port numbers for two protocols are refused (the allocator: provided port is already allocated)', () => {
    expect(
      serviceWith([
        { port: 80, nodePort: 30080, protocol: 'TCP' },
        { port: 81, nodePort: 30080, protocol: 'UDP' },
      ]),
    ).toThrow(
      'nodePort 30080 is taken twice in Service raw-node-port (test/raw), by spec.ports[0] (80/TCP) and ' +
        'spec.ports[1] (81/UDP): the API server lets two ports of a Service share a nodePort only when they ' +
        'have one port number and two protocols; give spec.ports[1] another nodePort or port 80',
    );
  });

  test('no protocol is TCP', () => {
    expect(
      serviceWith([
        { port: 53, nodePort: 30053 },
        { port: 53, nodePort: 30053, protocol: 'TCP' },
      ]),
    ).toThrow('by spec.ports[0] (53/TCP) and spec.ports[1] (53/TCP)');
  });

  test('one port number for TCP and UDP may share it, and nodePort 0 asks for any', () => {
    expect(
      serviceWith([
        { port: 53, nodePort: 30053, protocol: 'TCP' },
        { port: 53, nodePort: 30053, protocol: 'UDP' },
        { port: 54, nodePort: 0 },
        { port: 55, nodePort: 0 },
      ]),
    ).not.toThrow();
  });
});

test('a TCP and a UDP Service on one nodePort are refused: the API server allocates the number once', () => {
  const app = Testing.app();
  new FibClientChart(app, 'a');
  new KubeService(new Chart(app, 'b'), 'raw', {
    metadata: { name: 'raw-node-port' },
    spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31515, protocol: 'UDP' }] },
  });
  expect(() => synthAll(app)).toThrow(
    /nodePort 31515 is taken twice, by Service fib-client-node-port \(a\/fib-client\/service\) and Service raw-node-port \(b\/raw\)/,
  );
});

test('a nodePort set through an escape hatch counts: the check reads the synthesized Service', () => {
  const app = Testing.app();
  new FibClientChart(app, 'a');
  const b = new FibClientChart(app, 'b', { name: 'calc', nodePort: 31516 });
  ApiObject.of(b.fibClient.service).addJsonPatch(JsonPatch.replace('/spec/ports/0/nodePort', 31515));
  expect(() => app.synth()).toThrow(
    new Error(
      PREFIX +
        '  [] nodePort 31515 is taken twice, by Service fib-client-node-port (a/fib-client/service) and ' +
        'Service calc-node-port (b/fib-client/service): the API server gives a nodePort to one Service in ' +
        'the whole cluster; give one of them another nodePort',
    ),
  );
});

test('a name set through an escape hatch counts too', () => {
  const chart = Testing.chart();
  new NginxDeployment(chart, 'nginx', { podDisruptionBudget: false, networkPolicy: false });
  new KubeConfigMap(chart, 'a', { metadata: { name: 'settings' } });
  const b = new KubeConfigMap(chart, 'b', { metadata: { name: 'other' } });
  b.addJsonPatch(JsonPatch.replace('/metadata/name', 'settings'));
  expect(() => Testing.synth(chart)).toThrow(
    'ConfigMap settings is defined twice, by test/a and test/b: kubectl apply would keep only the last one',
  );
});

test('SandboxApp.synth runs the check once, not once per chart', () => {
  const app = sandboxApp();
  const charts = addSandboxCharts(app);
  new NginxChart(app, 'third', { name: 'third' });
  // The check renders each object once; so does App.synth when it writes the files.
  const render = jest.spyOn(ApiObject.of(charts.fibClient.fibClient.service), 'toJson');
  app.synth();
  expect(render).toHaveBeenCalledTimes(2);
  render.mockClear();
  app.synthYaml();
  expect(render).toHaveBeenCalledTimes(2);
});

test('any App runs the check once per synth too: cdk8s validates the app once per chart, the check runs once', () => {
  const app = Testing.app();
  const charts = addSandboxCharts(app);
  new NginxChart(app, 'third', { name: 'third' });
  const render = jest.spyOn(ApiObject.of(charts.fibClient.fibClient.service), 'toJson');
  app.synth();
  // Once for the check, once for the file; before, once per validation of the app (4) and the file.
  expect(render).toHaveBeenCalledTimes(2);
  render.mockClear();
  app.synthYaml();
  expect(render).toHaveBeenCalledTimes(2);
});

test('each synth checks the app as it is then: an object added after a synth is checked by the next', () => {
  const app = sandboxApp();
  const charts = addSandboxCharts(app);
  expect(() => app.synth()).not.toThrow();
  expect(() => Testing.synth(charts.nginx)).not.toThrow();
  new KubeService(new Chart(app, 'late'), 'raw', {
    metadata: { name: 'raw-node-port' },
    spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31515 }] },
  });
  expect(() => Testing.synth(charts.nginx)).toThrow(/nodePort 31515 is taken twice/);
  expect(() => app.synth()).toThrow(/nodePort 31515 is taken twice/);
});

test("SandboxApp.synth checks each workload's pod spec once too, not once per chart", () => {
  const app = sandboxApp();
  const charts = addSandboxCharts(app);
  new NginxChart(app, 'third', { name: 'third' });
  // The pod spec check renders it once; the app's check renders the Deployment twice (its
  // manifest, and its patched JSON before cdk8s converts it), App.synth once more for the file.
  const render = jest.spyOn(charts.nginx.nginx.deployment as unknown as { _toPodSpec: () => unknown }, '_toPodSpec');
  app.synth();
  expect(render).toHaveBeenCalledTimes(4);
});
