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

  test('creates exactly the Deployment', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['Deployment/nginx-deployment']);
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
        `starting with a letter, ending with a letter or digit) so that "${name}-deployment" is a valid ` +
        `object name (got ${JSON.stringify(name)})`,
    );
  });

  test.each([-1, 1.5, Number.POSITIVE_INFINITY])('replicas %p is refused', (replicas) => {
    expect(() => nginx({ replicas })).toThrow(
      `NginxDeployment: replicas must be an integer >= 0 (got ${replicas}); use a whole number`,
    );
  });

  test.each([0, 70000])('containerPort %p is refused', (containerPort) => {
    expect(() => nginx({ containerPort })).toThrow(
      `NginxDeployment: containerPort must be an integer in 1-65535 (got ${containerPort}); use a TCP port number`,
    );
  });

  test('an image with whitespace is refused', () => {
    expect(() => nginx({ image: 'nginx :1.14.2' })).toThrow(
      'NginxDeployment: image must be a non-empty image reference without whitespace, such as "nginx:1.14.2" (got "nginx :1.14.2")',
    );
  });
});
