// A cdk8s app that is not this one, with the kit installed as a user installs it: a copy of a
// fresh `cdk8s init typescript-app` project (kit/lab/bench/cdk8s-template.ts, made once per
// machine from the pinned cdk8s-cli), the kit packed by `npm pack` and installed from the tarball
// with `npm install`, and its validation plugin named in cdk8s.yaml, as kit/README.md's first
// steps say. The test beside it (test/installed-app.cli.test.ts) synthesizes, checks and diffs it.
//
// npm install prefers its cache: the template's packages are there from its making, and the kit's
// own dependencies from the repository's `npm ci`; what npm still asks the registry is the list
// of versions of a package new to the template (npm ci stores packages, not those lists).
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdk8sTemplate } from '../bench/cdk8s-template';

const KIT = path.resolve(__dirname, '../..');
const ROOT = path.resolve(KIT, '..');

/** cdk8s.yaml's `validations:` for the kit installed as a package (the lines kit/README.md shows). */
export const VALIDATIONS = [
  'validations:',
  '  - package: ./node_modules/k8s-sandbox-kit',
  '    version: 0.1.0',
  '    class: ManifestGates',
].join('\n');

/** Runs a step, what it prints shown on stderr as progress; throws if it fails. */
function step(what: string, command: string, args: readonly string[], options: SpawnSyncOptions): string {
  process.stderr.write(`installed kit: ${what}\n`);
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', stdio: ['ignore', 'pipe', 2] });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}): ${command} ${args.join(' ')}`);
  }
  return result.stdout;
}

/**
 * Makes the project in `dir` (which must not exist yet) and returns its folder: `dir/app`, beside
 * `dir/kit` (the packed tarball) and `dir/shared`, which links the Kubernetes API schema that
 * `sandbox-kit check` reads beside the project (kit/pkg/check/schemas.ts), as it does beside this
 * repository.
 */
export function installedKitApp(dir: string): string {
  const template = cdk8sTemplate();
  const app = path.join(dir, 'app');
  const pack = path.join(dir, 'kit');
  fs.mkdirSync(pack, { recursive: true });
  const packed = step('npm pack of kit/', 'npm', ['pack', '--json', '--pack-destination', pack], { cwd: KIT });
  const tarball = path.join(pack, (JSON.parse(packed) as { filename: string }[])[0]!.filename);

  // The template as cdk8s init left it, less what its own build wrote.
  process.stderr.write(`installed kit: copying the cdk8s template ${template} into ${app}\n`);
  fs.cpSync(template, app, {
    recursive: true,
    verbatimSymlinks: true, // node_modules/.bin's links stay inside the copy
    filter: (source) => source !== path.join(template, 'dist'),
  });
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', tarball];
  step(`npm install --save-dev ${path.basename(tarball)}`, 'npm', install, { cwd: app });

  const cdk8sYaml = path.join(app, 'cdk8s.yaml');
  fs.writeFileSync(cdk8sYaml, `${fs.readFileSync(cdk8sYaml, 'utf8').trimEnd()}\n${VALIDATIONS}\n`);
  fs.mkdirSync(path.join(dir, 'shared'));
  fs.symlinkSync(
    path.resolve(ROOT, '../shared/kubernetes-schemas'),
    path.join(dir, 'shared/kubernetes-schemas'),
    'dir',
  );
  return app;
}
