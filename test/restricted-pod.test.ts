// Every container of a FibClient or NginxDeployment workload runs under Pod Security "restricted"
// with bounded resources, also one added after construction through the public attribute; a
// container whose own settings are weaker is refused with a message.
import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { FibClient, NginxDeployment } from '../lib';
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
