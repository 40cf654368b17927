// A dist/ older than the app's sources, as a user meets it: a change to lib/ committed but not
// synthesized. The tools that read dist/ by default notice it (kit/pkg/common/synth-stamp.ts):
// `npm run diff` synthesizes the work tree instead; check, diagram and the e2e's run.sh refuse
// before doing anything. A folder named explicitly is taken as it is. The scratch project's app
// copies lib/*.yaml into CDK8S_OUTDIR (any cdk8s app, as the tools see one); its kit/ and
// node_modules/ are links to this project's, so run.sh runs there as it runs here.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findObject } from '../kube';
import { formatManifests, readManifests } from '../manifests';
import { gitIn } from './git';
import { SANDBOX_DIR } from './sandbox-fixture';
import { makeTempDir, removeTempDir, withTempDir } from '../temp-dir';

const root = path.resolve(__dirname, '../../../..');
const APP = 'mkdir -p "$CDK8S_OUTDIR" && cp lib/*.yaml "$CDK8S_OUTDIR"/';
const README =
  '<!-- deployment-diagram:begin (npm run diagram writes this block) -->\n<!-- deployment-diagram:end -->\n';

jest.setTimeout(120_000);

let project: string;

const git = (...args: string[]) => gitIn(project, ...args);

/** A subcommand of the kit's command as `npm run` runs it, in the scratch project. */
function tool(subcommand: string, ...args: string[]) {
  return spawnSync('node', ['kit/cmd/sandbox-kit.js', subcommand, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

const synth = () => expect(tool('synth').status).toBe(0);

function scaleNginx(replicas: number): void {
  const file = path.join(project, 'lib/nginx.k8s.yaml');
  const objects = readManifests(file);
  findObject(objects, 'Deployment', 'nginx-deployment').spec.replicas = replicas;
  fs.writeFileSync(file, formatManifests(objects));
}

beforeEach(() => {
  project = makeTempDir('k8s-sandbox-stale-');
  fs.cpSync(SANDBOX_DIR, path.join(project, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `app: ${JSON.stringify(APP)}\n`);
  fs.writeFileSync(path.join(project, 'README.md'), README);
  fs.writeFileSync(path.join(project, '.gitignore'), 'dist/\ndocs/\nkit\nnode_modules\n');
  fs.symlinkSync(path.join(root, 'kit'), path.join(project, 'kit'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'));
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('commit', '--quiet', '-m', 'base');
  synth();
  // A change to the app, committed but not synthesized.
  scaleNginx(3);
  git('commit', '--quiet', '-am', 'scale nginx');
});
afterEach(() => removeTempDir(project));

test('npm run diff -- HEAD~1 synthesizes the work tree, says why, and shows the change', () => {
  const result = tool('diff', 'HEAD~1');
  expect(result.stderr).toContain(
    'dist/ is older than lib/nginx.k8s.yaml: synthesizing the work tree for this diff (npm run synth updates dist/) ...\n',
  );
  expect(result.stdout).toContain('-> the work tree (synthesized: dist/ is older than lib/nginx.k8s.yaml)');
  expect(result.stdout).toMatch(/replicas: 2 -> 3/);
  expect(result.stdout).not.toContain('No manifest changes.');
  expect(result.status).toBe(0);
  // dist/ is not the diff's to write.
  expect(readManifests(path.join(project, 'dist/nginx.k8s.yaml'))).toContainEqual(
    expect.objectContaining({ kind: 'Deployment', spec: expect.objectContaining({ replicas: 2 }) }),
  );
});

test('npm run diff with dist named takes it as it is', () => {
  const result = tool('diff', 'HEAD~1', 'dist');
  expect(result.stderr).not.toContain('older');
  expect(result.stdout).toContain('No manifest changes.');
});

test.each([
  [
    'check',
    'check',
    2,
    'check: dist/ is older than lib/nginx.k8s.yaml; run `npm run synth`, or name it (npm run check -- dist) to use it as it is\n',
  ],
  [
    'diagram',
    'diagram',
    1,
    'npm run diagram: dist/ is older than lib/nginx.k8s.yaml; run `npm run synth`, or name it (npm run diagram -- dist) to use it as it is\n',
  ],
])('npm run %s refuses a stale dist/ and says why', (_, subcommand, code, message) => {
  const result = tool(subcommand);
  expect(result.stderr).toBe(message);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(code);
  expect(fs.existsSync(path.join(project, 'docs'))).toBe(false);
});

test('npm run apply refuses a stale dist/ before any cluster is contacted; dist named is taken as it is', () => {
  const stale = tool('apply');
  expect(stale.stderr).toMatch(
    /^npm run apply: dist\/ is older than lib\/nginx\.k8s\.yaml; run `npm run synth`, or name it \(npm run apply -- dist\) to use it as it is\nusage: /,
  );
  expect(stale.status).toBe(2);
  // Named, it goes on to the cluster: none is configured here, so it stops at the target.
  const named = tool('apply', 'dist', '--kubeconfig', path.join(project, 'no-such-kubeconfig'));
  expect(named.stderr).not.toContain('older');
});

test('the e2e run.sh refuses a stale dist/ before a cluster starts; E2E_DIST_DIR=dist takes it as it is', async () => {
  await withTempDir('k8s-sandbox-stale-e2e-', async (tmp) => {
    const runSh = (env: NodeJS.ProcessEnv) =>
      spawnSync('bash', ['kit/lab/e2e/run.sh', '-t', 'nothing'], {
        cwd: project,
        encoding: 'utf8',
        // An empty KUBECONFIG path stops a run that got past the check at its first kubectl call.
        env: { ...process.env, TMPDIR: tmp, KUBECONFIG: path.join(tmp, 'none'), ...env },
      });
    const stale = runSh({});
    expect(stale.stderr).toBe(
      'e2e: dist/ is older than lib/nginx.k8s.yaml; run `npm run synth`, or name it (E2E_DIST_DIR=dist) to use it as it is\n',
    );
    expect(stale.status).toBe(2);
    expect(fs.readdirSync(tmp)).toEqual([]);
    const named = runSh({ E2E_DIST_DIR: 'dist' });
    expect(named.stdout.split('\n')[0]).toMatch(/^e2e: testing 2 files of dist\/ as written at /);
  });
});

test('after npm run synth every tool takes dist/; a source touched but not changed keeps it fresh', () => {
  synth();
  const future = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(project, 'lib/nginx.k8s.yaml'), future, future);
  const diagram = tool('diagram');
  expect(diagram.stderr).toBe('');
  expect(diagram.status).toBe(0);
  expect(tool('diff', 'HEAD~1').stderr).not.toContain('older');
});

test('a source added or deleted since the synth counts as a change', () => {
  synth();
  fs.writeFileSync(path.join(project, 'lib/extra.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n');
  fs.rmSync(path.join(project, 'lib/fib-client.k8s.yaml'));
  expect(tool('diagram').stderr).toContain(
    'dist/ is older than lib/extra.k8s.yaml (new), lib/fib-client.k8s.yaml (deleted);',
  );
});

test('a dist/ written by cdk8s synth (no stamp) is compared by file times', () => {
  fs.rmSync(path.join(project, 'dist'), { recursive: true });
  const app = spawnSync('sh', ['-c', APP], { cwd: project, env: { ...process.env, CDK8S_OUTDIR: 'dist' } });
  expect(app.status).toBe(0);
  expect(tool('diagram').status).toBe(0);
  const future = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(project, 'lib/nginx.k8s.yaml'), future, future);
  expect(tool('diagram').stderr).toBe(
    'npm run diagram: dist/ is older than lib/nginx.k8s.yaml (by file times: dist/ has no .sources.sha256, as ' +
      'when `cdk8s synth` wrote it instead of `npm run synth`); run `npm run synth`, or name it (npm run ' +
      'diagram -- dist) to use it as it is\n',
  );
});
