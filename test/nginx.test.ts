// NginxDeployment: the Deployment it creates, its props, and every validation rule with its message.
import { Testing } from 'cdk8s';
import { NginxDeployment, type NginxDeploymentProps } from '../lib';
import { findObject, synth } from './manifests';

function nginx(props?: NginxDeploymentProps) {
  const chart = Testing.chart();
  new NginxDeployment(chart, 'nginx', props);
  return synth(chart);
}

describe('defaults', () => {
  const manifests = nginx();
  const deployment = findObject(manifests, 'Deployment', 'nginx-deployment');
  const container = deployment.spec.template.spec.containers[0];

  test('creates exactly the Deployment, its PodDisruptionBudget and its NetworkPolicy', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'Deployment/nginx-deployment',
      'NetworkPolicy/nginx-netpol',
      'PodDisruptionBudget/nginx-pdb',
    ]);
  });

  test('2 replicas selected by app: nginx and nothing else', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'nginx' } });
    // No construct address: the selector and template labels survive a refactor of the tree.
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'nginx' });
  });

  test('one nginx:1.14.2 container on port 80', () => {
    expect(deployment.spec.template.spec.containers).toHaveLength(1);
    expect(container.name).toBe('nginx');
    expect(container.image).toBe('nginx:1.14.2');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.ports).toEqual([{ containerPort: 80, name: 'http' }]);
  });

  test('non-root nginx may bind port 80 through the safe sysctl, not a capability', () => {
    expect(deployment.spec.template.spec.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '80' },
    ]);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('the PodDisruptionBudget lets a drain take one app: nginx pod at a time, any unready one at once', () => {
    const pdb = findObject(manifests, 'PodDisruptionBudget', 'nginx-pdb');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata.labels).toEqual({ app: 'nginx' });
    expect(pdb.spec).toEqual({
      selector: { matchLabels: { app: 'nginx' } },
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('the NetworkPolicy admits TCP 80 from anywhere to app: nginx, and nothing out', () => {
    const networkPolicy = findObject(manifests, 'NetworkPolicy', 'nginx-netpol');
    expect(networkPolicy.metadata.labels).toEqual({ app: 'nginx' });
    expect(networkPolicy.spec).toEqual({
      podSelector: { matchLabels: { app: 'nginx' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }],
    });
  });

  test('the pods prefer different nodes, without requiring them', () => {
    expect(deployment.spec.template.spec.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: { app: 'nginx' } },
              topologyKey: 'kubernetes.io/hostname',
            },
          },
        ],
      },
    });
  });

  test('kube-score may not flag IfNotPresent on the pinned image, and nothing else', () => {
    expect(deployment.metadata).toMatchObject({ annotations: { 'kube-score/ignore': 'container-image-pull-policy' } });
  });
});

describe('production options', () => {
  test('each can be turned off', () => {
    const manifests = nginx({ podDisruptionBudget: false, networkPolicy: false, podAntiAffinity: false });
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment']);
    expect(manifests[0]?.spec.template.spec.affinity).toBeUndefined();
  });

  test('they follow name and containerPort', () => {
    const manifests = nginx({ name: 'web', containerPort: 8080 });
    expect(findObject(manifests, 'PodDisruptionBudget', 'web-pdb').spec.selector).toEqual({
      matchLabels: { app: 'web' },
    });
    expect(findObject(manifests, 'NetworkPolicy', 'web-netpol').spec).toMatchObject({
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    const affinity = findObject(manifests, 'Deployment', 'web-deployment').spec.template.spec.affinity;
    expect(
      affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector,
    ).toEqual({ matchLabels: { app: 'web' } });
  });
});

test('an image tagged latest and pinned by digest is pulled Always, as Kubernetes defaults it', () => {
  const image = 'nginx:latest@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';
  const deployment = findObject(nginx({ image }), 'Deployment', 'nginx-deployment');
  expect(deployment.spec.template.spec.containers[0]).toMatchObject({ image, imagePullPolicy: 'Always' });
  expect(deployment.metadata).not.toHaveProperty('annotations');
});

test('an untagged image is not excused from kube-score', () => {
  const deployment = findObject(nginx({ image: 'nginx' }), 'Deployment', 'nginx-deployment');
  expect(deployment.metadata).not.toHaveProperty('annotations');
});

test('names, labels, replicas and port follow the props', () => {
  const manifests = nginx({ name: 'web', image: 'nginx:1.27.0', replicas: 0, containerPort: 8080 });
  const deployment = findObject(manifests, 'Deployment', 'web-deployment');
  expect(deployment.spec.replicas).toBe(0);
  expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'web' } });
  expect(deployment.spec.template.metadata.labels).toEqual({ app: 'web' });
  expect(deployment.spec.template.spec.containers[0]).toMatchObject({
    name: 'web',
    image: 'nginx:1.27.0',
    ports: [{ containerPort: 8080, name: 'http' }],
  });
  // 8080 is unprivileged: no sysctl needed.
  expect(deployment.spec.template.spec.securityContext.sysctls).toBeUndefined();
});

