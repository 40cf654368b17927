// FibClient: the objects it creates, its props, and every validation rule with its message.
import { inspect } from 'node:util';
import { Testing } from 'cdk8s';
import { FibClient, type FibClientProps } from '../lib';
import { findObject, synth } from './manifests';

function fibClient(props?: FibClientProps) {
  const chart = Testing.chart();
  new FibClient(chart, 'fib-client', props);
  return synth(chart);
}

describe('defaults', () => {
  const manifests = fibClient();
  const pod = findObject(manifests, 'Pod', 'fib-client-pod');
  const service = findObject(manifests, 'Service', 'fib-client-node-port');
  const container = pod.spec.containers[0];

  test('creates exactly the Pod, the Service and the NetworkPolicy', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'NetworkPolicy/fib-client-netpol',
      'Pod/fib-client-pod',
      'Service/fib-client-node-port',
    ]);
  });

  test('the Pod runs one fib-client container on port 3000, labelled component: web and its instance', () => {
    expect(pod.metadata.labels).toEqual({ component: 'web', 'app.kubernetes.io/instance': 'fib-client' });
    expect(pod.spec.containers).toHaveLength(1);
    expect(container.name).toBe('fib-client');
    expect(container.image).toBe('rgederin/fib-client-standalone-k8s');
    expect(container.ports).toEqual([{ containerPort: 3000, name: 'http' }]);
  });

  test('the Service is a NodePort 3050 -> 3000 on 31515 selecting component: web of this instance', () => {
    expect(service.metadata.labels).toEqual({ component: 'web', 'app.kubernetes.io/instance': 'fib-client' });
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 3050, targetPort: 3000, nodePort: 31515 }]);
    expect(service.spec.selector).toEqual({ component: 'web', 'app.kubernetes.io/instance': 'fib-client' });
  });

  test('probes use the serving port', () => {
    expect(container.readinessProbe.httpGet.port).toBe(3000);
    expect(container.livenessProbe.tcpSocket.port).toBe(3000);
  });

  test('the NetworkPolicy admits TCP 3000 from anywhere to component: web of this instance, and nothing out', () => {
    const networkPolicy = findObject(manifests, 'NetworkPolicy', 'fib-client-netpol');
    expect(networkPolicy.metadata.labels).toEqual({ component: 'web', 'app.kubernetes.io/instance': 'fib-client' });
    expect(networkPolicy.spec).toEqual({
      podSelector: { matchLabels: { component: 'web', 'app.kubernetes.io/instance': 'fib-client' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 3000 }] }],
    });
  });

  test('kube-score may not flag the latest-only image nor the NodePort, and nothing else', () => {
    expect(pod.metadata).toMatchObject({ annotations: { 'kube-score/ignore': 'container-image-tag' } });
    expect(service.metadata).toMatchObject({ annotations: { 'kube-score/ignore': 'service-type' } });
  });
});

describe('networkPolicy', () => {
  test('false: no NetworkPolicy', () => {
    expect(fibClient({ networkPolicy: false }).map((m) => m.kind)).not.toContain('NetworkPolicy');
  });

  test('follows containerPort and component', () => {
    const manifests = fibClient({ name: 'calc', component: 'calc-web', containerPort: 8080 });
    expect(findObject(manifests, 'NetworkPolicy', 'calc-netpol').spec).toMatchObject({
      podSelector: { matchLabels: { component: 'calc-web', 'app.kubernetes.io/instance': 'calc' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });
});

test('a pinned image is checked for its tag, and keeps IfNotPresent on purpose', () => {
  const pod = findObject(fibClient({ image: 'example/calc:2.0' }), 'Pod', 'fib-client-pod');
  expect(pod.metadata).toMatchObject({ annotations: { 'kube-score/ignore': 'container-image-pull-policy' } });
});

test('another untagged image is not excused from kube-score', () => {
  const pod = findObject(fibClient({ image: 'example/calc' }), 'Pod', 'fib-client-pod');
  expect(pod.metadata).not.toHaveProperty('annotations');
});

test('object names, labels and ports follow the props', () => {
  const manifests = fibClient({
    name: 'calc',
    image: 'example/calc:2.0',
    component: 'calc-web',
    containerPort: 8080,
    servicePort: 80,
    nodePort: 30001,
  });
  const pod = findObject(manifests, 'Pod', 'calc-pod');
  const service = findObject(manifests, 'Service', 'calc-node-port');
  expect(pod.metadata.labels).toEqual({ component: 'calc-web', 'app.kubernetes.io/instance': 'calc' });
  expect(pod.spec.containers[0]).toMatchObject({
    name: 'calc',
    image: 'example/calc:2.0',
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, name: 'http' }],
  });
  expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, nodePort: 30001 }]);
  expect(service.spec.selector).toEqual({ component: 'calc-web', 'app.kubernetes.io/instance': 'calc' });
});

