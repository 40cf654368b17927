// `npm run synth` as a user runs it, in a scratch project whose cdk8s.yaml app copies the sandbox
// fixture into CDK8S_OUTDIR (any cdk8s app, as the tools see one): the real cdk8s-cli, the guards
// on the output folder, the stamp of the sources, and a checkout that cannot be written.
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

jest.setTimeout(60_000);

let project: string;
beforeEach(() => {
  project = makeTempDir('k8s-sandbox-synth-cli-');
  fs.cpSync(SANDBOX_DIR, path.join(project, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `app: ${JSON.stringify(APP)}\n`);
});
afterEach(() => removeTempDir(project));

function synth(args: string[] = [], options: { uid?: number; gid?: number } = {}) {
  const loader = path.join(root, 'kit/pkg/loader/ts-register.js');
  return spawnSync('node', ['-r', loader, path.join(root, 'kit/pkg/synth/main.ts'), ...args], {
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
    '.sources.sha256',
    'fib-client.k8s.yaml',
    'nginx.k8s.yaml',
  ]);
  // sha256sum's own format, so `sha256sum -c dist/.sources.sha256` checks it by hand.
  const check = spawnSync('sha256sum', ['-c', 'dist/.sources.sha256'], { cwd: project, encoding: 'utf8' });
  expect(check.stdout).toBe('cdk8s.yaml: OK\nlib/fib-client.k8s.yaml: OK\nlib/nginx.k8s.yaml: OK\n');
  // kubectl reads the folder's manifests and nothing else (--local: no cluster is asked).
  const kubectl = kubectlSync(['label', '--local', '-f', path.join(project, 'dist'), 'checked=yes', '-o', 'name'], {
    env: { ...process.env, KUBECONFIG: '/dev/null' },
  });
  expect(kubectl.stderr).toBe('');
  expect(kubectl.stdout.split('\n').filter(Boolean)).toHaveLength(6);
});

test('an output folder of manifests from an earlier synth is replaced', () => {
  expect(synth(['--output', 'out']).status).toBe(0);
  fs.writeFileSync(path.join(project, 'out/old.k8s.yaml'), 'kind: Namespace\n');
  const result = synth(['--output', 'out']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(fs.existsSync(path.join(project, 'out/old.k8s.yaml'))).toBe(false);
});

test.each([
  ['a file that is no manifest', ['notes.txt'], 'notes.txt'],
  ['one in a subfolder', ['sub/a.k8s.yaml', 'sub/keep.md'], 'sub/keep.md'],
  ['several', ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.k8s.yaml'], 'a.txt, b.txt, c.txt and 1 more'],
])('--output DIR holding %s: exit 2, naming them, and DIR is left as it was', (_, files, named) => {
  const out = path.join(project, 'out');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.writeFileSync(path.join(out, file), 'mine\n');
  }
  const result = synth(['--output', out]);
  expect(result.stderr).toBe(
    `npm run synth: --output ${out} must hold only manifests (got ${named}); ${GUARD_FIX}, or move those out\n`,
  );
  expect(result.status).toBe(2);
  for (const file of files) {
    expect(fs.readFileSync(path.join(out, file), 'utf8')).toBe('mine\n');
  }
});

test("--help is cdk8s-cli's, whatever the output folder holds", () => {
  fs.mkdirSync(path.join(project, 'dist'));
  fs.writeFileSync(path.join(project, 'dist/notes.txt'), 'mine\n');
  const result = synth(['--help']);
  expect(result.stdout).toContain('Synthesizes Kubernetes manifests for all charts in your app.');
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
    `npm run synth: --output lib must not hold files git tracks (got 2, such as lib/fib-client.k8s.yaml); ${GUARD_FIX}\n`,
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
