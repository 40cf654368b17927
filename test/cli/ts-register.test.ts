// scripts/ts-register.js, the loader behind cdk8s.yaml's app command, caches transpiled and
// compiled code between runs. Its promise: an edited file is never run stale, even when the
// edit keeps the file's size and modification time.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-ts-register-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `entry` with the loader, as cdk8s.yaml's app command does; returns what it printed. */
function run(entry: string): string {
  const result = spawnSync('node', ['-r', './scripts/ts-register.js', entry], { cwd: root, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** Rewrites `file` with `text`, keeping its modification time. */
function rewriteKeepingMtime(file: string, text: string): void {
  const { atime, mtime } = fs.statSync(file);
  fs.writeFileSync(file, text);
  fs.utimesSync(file, atime, mtime);
}

test('an edited .ts file and an edited .js module it requires are run afresh', () => {
  const entry = path.join(dir, 'entry.ts');
  const helper = path.join(dir, 'helper.js');
  fs.writeFileSync(
    entry,
    "import { suffix } from './helper';\nconst value: string = 'aaaa';\nconsole.log(value + suffix);\n",
  );
  fs.writeFileSync(helper, "exports.suffix = '-1';\n");

  expect(run(entry)).toBe('aaaa-1\n');
  expect(run(entry)).toBe('aaaa-1\n'); // now from the cache

  rewriteKeepingMtime(entry, fs.readFileSync(entry, 'utf8').replace('aaaa', 'bbbb'));
  expect(run(entry)).toBe('bbbb-1\n');

  rewriteKeepingMtime(helper, "exports.suffix = '-2';\n");
  expect(run(entry)).toBe('bbbb-2\n');
});

test('a type error does not stop synth (tsc checks types), a syntax error does, with its location', () => {
  const entry = path.join(dir, 'broken.ts');
  fs.writeFileSync(entry, "const n: number = 'not a number';\nconsole.log(n);\n");
  expect(run(entry)).toBe('not a number\n');

  fs.writeFileSync(entry, 'const = ;\n');
  const result = spawnSync('node', ['-r', './scripts/ts-register.js', entry], { cwd: root, encoding: 'utf8' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('broken.ts');
});