describe('validation', () => {
  const NAME_RULE =
    "FibClient: name must be a DNS-1035 label of 1-53 characters (lowercase letters, digits and '-', " +
    'starting with a letter, ending with a letter or digit) so that "<name>-node-port" is a valid object name';

  test.each([
    ['', "''"],
    ['Fib', "'Fib'"],
    ['1fib', "'1fib'"],
    ['fib-', "'fib-'"],
    ['fib_client', "'fib_client'"],
    ['a'.repeat(54), `'${'a'.repeat(54)}'`],
  ])('name %j is refused', (name, shown) => {
    expect(() => fibClient({ name })).toThrow(`${NAME_RULE} (got ${shown})`);
  });

  test('a name that is not a string is refused with its type', () => {
    expect(() => fibClient({ name: 42 as unknown as string })).toThrow(`${NAME_RULE} (got 42, a number)`);
  });

  test('the longest name that keeps every object name valid is accepted', () => {
    const name = 'a'.repeat(53);
    expect(() => findObject(fibClient({ name }), 'Service', `${name}-node-port`)).not.toThrow();
  });

  const IMAGE_RULE =
    'FibClient: image must be ' +
    "an image reference such as 'nginx:1.14.2' or 'registry.example.com:5000/team/app:1.0': an optional " +
    "registry host and '/', a repository path of lowercase letters, digits and '.', '_', '-' or '/' " +
    "separators, then an optional ':tag' and an optional '@sha256:' digest of 64 lowercase hex digits " +
    '(sha384: 96, sha512: 128), without whitespace';
  const HEX_64 = 'f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';

  test.each([
    ['', 'invalid reference format'],
    ['nginx 1.14', 'invalid reference format'],
    [' nginx', 'invalid reference format'],
    ['nginx\t', 'invalid reference format'],
    ['Nginx:1.14.2', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    ['nginx:', 'invalid reference format'],
    ['nginx:1.14:2', 'invalid reference format'],
    ['example/App', 'invalid reference format: repository name (example/App) must be lowercase'],
    ['nginx@sha256:abc', 'invalid reference format'],
    [`nginx@sha256:${HEX_64.slice(1)}`, 'invalid checksum digest length'],
    [`nginx@sha256:${HEX_64}0`, 'invalid checksum digest length'],
    [`nginx@sha256:${HEX_64.toUpperCase()}`, 'invalid checksum digest format'],
    [`nginx@md5:${HEX_64.slice(0, 32)}`, 'unsupported digest algorithm'],
    [`nginx@sha512:${HEX_64}`, 'invalid checksum digest length'],
    [HEX_64, `invalid repository name (${HEX_64}), cannot specify 64-byte hexadecimal strings`],
    [`example.com/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
    ['a'.repeat(248), 'repository name must not be more than 255 characters'],
  ])('image %j is refused with the reason the kubelet gives', (image, reason) => {
    expect(() => fibClient({ image })).toThrow(
      new Error(`${IMAGE_RULE} (got ${inspect(image)}); the kubelet would refuse it: ${reason}`),
    );
  });

  test.each([
    [42, '42, a number'],
    [null, 'null'],
    [['nginx'], "[ 'nginx' ], an array"],
  ])('image %p, not a string, is refused', (image, shown) => {
    expect(() => fibClient({ image: image as unknown as string })).toThrow(new Error(`${IMAGE_RULE} (got ${shown})`));
  });

  test.each([
    'nginx',
    'nginx:1.14.2',
    'library/nginx:1.14.2',
    'localhost:5000/nginx',
    'registry.example.com:5000/team/web_app__x/fib-client:v1.0-rc.1',
    'Registry.Example.com/team/app',
    `nginx:1.14.2@sha256:${'f'.repeat(64)}`,
    `nginx@sha512:${'0'.repeat(128)}`,
    `example.com/${'a'.repeat(255)}`,
    'a'.repeat(247),
    `${'f'.repeat(64)}:1.0`,
    `example/${'f'.repeat(64)}`,
  ])('image %j, a reference the kubelet parses, is accepted', (image) => {
    expect(findObject(fibClient({ image }), 'Pod', 'fib-client-pod').spec.containers[0].image).toBe(image);
  });

  const COMPONENT_RULE =
    "FibClient: component must be a label value: at most 63 characters, letters, digits, '-', '_' and '.', " +
    'starting and ending with a letter or digit, or empty';

  test.each([
    ['web app', "'web app'"],
    ['a/b', "'a/b'"],
    ['-web', "'-web'"],
    ['web.', "'web.'"],
    ['a'.repeat(64), `'${'a'.repeat(64)}'`],
    [7, '7, a number'],
  ])('component %p is refused', (component, shown) => {
    expect(() => fibClient({ component: component as string })).toThrow(`${COMPONENT_RULE} (got ${shown})`);
  });

  test.each(['a'.repeat(63), 'Web_1.x', ''])('component %j, a valid label value, is accepted', (component) => {
    expect(findObject(fibClient({ component }), 'Pod', 'fib-client-pod').metadata.labels).toMatchObject({
      component,
    });
  });

  test.each([
    ['containerPort', 0, '0'],
    ['containerPort', 65536, '65536'],
    ['containerPort', 3000.5, '3000.5'],
    ['containerPort', '3000', "'3000', a string"],
    ['servicePort', -1, '-1'],
    ['servicePort', Number.NaN, 'NaN'],
    ['servicePort', true, 'true, a boolean'],
  ] as const)('%s %p is refused', (prop, value, shown) => {
    expect(() => fibClient({ [prop]: value })).toThrow(
      `FibClient: ${prop} must be an integer in 1-65535 (got ${shown})`,
    );
    expect(() => fibClient({ [prop]: value })).not.toThrow(/\);/);
  });

  test.each([80, 29999, 32768, 31515.5])('nodePort %p is refused, with where to pick one', (nodePort) => {
    expect(() => fibClient({ nodePort })).toThrow(
      `FibClient: nodePort must be an integer in 30000-32767 (got ${nodePort}); ` +
        "pick a port in the API server's default --service-node-port-range",
    );
  });

  test('a nodePort in range but a string is refused without a hint to pick another port', () => {
    expect(() => fibClient({ nodePort: '31516' as unknown as number })).toThrow(
      /^FibClient: nodePort must be an integer in 30000-32767 \(got '31516', a string\)$/,
    );
  });

  test.each([30000, 32767])('nodePort %p, at the edge of the range, is accepted', (nodePort) => {
    expect(findObject(fibClient({ nodePort }), 'Service', 'fib-client-node-port').spec.ports[0].nodePort).toBe(
      nodePort,
    );
  });

  test.each([
    ['false', "'false', a string"],
    [0, '0, a number'],
  ])('networkPolicy %p is refused, not taken as true', (networkPolicy, shown) => {
    expect(() => fibClient({ networkPolicy: networkPolicy as unknown as boolean })).toThrow(
      `FibClient: networkPolicy must be true or false (got ${shown})`,
    );
  });

  test('an unknown prop is refused, not ignored for the default', () => {
    expect(() => fibClient({ nodeport: 31516 } as FibClientProps)).toThrow(
      "FibClient: 'nodeport' is not a prop (got 31516); the props are name, image, component, containerPort, " +
        'servicePort, nodePort, networkPolicy',
    );
  });

  test('props that are not an object are refused', () => {
    expect(() => fibClient(null as unknown as FibClientProps)).toThrow('FibClient: props must be an object (got null)');
    expect(() => fibClient(31516 as unknown as FibClientProps)).toThrow(
      'FibClient: props must be an object (got 31516, a number)',
    );
  });

  test('an explicit undefined takes the default', () => {
    expect(
      findObject(fibClient({ nodePort: undefined }), 'Service', 'fib-client-node-port').spec.ports[0].nodePort,
    ).toBe(31515);
  });
});
