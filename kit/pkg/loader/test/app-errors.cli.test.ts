// kit/pkg/loader/app-errors.js, loaded before the app by cdk8s.yaml's app command: an error thrown
// on purpose is printed as its message, under it the path of the construct that refused its props
// when the error names one (`constructPath`); a bug keeps its stack trace. The app's own errors
// through `cdk8s synth`: test/cli/synth.test.ts.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

/** Runs `code` with app-errors.js loaded first, as the app command loads it. */
function runApp(code: string) {
  return spawnSync('node', ['-r', './kit/pkg/loader/app-errors.js', '-e', code], { cwd: root, encoding: 'utf8' });
}

/** An error as the app's prop checks throw it: a class of its own with a `constructPath`. */
const PROPS_ERROR = `class PropsError extends Error {
  constructor(message, constructPath) { super(message); this.constructPath = constructPath; }
}`;

test.each([
  [
    'a refused prop, with the path of the construct that refused it',
    `${PROPS_ERROR} throw new PropsError('NginxChart: namespace must be ...', 'nginx-2');`,
    'NginxChart: namespace must be ...\n  construct: nginx-2\n',
  ],
  [
    'a refused prop that no construct refused, alone',
    `${PROPS_ERROR} throw new PropsError('addSandboxCharts: fibClient must be ...', undefined);`,
    'addSandboxCharts: fibClient must be ...\n',
  ],
  [
    'a plain Error, alone',
    "throw new Error('Validation failed with the following errors: ...');",
    'Validation failed with the following errors: ...\n',
  ],
  [
    'a rejected promise of a plain Error, alone',
    "Promise.reject(new Error('Validation failed'));",
    'Validation failed\n',
  ],
])('%s: its message', (_, code, stderr) => {
  const result = runApp(code);
  expect(result.stderr).toBe(stderr);
  expect(result.status).toBe(1);
});

test('a bug keeps its stack trace', () => {
  const result = runApp('undefined.node;');
  // (Under -e, Node puts the line that threw above the stack.)
  expect(result.stderr).toMatch(
    /^TypeError: Cannot read properties of undefined \(reading 'node'\)\n {4}at \[eval\]:1:/m,
  );
  expect(result.status).toBe(1);
});
