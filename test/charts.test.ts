// The charts and addSandboxCharts: flat props, the Chart's own props checked like the
// constructs' props, and one chart per file of dist/.
import { Testing } from 'cdk8s';
import { FibClientChart, NginxChart, addSandboxCharts } from '../lib';
import { findObject, synth } from './manifests';

test('addSandboxCharts adds the charts main.ts synthesizes, one per file of dist/', () => {
  const app = Testing.app();
  const charts = addSandboxCharts(app);
  expect(app.charts).toEqual([charts.fibClient, charts.nginx]);
  expect(app.charts.map((chart) => chart.node.id)).toEqual(['fib-client', 'nginx']);
});

test('addSandboxCharts checks its props: one object of props per chart', () => {
  expect(() => addSandboxCharts(Testing.app(), { nginxx: { replicas: 3 } } as object)).toThrow(
    "addSandboxCharts: 'nginxx' is not a prop (got { replicas: 3 }); the props are fibClient, nginx",
  );
  expect(() => addSandboxCharts(Testing.app(), { fibClient: 31516 } as object)).toThrow(
    'addSandboxCharts: fibClient must be an object of FibClientChart props (got 31516, a number)',
  );
  expect(() => addSandboxCharts(Testing.app(), { nginx: { replicas: -1 } })).toThrow(
    'NginxDeployment: replicas must be an integer in 0-2147483647 (got -1)',
  );
});

test("chart props are flat: the construct's props beside the Chart's", () => {
  const app = Testing.app();
  const fibClient = synth(new FibClientChart(app, 'x', { nodePort: 31516, namespace: 'sandbox' }));
  const nginx = synth(new NginxChart(app, 'y', { replicas: 3, labels: { team: 'web' } }));
  const service = findObject(fibClient, 'Service', 'fib-client-node-port');
  expect(service.spec.ports[0].nodePort).toBe(31516);
  expect(service.metadata).toMatchObject({ namespace: 'sandbox' });
  const deployment = findObject(nginx, 'Deployment', 'nginx-deployment');
  expect(deployment.spec.replicas).toBe(3);
  expect(deployment.metadata.labels).toEqual({ app: 'nginx', team: 'web' });
});

test('a construct prop given to the chart is checked by the construct', () => {
  expect(() => new FibClientChart(Testing.app(), 'x', { nodePort: 80 })).toThrow(
    "FibClient: nodePort must be an integer in 30000-32767 (got 80); pick a port in the API server's default --service-node-port-range",
  );
});

describe('validation of the Chart props', () => {
  test.each([
    ['Sandbox', "'Sandbox'"],
    ['-sandbox', "'-sandbox'"],
    ['a'.repeat(64), `'${'a'.repeat(64)}'`],
    [7, '7, a number'],
  ])('namespace %p is refused', (namespace, shown) => {
    expect(() => new NginxChart(Testing.app(), 'x', { namespace: namespace as string })).toThrow(
      "NginxChart: namespace must be a DNS-1123 label of 1-63 characters (lowercase letters, digits and '-', " +
        `starting and ending with a letter or digit) (got ${shown})`,
    );
  });

  const LABELS_RULE =
    "FibClientChart: labels must be a plain object of labels ({ key: 'value' }), each key a label name such as 'app' or 'example.com/app' " +
    "and each value a label value: at most 63 characters, letters, digits, '-', '_' and '.', starting and ending " +
    'with a letter or digit, or empty';

  test.each([
    [{ 'my team': 'web' }, "{ 'my team': 'web' }"],
    [{ 'a/b/c': 'web' }, "{ 'a/b/c': 'web' }"],
    [{ 'Example.com/team': 'web' }, "{ 'Example.com/team': 'web' }"],
    [{ team: 'web app' }, "{ team: 'web app' }"],
    [{ team: 1 }, '{ team: 1 }'],
    ['team=web', "'team=web', a string"],
  ])('labels %p are refused', (labels, shown) => {
    expect(() => new FibClientChart(Testing.app(), 'x', { labels: labels as Record<string, string> })).toThrow(
      `${LABELS_RULE} (got ${shown})`,
    );
  });

  test('valid label keys and values are accepted', () => {
    const labels = { 'app.kubernetes.io/part-of': 'k8s-sandbox', team: '', 'example.com/Tier_1.a': 'A-1' };
    const chart = new FibClientChart(Testing.app(), 'x', { labels });
    expect(findObject(synth(chart), 'Service', 'fib-client-node-port').metadata.labels).toMatchObject(labels);
  });

  test('disableResourceNameHashes must be a boolean', () => {
    expect(
      () => new NginxChart(Testing.app(), 'x', { disableResourceNameHashes: 'yes' as unknown as boolean }),
    ).toThrow("NginxChart: disableResourceNameHashes must be true or false (got 'yes', a string)");
  });

  test('props that are not an object are refused', () => {
    expect(() => new NginxChart(Testing.app(), 'x', null as unknown as object)).toThrow(
      'NginxChart: props must be an object (got null)',
    );
  });
});

