// What both nginx images need in a restricted workload: writable paths, probes, the pull policy.
// The hardening every container gets is tested in restricted-pod.test.ts.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { FibClient, NginxDeployment } from '../lib';
import { defaultPullPolicy, restrictedNginxWorkload } from '../lib/restricted-nginx';
import { RestrictedDeployment, RestrictedPod } from '../lib/restricted-pod';
import { findObject, synth } from './manifests';

// SetDefaults_Container (k8s.io/kubernetes pkg/apis/core/v1/defaults.go): Always when the tag is
// latest, the kubelet's tag for an image with neither tag nor digest; the tag alone decides.
describe('defaultPullPolicy follows Kubernetes defaulting', () => {
  const DIGEST = 'sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';
  test.each([
    ['rgederin/fib-client-standalone-k8s', kplus.ImagePullPolicy.ALWAYS],
    ['nginx:latest', kplus.ImagePullPolicy.ALWAYS],
    ['localhost:5000/nginx', kplus.ImagePullPolicy.ALWAYS],
    [`nginx:latest@${DIGEST}`, kplus.ImagePullPolicy.ALWAYS],
    ['nginx:1.14.2', kplus.ImagePullPolicy.IF_NOT_PRESENT],
    ['nginx:Latest', kplus.ImagePullPolicy.IF_NOT_PRESENT],
    ['localhost:5000/nginx:1.14.2', kplus.ImagePullPolicy.IF_NOT_PRESENT],
    [`nginx@${DIGEST}`, kplus.ImagePullPolicy.IF_NOT_PRESENT],
    [`nginx:1.14.2@${DIGEST}`, kplus.ImagePullPolicy.IF_NOT_PRESENT],
  ])('%s -> %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe.each([
  ['Pod', 'x-pod', (scope: Construct) => new FibClient(scope, 'fib-client', { name: 'x' })],
  ['Deployment', 'x-deployment', (scope: Construct) => new NginxDeployment(scope, 'nginx', { name: 'x' })],
])('%s %s pod spec', (kind, name, create) => {
  const chart = Testing.chart();
  create(chart);
  const manifest = findObject(synth(chart), kind, name);
  const podSpec = kind === 'Pod' ? manifest.spec : manifest.spec.template.spec;
  const container = podSpec.containers[0];

  test('writes only to emptyDir volumes at the paths nginx writes', () => {
    expect(container.volumeMounts).toEqual([
      { mountPath: '/var/cache/nginx', name: 'nginx-cache' },
      { mountPath: '/var/run', name: 'nginx-run' },
    ]);
    expect(podSpec.volumes.map((v: { name: string; emptyDir?: object }) => [v.name, v.emptyDir !== undefined])).toEqual(
      [
        ['nginx-cache', true],
        ['nginx-run', true],
      ],
    );
  });

  test('has readiness and liveness probes, and no service account token', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/');
    // HTTP, with a timeout: a TCP probe passes on a hung nginx whose kernel still accepts
    // connections (kit/lab/e2e/faults.test.ts, the frozen container).
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/', port: container.ports[0].containerPort, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
      terminationGracePeriodSeconds: 5,
    });
    expect(podSpec.automountServiceAccountToken).toBe(false);
  });
});

test('the one step gives a Pod and a Deployment the same pod, finding each pod spec itself', () => {
  const chart = Testing.chart();
  const labels = { app: 'web' };
  const options = { name: 'web', image: 'nginx:1.14.2', containerPort: 80 };
  restrictedNginxWorkload(RestrictedPod, chart, 'pod', { metadata: { name: 'web', labels } }, options);
  const deployment = restrictedNginxWorkload(
    RestrictedDeployment,
    chart,
    'deployment',
    { metadata: { name: 'web' }, select: false, podMetadata: { labels } },
    options,
  );
  deployment.select(kplus.LabelSelector.of({ labels }));
  const manifests = synth(chart);
  const pod = findObject(manifests, 'Pod', 'web');
  const template = findObject(manifests, 'Deployment', 'web').spec.template;

  expect(template.spec).toEqual(pod.spec);
  expect(template.metadata.labels).toEqual(labels);
  expect(pod.metadata.labels).toEqual(labels);
  expect(pod.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  expect(pod.spec).not.toHaveProperty('hostNetwork');
  expect(pod.metadata).toMatchObject({
    annotations: { 'kube-score/ignore': 'container-image-pull-policy,pod-probes-identical' },
  });
});
