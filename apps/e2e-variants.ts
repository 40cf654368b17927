// The variants of the app that `npm run test:e2e` applies besides dist/, each written like dist/
// into a folder named for it under the folder given (default dist-variants/): the copies of the
// sandbox that the upgrade scenarios (kit/lab/e2e/upgrade.test.ts) apply in turn, the charts
// main.ts adds with changed props; and added-containers/, a FibClient and an NginxDeployment
// with containers added after construction (kit/lab/e2e/added-containers.test.ts). Synthesized from the constructs, never edited YAML, so the scenarios test what
// a user's prop change really produces. `npm run test:e2e` runs it after `npm run synth`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  FibClient,
  NginxDeployment,
  SandboxApp,
  type SandboxCharts,
  type SandboxProps,
  addSandboxCharts,
} from '../lib';

const outdir = path.resolve(process.argv[2] ?? 'dist-variants');

/** The props of the state after the port change, which the later steps start from. */
const PORTS = {
  nginx: { image: 'nginx:1.14.3' },
  fibClient: { containerPort: 3001, servicePort: 3051 },
} satisfies SandboxProps;

/** Those, without the PodDisruptionBudget and both NetworkPolicies. */
const NO_EXTRAS = {
  nginx: { ...PORTS.nginx, podDisruptionBudget: false, networkPolicy: false },
  fibClient: { ...PORTS.fibClient, networkPolicy: false },
} satisfies SandboxProps;

/**
 * The change a later NginxDeployment might make to its immutable selector: select by the
 * instance label as well. No prop changes the selector alone (it is app: ${name}, and name
 * renames the Deployment), so this uses the escape hatch, on purpose.
 */
function instanceSelector({ nginx }: SandboxCharts): void {
  ApiObject.of(nginx.nginx.deployment).addJsonPatch(
    JsonPatch.add('/spec/selector/matchLabels/app.kubernetes.io~1instance', 'nginx'),
    JsonPatch.add('/spec/template/metadata/labels/app.kubernetes.io~1instance', 'nginx'),
  );
}

/** Each step: its folder's name, the props, and a change no prop makes. */
const STEPS: [string, SandboxProps, ((charts: SandboxCharts) => void)?][] = [
  ['image-bump', { nginx: { image: 'nginx:1.14.3' } }],
  ...[3, 0, 2].map((replicas): [string, SandboxProps] => [
    `replicas-${replicas}`,
    { nginx: { image: 'nginx:1.14.3', replicas } },
  ]),
  ['ports', PORTS],
  ['selector', PORTS, instanceSelector],
  ['no-extras', NO_EXTRAS, instanceSelector],
  ['web', { ...NO_EXTRAS, fibClient: { ...NO_EXTRAS.fibClient, name: 'web' } }, instanceSelector],
];

fs.rmSync(outdir, { recursive: true, force: true });
for (const [name, props, tweak] of STEPS) {
  const app = new SandboxApp({ outdir: path.join(outdir, name) });
  const charts = addSandboxCharts(app, props);
  tweak?.(charts);
  app.synth();
}
/**
 * A sidecar, an init container and a container that adds NET_BIND_SERVICE, each added to a
 * FibClient's Pod and an NginxDeployment's Deployment after construction, through the public
 * attribute: what the workloads' hardening must cover.
 */
function addedContainers(): void {
  const app = new SandboxApp({ outdir: path.join(outdir, 'added-containers') });
  const chart = new Chart(app, 'workloads');
  const fibClient = new FibClient(chart, 'fib-client', { name: 'added-fib' });
  const nginx = new NginxDeployment(chart, 'nginx', { name: 'added-nginx', replicas: 1 });
  for (const workload of [fibClient.pod, nginx.deployment]) {
    workload.addContainer({ name: 'side', image: 'busybox:1.36', command: ['sleep', 'infinity'], portNumber: 8080 });
    workload.addInitContainer({ name: 'init', image: 'busybox:1.36', command: ['true'] });
    workload.addContainer({
      name: 'low-port',
      image: 'busybox:1.36',
      command: ['sleep', 'infinity'],
      // cdk8s-plus-27's Capability enum spells it CAP_NET_BIND_SERVICE, which "restricted" refuses.
      securityContext: { capabilities: { add: ['NET_BIND_SERVICE' as kplus.Capability] } },
    });
  }
  app.synth();
}
addedContainers();
console.log(`wrote ${STEPS.length + 1} variants of the sandbox into ${path.relative(process.cwd(), outdir)}/`);
