// `npm run diff` and `npm run diagram` for real: git, the extracted tree and the cdk8s app, in a
// scratch repository holding a copy of the project (so this repository's git is never touched).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deploymentDiagram } from '../deployment-diagram';
import { sandboxObjects } from '../../common/test/sandbox';

const root = path.resolve(__dirname, '../../..');
// What the app and the review scripts need; node_modules is linked, not copied.
const PROJECT_FILES = [
  'cdk8s.yaml',
  'package.json',
  'tsconfig.json',
  'main.ts',
  'README.md',
  'lib',
  'imports',
  'tools',
];

jest.setTimeout(60_000);

let repo: string;

function git(...args: string[]): void {
  const identity = ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];
  const result = spawnSync('git', [...identity, ...args], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  }
}

function review(script: 'diff' | 'diagram', ...args: string[]) {
  return spawnSync('node', ['-r', './tools/loader/ts-register.js', `tools/review/${script}.ts`, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-review-'));
  for (const file of PROJECT_FILES) {
    fs.cpSync(path.join(root, file), path.join(repo, file), { recursive: true });
  }
  fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\ndist/\ndocs/\n');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('commit', '--quiet', '-m', 'base');
  git('checkout', '--quiet', '-b', 'feature');
  // A pull request that scales nginx and renames its app label, which the selector uses.
  const nginx = path.join(repo, 'lib/nginx.ts');
  const source = fs.readFileSync(nginx, 'utf8');
  fs.writeFileSync(
    nginx,
    source.replace('props.replicas ?? 2', 'props.replicas ?? 3').replace('{ app: name }', '{ app: `${name}-web` }'),
  );
  git('commit', '--quiet', '-am', 'scale nginx, rename its label');
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

test('on a branch: the change since the merge base with main, per field, the selector flagged', () => {
  const result = review('diff');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Manifest changes, merge base with main \([0-9a-f]{7}\) -> work tree\n/);
  expect(result.stdout).toContain('~ Deployment/nginx-deployment\n');
  expect(result.stdout).toContain('    spec.replicas: 2 -> 3\n');
  expect(result.stdout).toContain(
    "    spec.selector.matchLabels.app: nginx -> nginx-web\n      !! cannot apply in place: a Deployment's selector is immutable",
  );
  expect(result.stdout).not.toContain('fib-client');
  expect(result.stderr).toContain('synthesizing the work tree');
  expect(fs.existsSync(path.join(repo, 'dist'))).toBe(false);
});

test('--markdown against a named ref, for the job summary', () => {
  const result = review('diff', '--markdown', 'main');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^### Manifest changes\n\nmain \([0-9a-f]{7}\) → work tree\n/);
  expect(result.stdout).toContain('| `spec.replicas` | `2` | `3` |  |');
});

test('a bad ref or option fails with a message', () => {
  expect(review('diff', 'no-such-ref')).toMatchObject({
    status: 1,
    stderr: expect.stringContaining('npm run diff: no-such-ref names no commit in this repository'),
  });
  expect(review('diff', '--colour')).toMatchObject({
    status: 2,
    stderr: expect.stringMatching(/unknown option '--colour'/i),
  });
});

test('outside a git repository it says so', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-no-git-'));
  try {
    for (const file of ['tools']) {
      fs.cpSync(path.join(root, file), path.join(outside, file), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(outside, 'node_modules'), 'dir');
    const result = spawnSync('node', ['-r', './tools/loader/ts-register.js', 'tools/review/diff.ts'], {
      cwd: outside,
      encoding: 'utf8',
      // So that git does not find a repository in a folder above the temp dir.
      env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(outside) },
    });
    expect(result.stderr).toBe(
      `npm run diff: ${outside} is not in a git repository: npm run diff compares the work tree with a git commit; ` +
        'run it in a clone of the project\n',
    );
    expect(result.status).toBe(1);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test('on main: the uncommitted changes', () => {
  git('checkout', '--quiet', 'main');
  expect(review('diff').stdout).toMatch(
    /^Manifest changes, merge base with main \([0-9a-f]{7}, which is HEAD\) -> work tree\nNo manifest changes.\n$/,
  );

  const nginx = path.join(repo, 'lib/nginx.ts');
  fs.writeFileSync(nginx, fs.readFileSync(nginx, 'utf8').replace("?? 'nginx:1.14.2'", "?? 'nginx:1.25.3'"));
  const result = review('diff');
  git('checkout', '--quiet', '--', 'lib/nginx.ts');
  expect(result.stdout).toContain(
    '    spec.template.spec.containers[name=nginx].image: nginx:1.14.2 -> nginx:1.25.3\n      ! risky: new image',
  );
});

test('npm run diagram, through the real app, writes what the unit test expects from the charts', () => {
  git('checkout', '--quiet', 'main');
  const result = review('diagram');
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^wrote docs\/deployment.md and the diagram in README.md \(\d+ objects\)\n$/);

  const expected = deploymentDiagram(sandboxObjects());
  expect(fs.readFileSync(path.join(repo, 'docs/deployment.md'), 'utf8')).toBe(expected);
});
