// A fresh `cdk8s init typescript-app` project: the cdk8s template as a new user gets it, from the
// pinned cdk8s-cli, which `npm run bench` times beside the app (its `npm run build` against the
// app's `npm test`). Made once per machine and cdk8s-cli version into ~/.cache/k8s-sandbox.
//
// cdk8s init copies the template, installs its packages from the npm registry, then runs
// `cdk8s import`, which downloads the newest Kubernetes schema. Offline that download fails, so
// the template's cdk8s.yaml is pinned to k8s@1.27.0 and `npm run import`'s reader (sandbox-kit
// import, kit/pkg/import/import.ts) imports the schema beside the repository instead. The
// template's own snapshot is written in Jest 28's format (`Array []`), which the Jest 29 it
// installs refuses, so it is written once anew (`jest -u`): otherwise its `npm run build` fails
// out of the box.
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SCHEMA = path.resolve(ROOT, '../shared/kubernetes-schemas/v1.27.0/_definitions.json');

/** Runs a step of the making, what it prints shown on stderr as progress; returns its exit code. */
function step(what: string, command: string, args: readonly string[], options: SpawnSyncOptions): number {
  process.stderr.write(`cdk8s template: ${what}\n`);
  const result = spawnSync(command, args, { ...options, stdio: ['ignore', 2, 2] });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** The folder of the template project, made first if this machine has none for this cdk8s-cli. */
export function cdk8sTemplate(): string {
  const cli = path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [ROOT] }));
  const version = (JSON.parse(fs.readFileSync(path.join(cli, 'package.json'), 'utf8')) as { version: string }).version;
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'k8s-sandbox');
  const dir = path.join(cache, `cdk8s-template-${version}`);
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;

  // Made in a folder of its own and moved when complete: an interrupted making is never used.
  // cdk8s init names the project and its chart after its folder: cdk8s-app.
  const making = `${dir}.partial-${process.pid}`;
  const partial = path.join(making, 'cdk8s-app');
  fs.rmSync(making, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  try {
    // The template's test (cdk8s's Testing.app()) leaves a folder in TMPDIR: one removed with the rest.
    const tmp = fs.mkdtempSync(path.join(making, 'tmp-'));
    const inTemplate = { cwd: partial, env: { ...process.env, CI: 'true', TMPDIR: tmp } };
    const init = step(
      `cdk8s init typescript-app (cdk8s-cli ${version}) in ${partial}`,
      process.execPath,
      [path.join(cli, 'bin/cdk8s'), 'init', 'typescript-app'],
      inTemplate,
    );
    if (!fs.existsSync(path.join(partial, 'node_modules/cdk8s'))) {
      throw new Error(`cdk8s init typescript-app failed (exit ${init}) before it installed the template's packages`);
    }
    if (!fs.existsSync(path.join(partial, 'imports/k8s.ts'))) {
      if (!fs.existsSync(SCHEMA)) {
        throw new Error(
          `cdk8s init could not import the Kubernetes schema, and ${SCHEMA} is missing to import it from`,
        );
      }
      const cdk8sYaml = path.join(partial, 'cdk8s.yaml');
      fs.writeFileSync(cdk8sYaml, fs.readFileSync(cdk8sYaml, 'utf8').replace(/^ {2}- k8s$/m, '  - k8s@1.27.0'));
      const imported = step(
        'importing the k8s@1.27.0 schema from the file beside the repository',
        process.execPath,
        [path.join(ROOT, 'kit/cmd/sandbox-kit.js'), 'import', SCHEMA],
        inTemplate,
      );
      if (imported !== 0) throw new Error(`importing ${SCHEMA} into the template failed (exit ${imported})`);
    }
    step("writing the template's snapshot anew (jest -u)", 'npx', ['jest', '-u'], inTemplate);
    const built = step('npm run build, once, to see that it passes', 'npm', ['run', 'build'], inTemplate);
    if (built !== 0) throw new Error(`the template's npm run build failed in ${partial} (exit ${built})`);
    fs.renameSync(partial, dir);
  } finally {
    fs.rmSync(making, { recursive: true, force: true });
  }
  return dir;
}
