// Every container of a FibClient or NginxDeployment workload runs under Pod Security "restricted"
// with bounded resources, also one added after construction through the public attribute; a
// container whose own settings are weaker is refused with a message.
import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { FibClient, NginxDeployment } from '../lib';
import { IMAGE_RULE } from '../lib/image-reference';
import { type Manifest, findObject, synth } from './manifests';

const HARDENED_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: 10101,
  runAsNonRoot: true,
  runAsUser: 10101,
};
const DEFAULT_RESOURCES = {
  requests: { cpu: '50m', 'ephemeral-storage': '32Mi', memory: '32Mi' },
  limits: { cpu: '200m', 'ephemeral-storage': '128Mi', memory: '64Mi' },
};

/** The workload of each construct, with the path of its pod spec in the synthesized manifest. */
const WORKLOADS = [
  {
    kind: 'Pod',
    name: 'fib-client-pod',
    create: (chart: ReturnType<typeof Testing.chart>) => new FibClient(chart, 'fib-client').pod,
    podSpec: (manifest: Manifest) => manifest.spec,
  },
  {
    kind: 'Deployment',
    name: 'nginx-deployment',
    create: (chart: ReturnType<typeof Testing.chart>) => new NginxDeployment(chart, 'nginx').deployment,
    podSpec: (manifest: Manifest) => manifest.spec.template.spec,
  },
] as const;

type Container = { name: string; securityContext: object; resources: object };
type PodSpec = { securityContext: object; containers: Container[]; initContainers: Container[] };

describe.each(WORKLOADS)('$kind $name', ({ kind, name, create, podSpec }) => {
  function synthWith(add: (workload: kplus.AbstractPod) => void): PodSpec {
    const chart = Testing.chart();
    add(create(chart));
    return podSpec(findObject(synth(chart), kind, name));
  }

  test("the construct's own container is hardened and bounded, in a pod that runs as 10101 with RuntimeDefault", () => {
    const spec = synthWith(() => {});
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10101,
      runAsGroup: 10101,
      fsGroup: 10101,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers).toHaveLength(1);
    expect(spec.containers[0].securityContext).toEqual(HARDENED_SECURITY);
    expect(spec.containers[0].resources).toEqual(DEFAULT_RESOURCES);
  });

  test('a sidecar and an init container added after construction are hardened and bounded', () => {
    const spec = synthWith((workload) => {
      workload.addContainer({ name: 'side', image: 'busybox:1.36', portNumber: 8080 });
      workload.addInitContainer({ name: 'init', image: 'busybox:1.36' });
    });
    const side = spec.containers.find((c) => c.name === 'side');
    const [init] = spec.initContainers;
    for (const container of [side, init]) {
      expect(container?.securityContext).toEqual(HARDENED_SECURITY);
      expect(container?.resources).toEqual(DEFAULT_RESOURCES);
    }
    expect(init.name).toBe('init');
  });

  test('a Container made apart and attached keeps its resources and gets the security settings', () => {
    const spec = synthWith((workload) =>
      workload.attachContainer(new kplus.Container({ name: 'side', image: 'busybox:1.36' })),
    );
    const side = spec.containers.find((c) => c.name === 'side');
    expect(side?.securityContext).toEqual(HARDENED_SECURITY);
    expect(side?.resources).toEqual({
      requests: { cpu: '1000m', 'ephemeral-storage': '32Mi', memory: '512Mi' },
      limits: { cpu: '1500m', 'ephemeral-storage': '128Mi', memory: '2048Mi' },
    });
  });

  test('settings of its own that are restricted already are kept', () => {
    const spec = synthWith((workload) =>
      workload.addContainer({
        name: 'side',
        image: 'busybox:1.36',
        securityContext: { user: 20000, group: 20000, capabilities: { add: ['NET_BIND_SERVICE' as kplus.Capability] } },
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
          ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
        },
      }),
    );
    const side = spec.containers.find((c) => c.name === 'side');
    expect(side?.securityContext).toEqual({
      ...HARDENED_SECURITY,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      runAsGroup: 20000,
      runAsUser: 20000,
    });
    expect(side?.resources).toEqual({
      requests: { cpu: '100m', 'ephemeral-storage': '1Gi', memory: '32Mi' },
      limits: { cpu: '1', 'ephemeral-storage': '2Gi', memory: '64Mi' },
    });
  });
});

