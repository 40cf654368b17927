// `npm run diff` and `npm run diagram` for real: git, the extracted tree and an app command, in a
// scratch repository (so this repository's git is never touched). Its app is any cdk8s app as the
// tools see one: a cdk8s.yaml whose `app:` command writes manifests into CDK8S_OUTDIR, here by
// copying the sandbox fixture from manifests/. The tools need nothing of this project's app.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type KubeObject, findObject } from '../../common/kube';
import { formatManifests, readManifests } from '../../common/manifests';
import { gitIn } from '../../common/test/git';
import { SANDBOX_DIR } from '../../common/test/sandbox-fixture';
import { makeTempDir, removeTempDir, withTempDir } from '../../common/temp-dir';
import { deploymentDiagram } from '../deployment-diagram';

const root = path.resolve(__dirname, '../../../..');
const APP = 'mkdir -p "$CDK8S_OUTDIR" && cp manifests/*.yaml "$CDK8S_OUTDIR"/';
const README = [
  '# app',
  '<!-- deployment-diagram:begin (npm run diagram writes this block) -->',
  '<!-- deployment-diagram:end -->',
  '',
].join('\n');

jest.setTimeout(60_000);

let repo: string;

const git = (...args: string[]) => gitIn(repo, ...args);

/** The kit's command, `sandbox-kit diff` or `sandbox-kit diagram`. */
const SANDBOX_KIT = path.join(root, 'kit/cmd/sandbox-kit.js');

