// Every option of the constructs and charts (docs/api.md) gives manifests that pass `npm run
// check`: the sandbox synthesized with one option changed from its default, into a folder of its
// own, and checked as users and CI check dist/. An option that turns a safeguard off (a
// NetworkPolicy, a PodDisruptionBudget, the pod anti-affinity) makes its object carry kube-score's
// own `kube-score/ignore` for the check it answers, so the choice is recorded, not failed.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { FibClient, NginxDeployment, type SandboxProps, addSandboxCharts } from '../../lib';
import { withTempDir } from 'k8s-sandbox-kit/testing';

const root = path.resolve(__dirname, '../..');

/** `npm run check -- DIR` on the sandbox synthesized with `props`. */
function checkSandbox(props: SandboxProps) {
  return withTempDir('documented-options.', async (outdir) => {
    const app = new App({ outdir });
    addSandboxCharts(app, props);
    app.synth();
    return spawnSync('node_modules/.bin/sandbox-kit', ['check', outdir], {
      cwd: root,
      encoding: 'utf8',
    });
  });
}

// One value other than the default for each option.
const FIB_CLIENT: Record<string, unknown> = {
  name: 'calc',
  // The default image has no tag but `latest` (the construct tells kube-score so); another image
  // is checked as given.
  image: 'nginx:1.27.0',
  component: 'frontend',
  containerPort: 8080,
  servicePort: 8081,
  nodePort: 31516,
  networkPolicy: false,
};
const NGINX: Record<string, unknown> = {
  name: 'proxy',
  image: 'nginx:1.27.0',
  replicas: 1,
  containerPort: 8080,
  podDisruptionBudget: false,
  networkPolicy: false,
  podAntiAffinity: false,
};
const CHART: Record<string, unknown> = {
  namespace: 'sandbox',
  labels: { 'app.kubernetes.io/part-of': 'k8s-sandbox' },
  disableResourceNameHashes: true,
};

test('each documented prop has a case here', () => {
  expect(Object.keys(FIB_CLIENT)).toEqual(FibClient.propNames);
  expect(Object.keys(NGINX)).toEqual(NginxDeployment.propNames);
});

const cases: [string, SandboxProps][] = [
  ...Object.entries(FIB_CLIENT).map(([prop, value]): [string, SandboxProps] => [
    `FibClient ${prop}: ${JSON.stringify(value)}`,
    { fibClient: { [prop]: value } },
  ]),
  ...Object.entries(NGINX).map(([prop, value]): [string, SandboxProps] => [
    `NginxDeployment ${prop}: ${JSON.stringify(value)}`,
    { nginx: { [prop]: value } },
  ]),
  ...Object.entries(CHART).map(([prop, value]): [string, SandboxProps] => [
    `both charts' ${prop}: ${JSON.stringify(value)}`,
    { fibClient: { [prop]: value }, nginx: { [prop]: value } },
  ]),
  ['NginxDeployment replicas: 0', { nginx: { replicas: 0 } }],
];

test.each(cases)(
  '%s passes npm run check',
  async (_, props) => {
    const result = await checkSandbox(props);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('check: all gates pass');
    expect(result.status).toBe(0);
  },
  60_000,
);

test('an image without a pinned tag is not a safeguard turned off: kube-score still fails it', async () => {
  const result = await checkSandbox({ nginx: { image: 'nginx' } });
  expect(result.stdout).toMatch(
    /^kube-score: \S+nginx\.k8s\.yaml Deployment\/nginx-deployment: nginx: CRITICAL container-image-tag: Image with latest tag/m,
  );
  expect(result.status).toBe(1);
}, 60_000);
