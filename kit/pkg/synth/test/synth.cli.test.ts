// `npm run synth` as a user runs it, in a scratch project whose cdk8s.yaml app copies the sandbox
// fixture into CDK8S_OUTDIR (any cdk8s app, as the tools see one): the real cdk8s-cli, the guards
// on the output folder and the options, the record of what it wrote, the stamp of the sources,
// and a checkout that cannot be written.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubectlSync } from '../../common/kubectl';
import { gitIn } from '../../common/test/git';
import { SANDBOX_DIR } from '../../common/test/sandbox-fixture';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
const APP = 'mkdir -p "$CDK8S_OUTDIR" && cp lib/*.yaml "$CDK8S_OUTDIR"/';
const GUARD_FIX = 'name a new or empty folder (cdk8s synth deletes its output folder before writing it)';
const NOT_WRITTEN = 'which it did not write or which changed since';

jest.setTimeout(60_000);

let project: string;
beforeEach(() => {
  project = makeTempDir('k8s-sandbox-synth-cli-');
  fs.cpSync(SANDBOX_DIR, path.join(project, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `app: ${JSON.stringify(APP)}\n`);
});
afterEach(() => removeTempDir(project));

function synth(args: string[] = [], options: { uid?: number; gid?: number } = {}) {
  return spawnSync('node', [path.join(root, 'kit/cmd/sandbox-kit.js'), 'synth', ...args], {
    cwd: project,
    encoding: 'utf8',
    ...options,
  });
}

test('writes dist/ with cdk8s-cli and stamps it with its sources, a file kubectl does not read', () => {
  const result = synth();
  expect(result.stdout).toContain('Synthesizing application');
  expect(result.status).toBe(0);
  expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual([
    '.manifests.sha256',
    '.sources.sha256',
    'fib-client.k8s.yaml',
    'nginx.k8s.yaml',
  ]);
  // sha256sum's own format, so `sha256sum -c dist/.sources.sha256` checks it by hand.
  const check = spawnSync('sha256sum', ['-c', 'dist/.sources.sha256'], { cwd: project, encoding: 'utf8' });
  expect(check.stdout).toBe('cdk8s.yaml: OK\nlib/fib-client.k8s.yaml: OK\nlib/nginx.k8s.yaml: OK\n');
  // The record of what synth wrote, the same format, read from inside the folder.
  const written = spawnSync('sha256sum', ['-c', '.manifests.sha256'], {
    cwd: path.join(project, 'dist'),
    encoding: 'utf8',
  });
  expect(written.stdout).toBe('fib-client.k8s.yaml: OK\nnginx.k8s.yaml: OK\n');
  // Written in a folder beside dist/, then moved: nothing of it is left.
  expect(fs.readdirSync(project).sort()).toEqual(['cdk8s.yaml', 'dist', 'lib']);
  // kubectl reads the folder's manifests and nothing else (--local: no cluster is asked).
  const kubectl = kubectlSync(['label', '--local', '-f', path.join(project, 'dist'), 'checked=yes', '-o', 'name'], {
    env: { ...process.env, KUBECONFIG: '/dev/null' },
  });
  expect(kubectl.stderr).toBe('');
  expect(kubectl.stdout.split('\n').filter(Boolean)).toHaveLength(6);
});

test('an output folder that an earlier synth wrote is replaced', () => {
  expect(synth(['--output', 'out']).status).toBe(0);
  fs.rmSync(path.join(project, 'lib/nginx.k8s.yaml'));
  const result = synth(['--output', 'out']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(fs.existsSync(path.join(project, 'out/nginx.k8s.yaml'))).toBe(false);
});

test.each([
  ['a manifest it did not write', 'out/old.k8s.yaml', 'kind: Namespace\n', 'old.k8s.yaml'],
  ['a manifest of its own, edited since', 'out/nginx.k8s.yaml', 'kind: Namespace\n', 'nginx.k8s.yaml'],
])('an earlier synth folder with %s: exit 2, naming it, and it is kept', (_, file, text, named) => {
  expect(synth(['--output', 'out']).status).toBe(0);
  fs.writeFileSync(path.join(project, file), text);
  const result = synth(['--output', 'out']);
  expect(result.stderr).toBe(
    `npm run synth: --output out must hold only what npm run synth wrote there (got ${named}, ${NOT_WRITTEN}); ` +
      `${GUARD_FIX}, or move those out\n`,
  );
  expect(result.status).toBe(2);
  expect(fs.readFileSync(path.join(project, file), 'utf8')).toBe(text);
});

test.each([
  ['a file that is no manifest', ['notes.txt'], 'notes.txt'],
  ['one in a subfolder', ['sub/a.k8s.yaml', 'sub/keep.md'], 'sub/a.k8s.yaml, sub/keep.md'],
  ['several', ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.k8s.yaml'], 'a.txt, b.txt, c.txt and 2 more'],
])('--output DIR holding %s: exit 2, naming them, and DIR is left as it was', (_, files, named) => {
  const out = path.join(project, 'out');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.writeFileSync(path.join(out, file), 'mine\n');
  }
  const result = synth(['--output', out]);
  expect(result.stderr).toBe(
    `npm run synth: --output ${out} must hold only what npm run synth wrote there (got ${named}, ${NOT_WRITTEN}); ` +
      `${GUARD_FIX}, or move those out\n`,
  );
  expect(result.status).toBe(2);
  for (const file of files) {
    expect(fs.readFileSync(path.join(out, file), 'utf8')).toBe('mine\n');
  }
});

test('a folder of manifests in another git repository, one edited and uncommitted: exit 2, all kept', () => {
  const other = path.join(project, 'other-repo');
  fs.cpSync(SANDBOX_DIR, path.join(other, 'deploy'), { recursive: true });
  const git = (...args: string[]) => gitIn(other, ...args);
  git('init', '--quiet');
  git('add', 'deploy');
  git('commit', '--quiet', '-m', 'hand-written manifests');
  fs.appendFileSync(path.join(other, 'deploy/nginx.k8s.yaml'), '# an edit\n');
  const result = synth(['--output', path.join(other, 'deploy')]);
  expect(result.stderr).toMatch(
    /must hold only what npm run synth wrote there \(got fib-client\.k8s\.yaml, nginx\.k8s\.yaml,/,
  );
  expect(result.status).toBe(2);
  expect(fs.readFileSync(path.join(other, 'deploy/nginx.k8s.yaml'), 'utf8')).toMatch(/# an edit\n$/);
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: other, encoding: 'utf8' });
  expect(status.stdout).toBe(' M deploy/nginx.k8s.yaml\n');
});

test.each([
  [['--bogus'], "Unknown option '--bogus'"],
  [['--no-output'], "Unknown option '--no-output'"],
  [['stray'], 'cdk8s synth takes no argument but its options (got stray)'],
])('%j: exit 2 before anything runs, naming the options cdk8s synth has; dist/ kept', (args, why) => {
  expect(synth().status).toBe(0);
  const before = fs.readFileSync(path.join(project, 'dist/nginx.k8s.yaml'), 'utf8');
  const result = synth(args);
  expect(result.stderr.split('\n').slice(0, 4)).toEqual([
    expect.stringContaining(`npm run synth: ${why}`),
    'usage: npm run synth -- [OPTION...]',
    "  OPTION: one of cdk8s synth's (what each does: npx cdk8s synth --help), passed on to it:",
    expect.stringMatching(/^ {2}--app\/-a, --output\/-o, /),
  ]);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(fs.readFileSync(path.join(project, 'dist/nginx.k8s.yaml'), 'utf8')).toBe(before);
  expect(fs.readdirSync(project).sort()).toEqual(['cdk8s.yaml', 'dist', 'lib']);
});

test.each([[['--format', 'bogus']], [['--format', 'helm']], [['--chart-version', '1.0']]])(
  '%j, which cdk8s-cli refuses only after it emptied its output folder: dist/ is kept as it was',
  (args) => {
    expect(synth().status).toBe(0);
    const before = fs.readdirSync(path.join(project, 'dist')).sort();
    const result = synth(args);
    expect(result.status).not.toBe(0);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(before);
    expect(fs.readdirSync(project).sort()).toEqual(['cdk8s.yaml', 'dist', 'lib']);
  },
);

test('--help prints the usage, whatever the output folder holds', () => {
  fs.mkdirSync(path.join(project, 'dist'));
  fs.writeFileSync(path.join(project, 'dist/notes.txt'), 'mine\n');
  const result = synth(['--help']);
  expect(result.stdout).toMatch(/^usage: npm run synth -- \[OPTION\.\.\.\]\n/);
  expect(result.status).toBe(0);
  expect(fs.readFileSync(path.join(project, 'dist/notes.txt'), 'utf8')).toBe('mine\n');
});

test('-o FILE: exit 2, and the file is kept', () => {
  fs.writeFileSync(path.join(project, 'out'), 'mine\n');
  const result = synth(['-o', 'out']);
  expect(result.stderr).toBe(`npm run synth: --output out must be a folder of manifests (got a file); ${GUARD_FIX}\n`);
  expect(result.status).toBe(2);
  expect(fs.readFileSync(path.join(project, 'out'), 'utf8')).toBe('mine\n');
});

test('a folder of manifests that git tracks (fixtures, not synth output): exit 2, and it is kept', () => {
  const git = (...args: string[]) => gitIn(project, ...args);
  git('init', '--quiet');
  git('add', 'lib');
  git('commit', '--quiet', '-m', 'fixtures');
  const result = synth(['--output=lib']);
  expect(result.stderr).toBe(
    `npm run synth: --output lib must hold only what npm run synth wrote there (got fib-client.k8s.yaml, ` +
      `nginx.k8s.yaml, ${NOT_WRITTEN}); ${GUARD_FIX}, or move those out\n`,
  );
  expect(result.status).toBe(2);
  expect(fs.readdirSync(path.join(project, 'lib'))).toHaveLength(2);
});

test('a read-only checkout: exit 1 with what to do, not a stack trace', () => {
  // Root may write anywhere, so as root the synth runs as nobody; otherwise the folder is made read-only.
  const asRoot = process.getuid?.() === 0;
  fs.chmodSync(project, 0o555);
  for (const file of fs.readdirSync(project, { recursive: true, encoding: 'utf8' })) {
    fs.chmodSync(path.join(project, file), fs.statSync(path.join(project, file)).isDirectory() ? 0o555 : 0o444);
  }
  try {
    const result = synth([], asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(result.stderr).toBe(
      `npm run synth: dist/ must be writable (got EACCES, no permission to write there: ${project}); run synth ` +
        'in a writable checkout, or write elsewhere, e.g. npm run synth -- --output /tmp/dist\n',
    );
    expect(result.status).toBe(1);
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  } finally {
    fs.chmodSync(project, 0o755);
  }
});