describe('chart labels', () => {
  test('a chart label that makes nginx select the fib-client Pod fails the synth (the constructs guard it)', () => {
    // The fib-client Pod labelled app: nginx would be selected by nginx's PodDisruptionBudget,
    // NetworkPolicy and ReplicaSet.
    const charts = addSandboxCharts(Testing.app(), { fibClient: { labels: { app: 'nginx' } } });
    expect(() => synth(charts.nginx)).toThrow(
      'Deployment nginx-deployment (nginx/nginx/deployment) selects by the selector app=nginx the pods of Pod ' +
        "fib-client-pod (fib-client/fib-client/pod) only through the labels { app: 'nginx' } that they inherit " +
        'from chart fib-client: its ReplicaSet would adopt them',
    );
  });

  test('a label a construct selects by is allowed where it selects nothing else', () => {
    const charts = addSandboxCharts(Testing.app(), {
      fibClient: { labels: { 'app.kubernetes.io/instance': 'fib-client' } },
      nginx: { labels: { team: 'web', component: 'web' } },
    });
    expect(() => [...synth(charts.fibClient), ...synth(charts.nginx)]).not.toThrow();
  });

  test('any other label reaches every object of the chart, and the pods a Deployment creates', () => {
    const labels = { team: 'web', 'app.kubernetes.io/part-of': 'k8s-sandbox' };
    const charts = addSandboxCharts(Testing.app(), { fibClient: { labels }, nginx: { labels } });
    const manifests = [...synth(charts.fibClient), ...synth(charts.nginx)];
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'Deployment/nginx-deployment',
      'NetworkPolicy/fib-client-netpol',
      'NetworkPolicy/nginx-netpol',
      'Pod/fib-client-pod',
      'PodDisruptionBudget/nginx-pdb',
      'Service/fib-client-node-port',
    ]);
    for (const manifest of manifests) {
      expect(manifest.metadata.labels).toMatchObject(labels);
    }
    const deployment = findObject(manifests, 'Deployment', 'nginx-deployment');
    expect(deployment.spec.template.metadata.labels).toEqual({ ...labels, app: 'nginx' });
    // The selector stays as it was: a chart label never changes which pods are selected.
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'nginx' } });
  });

  /** Labels that show `first` to the first listing of their keys, and `later` from the second on. */
  function changingLabels(first: Record<string, string>, later: Record<string, string>) {
    let listings = 0;
    const current = () => (listings <= 1 ? first : later);
    return new Proxy<Record<string, string>>(
      { ...first },
      {
        ownKeys: () => {
          listings += 1;
          return Reflect.ownKeys(current());
        },
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(current(), key);
          return descriptor && { ...descriptor, configurable: true };
        },
        get: (_, key) => Reflect.get(current(), key),
      },
    );
  }

  test('a getter that changes its value is read once: what is checked is what is written', () => {
    let reads = 0;
    const labels = {
      get team() {
        reads += 1;
        return reads === 1 ? 'web' : 'not a label value!';
      },
    };
    const chart = new NginxChart(Testing.app(), 'x', { labels });
    expect(findObject(synth(chart), 'Deployment', 'nginx-deployment').metadata.labels).toEqual({
      app: 'nginx',
      team: 'web',
    });
    expect(reads).toBe(1);
  });

  test('a Proxy that shows other keys or values on a later read is checked and written as first read', () => {
    const valid = changingLabels({ team: 'web' }, { app: 'nginx', team: 'web app' });
    const chart = new FibClientChart(Testing.app(), 'x', { labels: valid });
    expect(findObject(synth(chart), 'Service', 'fib-client-node-port').metadata.labels).toEqual({
      component: 'web',
      'app.kubernetes.io/instance': 'fib-client',
      team: 'web',
    });
  });

  test.each([
    ['a Map', new Map([['team', 'web']]), "Map(1) { 'team' => 'web' }, a Map"],
    ['an object with a prototype', Object.create({ team: 'web' }), '{}'],
  ])('labels given as %s are refused, not ignored', (_, labels, shown) => {
    expect(() => new NginxChart(Testing.app(), 'x', { labels })).toThrow(
      new Error(
        "NginxChart: labels must be a plain object of labels ({ key: 'value' }), each key a label name such as " +
          "'app' or 'example.com/app' and each value a label value: at most 63 characters, letters, digits, '-', " +
          `'_' and '.', starting and ending with a letter or digit, or empty (got ${shown})`,
      ),
    );
  });
});

test("a prop that is neither the Chart's nor the construct's is refused by the chart, naming both", () => {
  expect(() => new FibClientChart(Testing.app(), 'x', { namespce: 'sandbox' } as object)).toThrow(
    new Error(
      "FibClientChart: 'namespce' is not a prop (got 'sandbox'); the props are namespace, labels, " +
        'disableResourceNameHashes, name, image, component, containerPort, servicePort, nodePort, networkPolicy',
    ),
  );
  expect(() => addSandboxCharts(Testing.app(), { nginx: { replica: 3 } as object })).toThrow(
    new Error(
      "NginxChart: 'replica' is not a prop (got 3); the props are namespace, labels, disableResourceNameHashes, " +
        'name, image, replicas, containerPort, podDisruptionBudget, networkPolicy, podAntiAffinity',
    ),
  );
});