describe('a container weaker than the hardening is refused when it is added', () => {
  const path = 'test/fib-client/pod';
  const restricted = 'Pod Security "restricted" refuses it';
  test.each([
    [
      { securityContext: { privileged: true } },
      `securityContext.privileged must be false or unset (got true); Pod Security "baseline" and "restricted" refuse it`,
    ],
    [
      { securityContext: { allowPrivilegeEscalation: true } },
      `securityContext.allowPrivilegeEscalation must be false or unset (got true); ${restricted}`,
    ],
    [
      { securityContext: { ensureNonRoot: false } },
      `securityContext.ensureNonRoot must be true or unset (got false); ${restricted}`,
    ],
    [{ securityContext: { user: 0 } }, `securityContext.user must be a UID other than 0 (got 0); ${restricted}`],
    [
      { securityContext: { readOnlyRootFilesystem: false } },
      'securityContext.readOnlyRootFilesystem must be true or unset (got false); ' +
        'mount an emptyDir volume where the container writes',
    ],
    [
      { securityContext: { capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] } } },
      `securityContext.capabilities.add must be empty or ['NET_BIND_SERVICE'] (got [ 'CAP_NET_BIND_SERVICE' ]); ${restricted}`,
    ],
    [
      { resources: { cpu: { request: kplus.Cpu.millis(100) } } },
      "resources.cpu.limit must be set (got { request: Cpu { amount: '100m' } }); every container has explicit " +
        'requests and limits; leave cpu or memory out of `resources` for the defaults',
    ],
  ] as [Partial<kplus.ContainerProps>, string][])('%j', (props, message) => {
    const pod = new FibClient(Testing.chart(), 'fib-client').pod;
    const container = { name: 'side', image: 'busybox:1.36', ...props };
    expect(() => pod.addContainer(container)).toThrow(new Error(`${path}: container 'side': ${message}`));
    expect(() => pod.addInitContainer(container)).toThrow(new Error(`${path}: init container 'side': ${message}`));
    expect(() => pod.attachContainer(new kplus.Container(container))).toThrow(
      new Error(`${path}: container 'side': ${message}`),
    );
  });
});