describe('validation', () => {
  test.each(['', 'Nginx', '9nginx', 'nginx.web', 'a'.repeat(53)])('name %j is refused', (name) => {
    expect(() => nginx({ name })).toThrow(
      `NginxDeployment: name must be a DNS-1035 label of 1-52 characters (lowercase letters, digits and '-', ` +
        `starting with a letter, ending with a letter or digit) so that "<name>-deployment" is a valid ` +
        `object name (got '${name}')`,
    );
  });

  test.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [2 ** 31, '2147483648'],
    ['2', "'2', a string"],
  ])('replicas %p is refused, with no hint the value already meets', (replicas, shown) => {
    // replicas is an int32 in the API: 2^31 does not fit.
    expect(() => nginx({ replicas: replicas as number })).toThrow(
      new Error(`NginxDeployment: replicas must be an integer in 0-2147483647 (got ${shown})`),
    );
  });

  test('the largest int32 replica count is accepted', () => {
    expect(findObject(nginx({ replicas: 2 ** 31 - 1 }), 'Deployment', 'nginx-deployment').spec.replicas).toBe(
      2147483647,
    );
  });

  test.each([
    [0, '0'],
    [70000, '70000'],
    ['80', "'80', a string"],
  ])('containerPort %p is refused', (containerPort, shown) => {
    expect(() => nginx({ containerPort: containerPort as number })).toThrow(
      new Error(`NginxDeployment: containerPort must be an integer in 1-65535 (got ${shown})`),
    );
  });

  test.each([
    ['nginx :1.14.2', "'nginx :1.14.2'); the kubelet would refuse it: invalid reference format"],
    [1.14, '1.14, a number)'],
  ])('image %p is refused', (image, shown) => {
    expect(() => nginx({ image: image as string })).toThrow(
      new Error(
        'NginxDeployment: image must be ' +
          "an image reference such as 'nginx:1.14.2' or 'registry.example.com:5000/team/app:1.0': an optional " +
          "registry host and '/', a repository path of lowercase letters, digits and '.', '_', '-' or '/' " +
          "separators, then an optional ':tag' and an optional '@sha256:' digest of 64 lowercase hex digits " +
          `(sha384: 96, sha512: 128), without whitespace (got ${shown}`,
      ),
    );
  });

  test.each(['podDisruptionBudget', 'networkPolicy', 'podAntiAffinity'] as const)(
    '%s must be a boolean: the string "false" does not turn it on',
    (prop) => {
      expect(() => nginx({ [prop]: 'false' })).toThrow(
        `NginxDeployment: ${prop} must be true or false (got 'false', a string)`,
      );
    },
  );

  test('an unknown prop is refused', () => {
    expect(() => nginx({ replica: 3 } as NginxDeploymentProps)).toThrow(
      "NginxDeployment: 'replica' is not a prop (got 3); the props are name, image, replicas, containerPort, " +
        'podDisruptionBudget, networkPolicy, podAntiAffinity',
    );
  });
});
