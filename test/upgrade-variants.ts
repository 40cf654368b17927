// The copies of the sandbox that the upgrade scenarios of `npm run test:e2e`
// (tools/e2e/upgrade.test.ts) apply in turn: the charts main.ts adds, with changed props, each
// written like dist/ into a folder named for its step under the folder given (default
// dist-upgrades/). Synthesized from the constructs, never edited YAML, so the scenarios test what
// a user's prop change really produces. `npm run test:e2e` runs it after `npm run synth`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, JsonPatch } from 'cdk8s';
import { type SandboxCharts, type SandboxProps, addSandboxCharts } from '../lib';

const outdir = path.resolve(process.argv[2] ?? 'dist-upgrades');

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
  const app = new App({ outdir: path.join(outdir, name) });
  const charts = addSandboxCharts(app, props);
  tweak?.(charts);
  app.synth();
}
console.log(`wrote ${STEPS.length} variants of the sandbox into ${path.relative(process.cwd(), outdir)}/`);
