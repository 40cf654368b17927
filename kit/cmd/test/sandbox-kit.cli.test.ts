// kit/cmd/sandbox-kit.js, the kit's one command: it names its subcommands, refuses anything else
// in one line, and hands the words after a subcommand to its kit/cmd/NAME.ts, which reads them
// the same way for each (kit/cmd/command.ts: --help, a bad command line's one line and usage,
// exit 2), or to the cluster's script, whose exit code it passes on.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';

const root = path.resolve(__dirname, '../../..');
const SUBCOMMANDS = ['synth', 'check', 'diff', 'diagram', 'apply', 'dev', 'import', 'docs-api', 'netpol', 'cluster'];

/** Runs the bin as npm runs it from the app's scripts: through node_modules/.bin. */
function sandboxKit(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(path.join(root, 'node_modules/.bin/sandbox-kit'), args, { cwd: root, encoding: 'utf8', env });
}

test('--help lists every subcommand with what it does', () => {
  const result = sandboxKit(['--help']);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^usage: sandbox-kit SUBCOMMAND \[ARG\.\.\.\]/);
  const listed = [...result.stdout.matchAll(/^ {2}(\S+) +\S/gm)].map((match) => match[1]);
  expect(listed).toEqual(SUBCOMMANDS);
});

test.each([
  [['bogus'], `sandbox-kit: unknown subcommand "bogus"; the subcommands are ${SUBCOMMANDS.join(', ')}`],
  [[], `sandbox-kit: name a subcommand: ${SUBCOMMANDS.join(', ')} (sandbox-kit --help says what each does)`],
  [['cluster'], 'sandbox-kit: cluster needs one of build, up, down (got none)'],
  [['cluster', 'start'], 'sandbox-kit: cluster needs one of build, up, down (got "start")'],
])('%j is refused in one line naming what is allowed, exit 2', (args, line) => {
  const result = sandboxKit(args);
  expect(result.stderr).toBe(`${line}\n`);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

test.each([
  ['apply', /^npm run apply: Unknown option '--bogus'\. [^\n]*\nusage: npm run apply -- /],
  ['dev', /^npm run dev: Unknown option '--bogus'\. [^\n]*\nusage: npm run dev -- /],
  ['diagram', /^npm run diagram: Unknown option '--bogus'\. [^\n]*\nusage: npm run diagram -- /],
  ['diff', /^npm run diff: Unknown option '--bogus'\. [^\n]*\nusage: npm run diff -- /],
  ['check', /^check: Unknown option '--bogus'\. [^\n]*\nusage: npm run check -- /],
  ['netpol', /^netpol:enforced: Unknown option '--bogus'\. [^\n]*\nusage: npm run netpol:enforced -- /],
  ['import', /^npm run import: Unknown option '--bogus'\. [^\n]*\nusage: npm run import -- /],
  ['synth', /^npm run synth: Unknown option '--bogus'\. [^\n]*\nusage: npm run synth -- /],
  ['docs-api', /^npm run docs:api: Unknown option '--bogus'\. [^\n]*\nusage: npm run docs:api -- /],
])('%s gets the words after it: --bogus is refused in one line, then the usage, exit 2', (subcommand, message) => {
  const result = sandboxKit([subcommand, '--bogus']);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
});

test.each([
  ['apply', 'usage: npm run apply -- [DIR] [--timeout DURATION] [--no-rollback] [--confirm] [TARGET]'],
  ['check', 'usage: npm run check -- [PATH...] [-R] [--allow-privileged=false]'],
  ['diagram', 'usage: npm run diagram -- [--check] [PATH]'],
  ['diff', 'usage: npm run diff -- [--markdown] [BASE [AFTER]]'],
  ['docs-api', 'usage: npm run docs:api -- [--check]'],
  ['dev', 'usage: npm run dev -- [--cluster [--real-node]] [TARGET]'],
  ['synth', 'usage: npm run synth -- [OPTION...]'],
  ['import', 'usage: npm run import -- [SCHEMA_FILE]'],
  ['netpol', 'usage: npm run netpol:enforced -- [--timeout SECONDS] [--image IMAGE]'],
])('%s --help prints its usage on stdout, exit 0', (subcommand, usage) => {
  const result = sandboxKit([subcommand, '--help']);
  expect(result.stdout.slice(0, usage.length)).toBe(usage);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test("cluster runs the cluster's script, which gets the words after the action and whose exit code is passed on", () => {
  // A PATH with bash and what the scripts' first lines use, but no Go: the cluster's scripts stop
  // at once with their own line, before they read any argument, build or start anything.
  const bin = makeTempDir('k8s-sandbox-kit-path-');
  try {
    for (const tool of ['bash', 'dirname', 'basename']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const result = spawnSync(
      process.execPath,
      [path.join(root, 'kit/cmd/sandbox-kit.js'), 'cluster', 'up', '--bogus'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PATH: bin },
      },
    );
    expect(result.stderr).toMatch(/^up\.sh: Go is not installed or not on PATH/);
    expect(result.status).toBe(1);
  } finally {
    removeTempDir(bin);
  }
});
