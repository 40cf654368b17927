// `npm run bench` refuses bad options and counts before it measures anything, and leaves no
// scratch folder behind when the app it measures fails.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../../pkg/common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let tmp: string;
beforeEach(() => (tmp = makeTempDir('bench-cli-')));
afterEach(() => removeTempDir(tmp));

const bench = (...args: string[]) =>
  spawnSync('node', ['kit/lab/bench/bench.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: tmp },
  });

test.each([
  ['--runs', 'abc'],
  ['--runs', '0'],
  ['--runs', '2.5'],
  ['--scale-runs', '-1'],
])('%s %s is refused with exit 2 and no tables', (option, value) => {
  const result = bench(`${option}=${value}`, '--skip-scale');
  expect(result.stderr).toBe(
    `npm run bench: ${option} must be a whole number of runs, 1 or more; received ${JSON.stringify(value)}\n`,
  );
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test('an unknown option is refused with exit 2 before anything is measured', () => {
  const result = bench('--prnt');
  expect(result.stderr).toMatch(/^npm run bench: Unknown option '--prnt'/);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test('a failing --app exits 1 with its output and removes the scratch folder', () => {
  const result = bench('--runs', '1', '--skip-scale', '--app', 'echo app-broke >&2; exit 3; main.ts');
  expect(result.stderr).toMatch(/^bench: "\S+cdk8s synth [^]*" exited 1:[^]*app-broke/m);
  expect(result.status).toBe(1);
  expect(fs.readdirSync(tmp).filter((name) => name.startsWith('k8s-sandbox-bench-'))).toEqual([]);
}, 120000);
