// How constructs and charts read their props: each prop once, as TypeScript code reads it
// (`props.nodePort`), so that a getter, a value on the prototype and a non-enumerable property
// are checked like a plain one, and used only once checked; a name the props enumerate, own or
// inherited, that is no prop is refused; a chart passes its construct exactly what it was given;
// a refusal names the construct that refused it by its path.
import { Chart, Testing, Yaml } from 'cdk8s';
import {
  FibClient,
  FibClientChart,
  type FibClientProps,
  NginxChart,
  NginxDeployment,
  type NginxDeploymentProps,
  PropsError,
  addSandboxCharts,
} from '../lib';
import { findObject, synth } from './manifests';

const NODE_PORT_80 =
  "FibClient: nodePort must be an integer in 30000-32767 (got 80); pick a port in the API server's default --service-node-port-range";
const REPLICAS_MINUS_5 = 'NginxDeployment: replicas must be an integer in 0-2147483647 (got -5)';

function fibClient(props: FibClientProps) {
  const chart = Testing.chart();
  new FibClient(chart, 'fib-client', props);
  return synth(chart);
}

function nginx(props: NginxDeploymentProps) {
  const chart = Testing.chart();
  new NginxDeployment(chart, 'nginx', props);
  return synth(chart);
}

const nodePortOf = (manifests: ReturnType<typeof synth>) =>
  findObject(manifests, 'Service', 'fib-client-node-port').spec.ports[0].nodePort;
const replicasOf = (manifests: ReturnType<typeof synth>) =>
  findObject(manifests, 'Deployment', 'nginx-deployment').spec.replicas;

/** Props as a class that implements the interface with getters, which `tsc` accepts. */
class NodePortGetter implements FibClientProps {
  // A #private field is no property: only props are.
  readonly #port: number;
  constructor(port: number) {
    this.#port = port;
  }
  get nodePort(): number {
    return this.#port;
  }
  /** A method is behaviour, not a prop: it is not refused. */
  describe(): string {
    return `nodePort ${this.#port}`;
  }
}

function nonEnumerable<T extends object>(name: string, value: unknown): T {
  return Object.defineProperty({}, name, { value, enumerable: false }) as T;
}

describe('a getter', () => {
  test('is read and checked', () => {
    expect(() => fibClient(new NodePortGetter(80))).toThrow(new Error(NODE_PORT_80));
  });

  test('is used once checked', () => {
    expect(nodePortOf(fibClient(new NodePortGetter(31516)))).toBe(31516);
  });

  test('is read once, so what is checked is what is used', () => {
    let reads = 0;
    const props = {
      get replicas() {
        reads += 1;
        return reads === 1 ? 3 : -5;
      },
    };
    expect(replicasOf(nginx(props))).toBe(3);
    expect(reads).toBe(1);
  });
});

test("a class's other properties are refused like any name that is no prop", () => {
  class WithField {
    constructor(readonly port: number) {}
    get nodePort(): number {
      return this.port;
    }
  }
  expect(() => fibClient(new WithField(31516))).toThrow(
    "FibClient: 'port' is not a prop (got 31516); the props are name, image, component, containerPort, " +
      'servicePort, nodePort, networkPolicy',
  );
});

describe('a value on the prototype', () => {
  test('is read and checked', () => {
    expect(() => nginx(Object.create({ replicas: -5 }))).toThrow(new Error(REPLICAS_MINUS_5));
  });

  test('is used once checked', () => {
    expect(replicasOf(nginx(Object.create({ replicas: 3 })))).toBe(3);
  });

  test('that is no prop is refused', () => {
    expect(() => nginx(Object.create({ replica: 3 }))).toThrow(
      "NginxDeployment: 'replica' is not a prop (got 3); the props are name, image, replicas, containerPort, " +
        'podDisruptionBudget, networkPolicy, podAntiAffinity',
    );
  });
});

describe('a non-enumerable property', () => {
  test('is read and checked', () => {
    expect(() => fibClient(nonEnumerable('nodePort', 80))).toThrow(new Error(NODE_PORT_80));
  });

  test('is used once checked', () => {
    expect(nodePortOf(fibClient(nonEnumerable('nodePort', 31516)))).toBe(31516);
  });
});