describe('a container the API server or the kubelet would refuse fails synth, naming the workload and the container', () => {
  const PREFIX = 'Validation failed with the following errors:\n';
  function fibClientPod() {
    const chart = Testing.chart();
    return { chart, pod: new FibClient(chart, 'fib-client').pod };
  }
  function nginxDeployment() {
    const chart = Testing.chart();
    return { chart, deployment: new NginxDeployment(chart, 'nginx').deployment };
  }

  test('two containers added without a name (cdk8s-plus names both main)', () => {
    const { chart, pod } = fibClientPod();
    pod.addContainer({ image: 'busybox:1.36' });
    pod.addContainer({ image: 'busybox:1.36' });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        PREFIX +
          "  [test/fib-client/pod] containers[2]: name must be unique among the pod's containers and init containers " +
          "(got 'main', the name of containers[1]); give each container its own `name` (cdk8s-plus names a " +
          "container added without one 'main')",
      ),
    );
  });

  test("a sidecar named like the construct's container, an init container too", () => {
    const { chart, deployment } = nginxDeployment();
    deployment.addContainer({ name: 'nginx', image: 'busybox:1.36' });
    deployment.addInitContainer({ name: 'nginx', image: 'busybox:1.36' });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        PREFIX +
          "  [test/nginx/deployment] containers[1]: name must be unique among the pod's containers and init " +
          "containers (got 'nginx', the name of containers[0]); give each container its own `name`\n" +
          "  [test/nginx/deployment] initContainers[0]: name must be unique among the pod's containers and init " +
          "containers (got 'nginx', the name of containers[0]); give each container its own `name`",
      ),
    );
  });

  test.each([
    ['added', (pod: kplus.AbstractPod, props: kplus.ContainerProps) => pod.addContainer(props)],
    ['init', (pod: kplus.AbstractPod, props: kplus.ContainerProps) => pod.addInitContainer(props)],
    [
      'attached',
      (pod: kplus.AbstractPod, props: kplus.ContainerProps) => pod.attachContainer(new kplus.Container(props)),
    ],
  ])('a name that is no DNS-1123 label, an image the kubelet cannot parse: %s container', (kind, add) => {
    const { chart, pod } = fibClientPod();
    add(pod, { name: 'Side_Car', image: 'BusyBox:1.35.0' });
    const what = `[test/fib-client/pod] ${kind === 'init' ? 'init container' : 'container'} 'Side_Car'`;
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        PREFIX +
          `  ${what}: name must be a DNS-1123 label of 1-63 characters (lowercase letters, digits and '-', starting ` +
          "and ending with a letter or digit) (got 'Side_Car'); the API server refuses any other container name\n" +
          `  ${what}: image must be ${IMAGE_RULE.allowed} (got 'BusyBox:1.35.0'); the kubelet would refuse it: ` +
          'invalid reference format: repository name (library/BusyBox) must be lowercase',
      ),
    );
  });

  test('a second volume mounted at a path nginx mounts already', () => {
    const { chart, deployment } = nginxDeployment();
    deployment.containers[0]?.mount('/var/cache/nginx', kplus.Volume.fromEmptyDir(chart, 'extra', 'extra'));
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        PREFIX +
          "  [test/nginx/deployment] container 'nginx': a mount path must be unique in the container (got " +
          "'/var/cache/nginx' for volume 'extra', where volume 'nginx-cache' is mounted already); mount volume " +
          "'extra' at another path",
      ),
    );
  });

  test('an empty mount path', () => {
    const { chart, pod } = fibClientPod();
    pod.containers[0]?.mount('', kplus.Volume.fromEmptyDir(chart, 'extra', 'extra'));
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        `${PREFIX}  [test/fib-client/pod] container 'fib-client': the mount path of volume 'extra' must not be ` +
          "empty (got '')",
      ),
    );
  });

  test.each([
    [
      'cpu',
      { cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.millis(500) } },
      "resources.cpu.request must be less than or equal to its limit of 500m (got '2')",
    ],
    [
      'memory',
      { memory: { request: Size.mebibytes(1025), limit: Size.gibibytes(1) } },
      "resources.memory.request must be less than or equal to its limit of 1024Mi (got '1025Mi')",
    ],
    [
      'ephemeral storage',
      { ephemeralStorage: { request: Size.gibibytes(3), limit: Size.gibibytes(2) } },
      "resources.ephemeralStorage.request must be less than or equal to its limit of 2Gi (got '3Gi')",
    ],
  ])('%s: a request above its limit', (_, resources, message) => {
    const { chart, pod } = fibClientPod();
    pod.addContainer({ name: 'side', image: 'busybox:1.36', resources });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        `${PREFIX}  [test/fib-client/pod] container 'side': ${message}; the API server refuses a request above ` +
          'the limit: lower the request or raise the limit',
      ),
    );
  });

  test('a quantity the API server cannot read', () => {
    const { chart, pod } = fibClientPod();
    pod.addContainer({
      name: 'side',
      image: 'busybox:1.36',
      resources: { cpu: { request: kplus.Cpu.units(Number.NaN), limit: kplus.Cpu.units(1) } },
    });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        `${PREFIX}  [test/fib-client/pod] container 'side': resources.cpu.request must be a quantity such as ` +
          "'500m', '1.5' or '64Mi' (got 'NaN')",
      ),
    );
  });

  test('a request equal to its limit is taken', () => {
    const { chart, pod } = fibClientPod();
    pod.addContainer({
      name: 'side',
      image: 'busybox:1.36',
      resources: { cpu: { request: kplus.Cpu.millis(1000), limit: kplus.Cpu.units(1) } },
    });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('the hardening never writes a default that contradicts what the container names', () => {
  test('an ephemeral-storage request alone above the default limit gets a limit of the request', () => {
    const chart = Testing.chart();
    const pod = new FibClient(chart, 'fib-client').pod;
    pod.addContainer({
      name: 'side',
      image: 'busybox:1.36',
      resources: { ephemeralStorage: { request: Size.gibibytes(2) } },
    });
    const spec = findObject(synth(chart), 'Pod', 'fib-client-pod').spec;
    const side = spec.containers.find((c: Container) => c.name === 'side');
    expect(side.resources).toEqual({
      requests: { cpu: '50m', 'ephemeral-storage': '2Gi', memory: '32Mi' },
      limits: { cpu: '200m', 'ephemeral-storage': '2Gi', memory: '64Mi' },
    });
  });

  test('an ephemeral-storage limit alone below the default request gets a request of the limit', () => {
    const chart = Testing.chart();
    const pod = new FibClient(chart, 'fib-client').pod;
    pod.addContainer({
      name: 'side',
      image: 'busybox:1.36',
      resources: { ephemeralStorage: { limit: Size.gibibytes(0) } },
    });
    const side = findObject(synth(chart), 'Pod', 'fib-client-pod').spec.containers.find(
      (c: Container) => c.name === 'side',
    );
    expect(side.resources.requests['ephemeral-storage']).toBe('0Gi');
    expect(side.resources.limits['ephemeral-storage']).toBe('0Gi');
  });
});

test('an init container refused when it is added leaves nothing behind', () => {
  const chart = Testing.chart();
  const pod = new FibClient(chart, 'fib-client').pod;
  expect(() =>
    pod.addInitContainer({ name: 'setup', image: 'busybox:1.36', securityContext: { privileged: true } }),
  ).toThrow("test/fib-client/pod: init container 'setup': securityContext.privileged must be false or unset");
  expect(pod.initContainers).toEqual([]);
  expect(findObject(synth(chart), 'Pod', 'fib-client-pod').spec.initContainers).toBeUndefined();
  // Its default name is given to the next one, as if it had never been added.
  expect(pod.addInitContainer({ image: 'busybox:1.36' }).name).toBe('init-0');
});

// The hardening overrides cdk8s-plus-27's `_toPodSpec`, which is @internal: only the exact pin of
// cdk8s-plus-27 in package.json guards it. An upgrade that renames it, gives it an argument or
// stops rendering a Pod's or a Deployment's pod spec with it fails here.
describe("cdk8s-plus-27's _toPodSpec, which the hardening overrides", () => {
  const rendered: kplus.k8s.PodSpec = { containers: [{ name: 'rendered-by-to-pod-spec' }] };

  test('takes no argument', () => {
    expect(kplus.Pod.prototype._toPodSpec).toHaveLength(0);
    expect(kplus.Deployment.prototype._toPodSpec).toHaveLength(0);
  });

  test("renders a Pod's spec", () => {
    class RenderedPod extends kplus.Pod {
      public override _toPodSpec(): kplus.k8s.PodSpec {
        return rendered;
      }
    }
    const chart = Testing.chart();
    new RenderedPod(chart, 'pod', { metadata: { name: 'pod' } });
    expect(findObject(synth(chart), 'Pod', 'pod').spec).toEqual(rendered);
  });

  test("renders a Deployment's pod template spec", () => {
    class RenderedDeployment extends kplus.Deployment {
      public override _toPodSpec(): kplus.k8s.PodSpec {
        return rendered;
      }
    }
    const chart = Testing.chart();
    new RenderedDeployment(chart, 'deployment', { metadata: { name: 'deployment' } });
    expect(findObject(synth(chart), 'Deployment', 'deployment').spec.template.spec).toEqual(rendered);
  });
});