/** The tool run as `npm run` runs it: in the project's folder. */
function review(script: 'diff' | 'diagram', args: string[] = [], cwd = repo, env: NodeJS.ProcessEnv = {}) {
  return spawnSync('node', [SANDBOX_KIT, script, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
}

/** What `npm run synth` does: the app writes dist/. */
function synth(): void {
  fs.rmSync(path.join(repo, 'dist'), { recursive: true, force: true });
  const result = spawnSync('sh', ['-c', APP], { cwd: repo, env: { ...process.env, CDK8S_OUTDIR: 'dist' } });
  expect(result.status).toBe(0);
}

/** Changes the app's nginx Deployment in the work tree. */
function editDeployment(edit: (deployment: KubeObject) => void): void {
  const file = path.join(repo, 'manifests/nginx.k8s.yaml');
  const objects = readManifests(file);
  edit(findObject(objects, 'Deployment', 'nginx-deployment'));
  fs.writeFileSync(file, formatManifests(objects));
}

beforeAll(() => {
  repo = makeTempDir('k8s-sandbox-review-');
  fs.cpSync(SANDBOX_DIR, path.join(repo, 'manifests'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), `app: ${JSON.stringify(APP)}\n`);
  fs.writeFileSync(path.join(repo, 'README.md'), README);
  fs.writeFileSync(path.join(repo, '.gitignore'), 'dist/\ndocs/\n');
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('commit', '--quiet', '-m', 'base');
  git('checkout', '--quiet', '-b', 'feature');
  // A pull request that scales nginx and renames its app label, which the selector uses.
  editDeployment((deployment) => {
    deployment.spec.replicas = 3;
    deployment.spec.selector.matchLabels.app = 'nginx-web';
  });
  git('commit', '--quiet', '-am', 'scale nginx, rename its label');
});

afterAll(() => removeTempDir(repo));

test('without dist/ it says to synthesize first, before synthesizing anything', () => {
  const result = review('diff');
  expect(result.stderr).toBe(
    'npm run diff: dist does not exist: run `npm run synth` first, or name a folder or file of manifests\n',
  );
  expect(result.status).toBe(1);
});

test('on a branch: dist/ against the merge base with main, per field, the selector flagged', () => {
  synth();
  const result = review('diff');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Manifest changes, merge base with main \([0-9a-f]{7}\) -> dist\n/);
  expect(result.stdout).toContain('~ Deployment/nginx-deployment\n');
  expect(result.stdout).toContain('    spec.replicas: 2 -> 3\n');
  expect(result.stdout).toContain(
    "    spec.selector.matchLabels.app: nginx -> nginx-web\n      !! cannot apply in place: a Deployment's selector is immutable",
  );
  expect(result.stdout).not.toContain('fib-client');
  expect(result.stderr).toMatch(/^synthesizing merge base with main \([0-9a-f]{7}\) \.\.\.\n$/);
});

test('--markdown against a named ref, for the job summary', () => {
  const result = review('diff', ['--markdown', 'main']);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^### Manifest changes\n\nmain \([0-9a-f]{7}\) → dist\n/);
  expect(result.stdout).toContain('| `spec.replicas` | `2` | `3` |  |');
});

test('two folders: no git, no synth', () => {
  const result = review('diff', [SANDBOX_DIR, 'dist']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`Manifest changes, ${SANDBOX_DIR} -> dist\n`);
  expect(result.stdout).toContain('    spec.replicas: 2 -> 3\n');
});

test('a BASE that names both a folder and a branch (dist): exit 2, saying how to pick one, as git does', () => {
  git('branch', 'dist');
  try {
    const result = review('diff', ['dist']);
    expect(result.stderr).toMatch(
      /^npm run diff: BASE must name a folder or a git ref, not both \(got dist, a path and commit ([0-9a-f]{7})\); write \.\/dist for the path, or refs\/heads\/dist, refs\/tags\/dist or \1 for the commit\n/,
    );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
    expect(review('diff', ['./dist']).stdout).toBe('Manifest changes, ./dist -> dist\nNo manifest changes.\n');
    expect(review('diff', ['refs/heads/dist']).stdout).toMatch(
      /^Manifest changes, refs\/heads\/dist \([0-9a-f]{7}\) -> dist\n/,
    );
  } finally {
    git('branch', '--quiet', '-D', 'dist');
  }
});

test("YAML's !!binary is the string kubectl decodes it to: no change, no Buffer", async () => {
  await withTempDir('k8s-sandbox-binary-', async (folder) => {
    const configMap = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${value}\n`;
    fs.writeFileSync(path.join(folder, 'before.yaml'), configMap('!!binary aGVsbG8='));
    fs.writeFileSync(path.join(folder, 'after.yaml'), configMap('hello'));
    const same = review('diff', [path.join(folder, 'before.yaml'), path.join(folder, 'after.yaml')]);
    expect(same.stdout).toMatch(/\nNo manifest changes.\n$/);
    fs.writeFileSync(path.join(folder, 'after.yaml'), configMap('bye'));
    const changed = review('diff', [path.join(folder, 'before.yaml'), path.join(folder, 'after.yaml')]);
    expect(changed.stdout).toContain('    data.a: hello -> bye\n');
  });
});

test('a Secret: which key was added, changed or removed, never a value or its base64, in text or Markdown', async () => {
  await withTempDir('k8s-sandbox-secret-', async (folder) => {
    const secret = (data: Record<string, string>, stringData: Record<string, string>) =>
      formatManifests([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data, stringData }]);
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    const before = { kept: base64('same-value-1'), changed: base64('old-value-2'), dropped: base64('gone-value-3') };
    const after = { kept: base64('same-value-1'), changed: base64('new-value-4'), added: base64('new-key-value-5') };
    fs.writeFileSync(path.join(folder, 'before.yaml'), secret(before, { token: 'old-token-6' }));
    fs.writeFileSync(path.join(folder, 'after.yaml'), secret(after, { token: 'new-token-7', extra: 'extra-value-8' }));
    const files = [path.join(folder, 'before.yaml'), path.join(folder, 'after.yaml')];
    const text = review('diff', files);
    const markdown = review('diff', ['--markdown', ...files]);
    expect(text.stdout).toContain('    data.changed: "*** (before)" -> "*** (after)"\n');
    expect(text.stdout).toContain('    data.added: (none) -> "***"\n');
    expect(text.stdout).toContain('    data.dropped: "***" -> (none)\n');
    expect(text.stdout).toContain('    stringData.token: "*** (before)" -> "*** (after)"\n');
    expect(text.stdout).toContain('    stringData.extra: (none) -> "***"\n');
    expect(text.stdout).not.toContain('data.kept');
    expect(markdown.stdout).toContain('stringData.extra');
    const values = ['same-value-1', 'old-value-2', 'gone-value-3', 'new-value-4', 'new-key-value-5'];
    const secrets = [...values, ...values.map(base64), 'old-token-6', 'new-token-7', 'extra-value-8'];
    for (const output of [text.stdout, text.stderr, markdown.stdout, markdown.stderr]) {
      expect(secrets.filter((value) => output.includes(value))).toEqual([]);
    }
  });
});

test('diff and diagram read a pipe as kubectl does: <(...) and a FIFO in a folder', async () => {
  const bash = (command: string) =>
    spawnSync('bash', ['-c', command], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const diff = `node ${SANDBOX_KIT} diff`;
  const substituted = bash(`${diff} <(cat ${SANDBOX_DIR}/nginx.k8s.yaml) <(cat dist/nginx.k8s.yaml)`);
  expect(substituted.stdout).toMatch(/^Manifest changes, \/dev\/fd\/\d+ -> \/dev\/fd\/\d+\n/);
  expect(substituted.stdout).toContain('    spec.replicas: 2 -> 3\n');
  expect(substituted.status).toBe(0);

  await withTempDir('k8s-sandbox-fifo-', async (folder) => {
    const fifo = path.join(folder, 'piped.yaml');
    const diagram = `node ${SANDBOX_KIT} diagram`;
    const result = bash(`mkfifo ${fifo} && (cat dist/*.yaml > ${fifo} &) && ${diagram} ${folder}`);
    expect(result.stderr).toBe(
      `npm run diagram: printed the picture of ${folder}; docs/deployment.md and README.md still show dist/\n`,
    );
    expect(result.stdout).toContain('nginx-deployment');
    expect(result.status).toBe(0);
  });
});

test('a bad ref, option or argument count fails with a message', () => {
  expect(review('diff', ['no-such-ref'])).toMatchObject({
    status: 1,
    stderr: expect.stringContaining(
      'npm run diff: no-such-ref is no folder or file of manifests and names no commit in this repository',
    ),
  });
  expect(review('diff', ['--colour'])).toMatchObject({
    status: 2,
    stderr: expect.stringMatching(/unknown option '--colour'/i),
  });
  expect(review('diff', ['a', 'b', 'c'])).toMatchObject({
    status: 2,
    stderr: expect.stringContaining('give at most BASE and AFTER (got 3 arguments)'),
  });
});

test('outside a git repository, a ref cannot be synthesized: it says so', async () => {
  await withTempDir('k8s-sandbox-no-git-', async (outside) => {
    fs.cpSync(SANDBOX_DIR, path.join(outside, 'dist'), { recursive: true });
    // GIT_CEILING_DIRECTORIES: so that git does not find a repository in a folder above the temp dir.
    const result = review('diff', [], outside, { GIT_CEILING_DIRECTORIES: path.dirname(outside) });
    expect(result.stderr).toBe(
      `npm run diff: ${outside} is not in a git repository: npm run diff synthesizes a git commit for its BASE; ` +
        'run it in a clone of the project, or give a folder of manifests as BASE\n',
    );
    expect(result.status).toBe(1);
  });
});

test('on main: the uncommitted changes, once synthesized', () => {
  git('checkout', '--quiet', 'main');
  synth();
  expect(review('diff').stdout).toMatch(
    /^Manifest changes, merge base with main \([0-9a-f]{7}, which is HEAD\) -> dist\nNo manifest changes.\n$/,
  );

  editDeployment((deployment) => (deployment.spec.template.spec.containers[0].image = 'nginx:1.25.3'));
  synth();
  const result = review('diff');
  git('checkout', '--quiet', '--', 'manifests');
  synth();
  expect(result.stdout).toContain(
    '    spec.template.spec.containers[name=nginx].image: nginx:1.14.2 -> nginx:1.25.3\n      ! risky: new image',
  );
});

test('npm run diagram draws dist/; --check tells whether the committed files show it', () => {
  git('checkout', '--quiet', 'main');
  synth();
  const stale = review('diagram', ['--check']);
  expect(stale.stderr).toBe(
    'npm run diagram: docs/deployment.md and the diagram in README.md do not show dist: ' +
      'run `npm run diagram` and commit the result\n',
  );
  expect(stale.status).toBe(1);

  const result = review('diagram');
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^wrote docs\/deployment.md and the diagram in README.md from dist \(6 objects\)\n$/);
  const expected = deploymentDiagram(readManifests(path.join(repo, 'dist')));
  expect(fs.readFileSync(path.join(repo, 'docs/deployment.md'), 'utf8')).toBe(expected);
  expect(review('diagram', ['--check'])).toMatchObject({ status: 0, stderr: '' });

  // Another folder's picture is printed; the project's docs keep showing dist/.
  const other = path.join(repo, 'other');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
  const printed = review('diagram', ['other']);
  expect(printed).toMatchObject({
    status: 0,
    stdout: expect.stringContaining('ConfigMap_one["ConfigMap one'),
    stderr: 'npm run diagram: printed the picture of other; docs/deployment.md and README.md still show dist/\n',
  });
  expect(fs.readFileSync(path.join(repo, 'docs/deployment.md'), 'utf8')).toBe(expected);
  expect(review('diagram', ['--check', 'other'])).toMatchObject({
    status: 2,
    stderr: expect.stringContaining("--check compares the project's docs with dist/, not other: give no PATH"),
  });
  fs.rmSync(other, { recursive: true });
});

describe('in a shallow clone', () => {
  let clone: string;
  beforeAll(() => {
    // Both branches cut to their last commit: main's and feature's histories no longer meet.
    clone = makeTempDir('k8s-sandbox-shallow-');
    const cloned = spawnSync(
      'git',
      ['clone', '--quiet', '--depth=1', '--no-single-branch', '--branch=feature', `file://${repo}`, clone],
      { encoding: 'utf8' },
    );
    expect(cloned.stderr).toBe('');
    fs.cpSync(SANDBOX_DIR, path.join(clone, 'dist'), { recursive: true });
  });
  afterAll(() => removeTempDir(clone));
  const hint =
    '; this clone is shallow (its history is cut off, as after git clone --depth), so older commits are ' +
    'missing: run git fetch --unshallow, or give a folder of manifests as BASE\n';

  test('a ref before the cut: it says the history is shallow', () => {
    const result = review('diff', ['HEAD~1'], clone);
    expect(result.stderr).toBe(
      `npm run diff: HEAD~1 is no folder or file of manifests and names no commit in this repository${hint}`,
    );
    expect(result.status).toBe(1);
  });

  test('no merge base with main: it says the history is shallow', () => {
    const result = review('diff', [], clone);
    expect(result.stderr).toBe(`npm run diff: HEAD and origin/main have no common commit in this repository${hint}`);
    expect(result.status).toBe(1);
  });
});