describe('a chart passes its construct exactly what it was given', () => {
  test.each([
    ['a getter', () => new NodePortGetter(80)],
    ['a value on the prototype', () => Object.create({ nodePort: 80 })],
    ['a non-enumerable property', () => nonEnumerable('nodePort', 80)],
  ])('%s is checked by the construct', (_, props) => {
    expect(() => new FibClientChart(Testing.app(), 'x', props())).toThrow(new Error(NODE_PORT_80));
  });

  test.each([
    ['a getter', () => new NodePortGetter(31516)],
    ['a value on the prototype', () => Object.create({ nodePort: 31516 })],
    ['a non-enumerable property', () => nonEnumerable('nodePort', 31516)],
  ])('%s is used, not dropped for the default', (_, props) => {
    expect(nodePortOf(synth(new FibClientChart(Testing.app(), 'x', props())))).toBe(31516);
  });

  test("the Chart's own props are read the same way", () => {
    expect(() => new NginxChart(Testing.app(), 'x', Object.create({ namespace: 'Sandbox' }))).toThrow(
      "NginxChart: namespace must be a DNS-1123 label of 1-63 characters (lowercase letters, digits and '-', " +
        "starting and ending with a letter or digit) (got 'Sandbox')",
    );
    const chart = new NginxChart(Testing.app(), 'x', nonEnumerable('namespace', 'sandbox'));
    expect(findObject(synth(chart), 'Deployment', 'nginx-deployment').metadata).toMatchObject({
      namespace: 'sandbox',
    });
  });

  test('addSandboxCharts too', () => {
    expect(() => addSandboxCharts(Testing.app(), { nginx: Object.create({ replicas: -5 }) })).toThrow(
      new Error(REPLICAS_MINUS_5),
    );
    expect(() => addSandboxCharts(Testing.app(), Object.create({ nginx: { replicas: -5 } }))).toThrow(
      new Error(REPLICAS_MINUS_5),
    );
  });
});

test.each([
  ['a Map', new Map([['nodePort', 80]]), "Map(1) { 'nodePort' => 80 }, a Map"],
  ['an array', [80], '[ 80 ], an array'],
  ['a Date', new Date(0), '1970-01-01T00:00:00.000Z, a Date'],
])('props given as %s are refused, not read as no props', (_, props, shown) => {
  expect(() => fibClient(props as FibClientProps)).toThrow(
    new Error(`FibClient: props must be an object (got ${shown})`),
  );
  expect(() => new NginxChart(Testing.app(), 'x', props as object)).toThrow(
    new Error(`NginxChart: props must be an object (got ${shown})`),
  );
});

test('replicas: -0 is written as 0, not as -0', () => {
  const chart = Testing.chart();
  new NginxDeployment(chart, 'nginx', { replicas: -0 });
  const yaml = Yaml.stringify(...Testing.synth(chart));
  expect(yaml).toContain('\n  replicas: 0\n');
  expect(yaml).not.toContain('-0');
  expect(Object.is(replicasOf(synth(chart)), 0)).toBe(true);
});

/** What `build` throws. */
function thrown(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('a refusal carries the path of the construct that refused it', () => {
  test.each([
    ['a prop against its rule', { nodePort: 80 }, NODE_PORT_80],
    [
      'a name that is no prop',
      { nodeport: 80 },
      "FibClient: 'nodeport' is not a prop (got 80); the props are name, image, component, containerPort, " +
        'servicePort, nodePort, networkPolicy',
    ],
    ['props that are no object', [80], 'FibClient: props must be an object (got [ 80 ], an array)'],
  ])("a construct's: %s", (_, props, message) => {
    const chart = new Chart(Testing.app(), 'sandbox');
    const error = thrown(() => new FibClient(chart, 'web', props as FibClientProps));
    expect(error).toBeInstanceOf(PropsError);
    expect(error).toMatchObject({ message, constructPath: 'sandbox/web' });
  });

  test('the construct of the second of two charts of one class', () => {
    const app = Testing.app();
    new NginxChart(app, 'nginx');
    expect(thrown(() => new NginxChart(app, 'nginx-2', { replicas: -5 }))).toMatchObject({
      message: REPLICAS_MINUS_5,
      constructPath: 'nginx-2/nginx',
    });
  });

  const NAMESPACE_SANDBOX =
    "NginxChart: namespace must be a DNS-1123 label of 1-63 characters (lowercase letters, digits and '-', " +
    "starting and ending with a letter or digit) (got 'Sandbox')";
  test("a chart's, checked before the chart is in the tree", () => {
    // Under the app ('x') and under another chart ('outer/x').
    for (const inScope of [() => Testing.app(), () => new Chart(Testing.app(), 'outer')]) {
      const error = thrown(() => new NginxChart(inScope(), 'x', { namespace: 'Sandbox' }));
      expect(error).toBeInstanceOf(PropsError);
      // The path constructs gives the chart once it is built.
      expect(error).toMatchObject({
        message: NAMESPACE_SANDBOX,
        constructPath: new NginxChart(inScope(), 'x').node.path,
      });
    }
  });

  test("the construct's, for a chart label that gives another value to a label its pods are selected by", () => {
    const error = thrown(() => new NginxChart(Testing.app(), 'x', { labels: { app: 'x' } }));
    expect(error).toBeInstanceOf(PropsError);
    expect(error).toMatchObject({
      message:
        "NginxDeployment: the labels of chart x must not give another value to a label its pods are selected by (got { app: 'x' }, " +
        "where the pods have { app: 'nginx' }); use another key for the chart's label, such as 'app.kubernetes.io/part-of'",
      constructPath: 'x/nginx',
    });
  });

  test("addSandboxCharts' own refusal names no construct", () => {
    const error = thrown(() => addSandboxCharts(Testing.app(), { fibClient: 31516 } as object));
    expect(error).toBeInstanceOf(PropsError);
    expect(error).toMatchObject({
      message: 'addSandboxCharts: fibClient must be an object of FibClientChart props (got 31516, a number)',
      constructPath: undefined,
    });
  });
});
