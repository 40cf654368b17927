// The kit's validation plugin as cdk8s users run it: the real `cdk8s synth` of a project whose
// cdk8s.yaml names the plugin, on an app that cdk8s synthesizes but the API server and Pod Security
// refuse (bad-app.ts). Needs kube-rules built (npm run test:check builds it first).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';
import { SKIPPED } from '../manifest-gates';

const root = path.resolve(__dirname, '../../../..');
const kit = path.join(root, 'kit');
const cdk8s = path.join(root, 'node_modules/.bin/cdk8s');

let project: string;
beforeEach(() => {
  project = makeTempDir('k8s-sandbox-plugin-');
  fs.writeFileSync(
    path.join(project, 'cdk8s.yaml'),
    [
      'language: typescript',
      `app: node -r ${kit}/pkg/loader/ts-register.js ${__dirname}/bad-app.ts`,
      'validations:',
      `  - package: ${kit}`,
      '    version: 0.1.0',
      '    class: ManifestGates',
      '',
    ].join('\n'),
  );
});
afterEach(() => removeTempDir(project));

function synth(args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(cdk8s, ['synth', '--check-upgrade=false', ...args], { cwd: project, encoding: 'utf8', env });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

test("an object the API server refuses fails cdk8s synth, with its construct path and the API server's words", () => {
  const result = synth();
  expect(result.status).toBe(2);
  expect(result.output).toContain('Validation failed. See above reports for details');
  expect(result.output).toMatch(
    /api-server: ConfigMap\/Bad_Name \(1 occurrences\)[\s\S]*?- Construct Path: chart\/settings[\s\S]*?Recommendation: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/,
  );
  expect(result.output).toMatch(
    /pod-security: Pod\/worker \(1 occurrences\)[\s\S]*?- Construct Path: chart\/worker[\s\S]*?Recommendation: spec: privileged: container "main" must not set securityContext\.privileged=true/,
  );
  // The construct paths came from construct-metadata.json, which kubectl apply -f dist would refuse.
  expect(fs.readdirSync(path.join(project, 'dist'))).toEqual(['chart.k8s.yaml']);
});

test('cdk8s synth --no-validate skips the gates, as cdk8s documents', () => {
  const result = synth(['--no-validate']);
  expect(result.status).toBe(0);
  expect(result.output).not.toContain('Performing validations');
  expect(fs.readdirSync(path.join(project, 'dist'))).toEqual(['chart.k8s.yaml']);
});

test('without the gates built, the synth passes and says in one line what it skipped and how to build them', () => {
  const emptyCache = path.join(project, 'cache');
  const result = synth([], { ...process.env, XDG_CACHE_HOME: emptyCache });
  expect(result.status).toBe(0);
  expect(result.stdout.split('\n')).toContain(SKIPPED);
  expect(fs.readdirSync(path.join(project, 'dist'))).toEqual(['chart.k8s.yaml']);
});
