// A newcomer's path: the README's quick start, followed on a fresh clone of this checkout's HEAD.
// The commands come from the README itself (its first `sh` block), so the test follows what the
// README says. The Node section runs with a PATH that has neither Go nor kubectl, as on a machine
// with Node alone; then the first command of the Go section runs without its prerequisites, the
// schema beside the repo and then Go, and must say each time which one is missing and where to
// get it.
//
// The install is `npm ci` itself, not a copy of node_modules, which would hide a broken lockfile,
// with --prefer-offline: the lockfile's exact packages from npm's cache where it holds them (on a
// machine that installed the project once, nothing is downloaded), from the registry otherwise.
// Minutes (an install and `npm test`), so it is its own suite: `npm run test:quickstart`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from 'k8s-sandbox-kit/testing';

const root = path.resolve(__dirname, '../..');
const WITHOUT = ['go', 'gofmt', 'kubectl'];

/** The quick start's `sh` block, as sections: the comment line that opens each, and its commands. */
function quickStart(readme: string): { needs: string; commands: string[] }[] {
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```sh block under "## Quick start"');
  const sections: { needs: string; commands: string[] }[] = [];
  for (const line of block.split('\n')) {
    if (/^# \S/.test(line)) sections.push({ needs: line.slice(2), commands: [] });
    else if (line.trim() !== '' && !line.trim().startsWith('#')) {
      sections.at(-1)?.commands.push(line.replace(/\s+#.*$/, '').trim());
    }
  }
  return sections;
}

/** A folder of links to every program on PATH but `without`: the machine as it is, less those. */
function pathWithout(without: readonly string[], dir: string): string {
  fs.mkdirSync(dir);
  for (const from of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!from || !fs.existsSync(from)) continue;
    for (const name of fs.readdirSync(from)) {
      const link = path.join(dir, name);
      if (without.includes(name) || fs.existsSync(link)) continue;
      fs.symlinkSync(path.join(from, name), link);
    }
  }
  return dir;
}

function sh(command: string, cwd: string, PATH: string) {
  // The clone's own `npm test` makes and removes its own temporary folder, not this run's; what
  // outlives it there (Jest's cache, jest_<uid>) stays under this test's folder, removed after.
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: path.join(dir, 'tmp') };
  delete env.K8S_SANDBOX_JEST_TMPDIR;
  const result = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    env: { ...env, PATH, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ...result, output: `$ ${command}\n${result.stdout}${result.stderr}` };
}

let dir: string;
beforeAll(() => {
  dir = makeTempDir('k8s-sandbox-quickstart-');
  fs.mkdirSync(path.join(dir, 'tmp'));
});
afterAll(() => {
  removeTempDir(dir);
});

test('the quick start reads as sections, each naming what its commands need', () => {
  const sections = quickStart(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  expect(sections[0]).toEqual({ needs: 'Node.js 20 or later', commands: ['npm ci', 'npm run synth', 'npm test'] });
  expect(sections.map((s) => s.needs)).toEqual([
    'Node.js 20 or later',
    expect.stringMatching(/^\+ kubectl/),
    expect.stringMatching(/^\+ Go/),
    expect.stringMatching(/^\+ Linux, root and Debian's packages/),
  ]);
  expect(() => quickStart('# no quick start')).toThrow('README.md has no ```sh block under "## Quick start"');
});

test(
  "a fresh clone: the Node section with Node alone, then the Go section's first command says Go is missing",
  () => {
    const clone = path.join(dir, 'k8s-sandbox');
    const cloned = spawnSync('git', ['clone', '--quiet', root, clone], { encoding: 'utf8' });
    expect(cloned.stderr).toBe('');
    const noGoNoKubectl = pathWithout(WITHOUT, path.join(dir, 'bin'));
    expect(sh('command -v go kubectl', clone, noGoNoKubectl).stdout).toBe('');

    const [node, , go] = quickStart(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'));
    for (const command of node!.commands) {
      const install = command === 'npm ci' ? `${command} --prefer-offline --no-audit --no-fund` : command;
      const result = sh(install, clone, noGoNoKubectl);
      // The whole output on failure: what a newcomer would see.
      expect({ command, status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({
        command,
        status: 0,
        output: '',
      });
    }
    expect(
      fs
        .readdirSync(path.join(clone, 'dist'))
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    ).toEqual(['fib-client.k8s.yaml', 'nginx.k8s.yaml']);

    const first = go!.commands[0]!;
    expect(first).toBe('npm run check');
    // The schema beside the repo first: missing, it is named with the command that gets it.
    const noSchema = sh(first, clone, noGoNoKubectl);
    expect(noSchema.stderr).toContain(
      'npm run check reads the Kubernetes 1.27 API schema from ../shared/kubernetes-schemas beside the repo; ' +
        'get it with: mkdir -p ../shared/kubernetes-schemas/v1.27.0 && curl -fsSL -o ',
    );
    expect(noSchema.status).toBe(2);
    fs.symlinkSync(path.resolve(root, '../shared'), path.join(dir, 'shared'));
    const result = sh(first, clone, noGoNoKubectl);
    expect(result.stderr).toContain('Go is not installed or not on PATH');
    expect(result.stderr).toContain('install Go from https://go.dev/dl/');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(2);
  },
  30 * 60 * 1000,
);
