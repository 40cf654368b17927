// The unit and CLI tests' temporary folder (kit/lab/jest/temp-dir.js), set up and torn down as Jest
// does, in a process of its own: removed when the run ends, with the cdk8s.outdir.* folders that
// cdk8s's Testing.app() never removes; anything else a test left there fails the run, named.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../../pkg/common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
const RUN = `
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const setup = require('./kit/lab/jest/temp-dir');
(async () => {
  await setup();
  for (const name of process.argv.slice(1)) fs.mkdirSync(path.join(os.tmpdir(), name));
  await setup.teardown();
})().catch((error) => {
  process.stderr.write(error.message + '\\n');
  process.exitCode = 1;
});
`;

let tmp: string;
beforeEach(() => (tmp = makeTempDir('k8s-sandbox-jest-temp-dir-')));
afterEach(() => removeTempDir(tmp));

/** A run under TMPDIR=tmp whose tests leave the folders `left` in the run's folder. */
function runLeaving(...left: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete env.K8S_SANDBOX_JEST_TMPDIR;
  return spawnSync('node', ['-e', RUN, ...left], { cwd: root, encoding: 'utf8', env });
}

test("a run that leaves only cdk8s's folders ends clean, and its folder is gone", () => {
  const result = runLeaving('cdk8s.outdir.a1', 'cdk8s.outdir.b2');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test('a run whose tests leave folders fails, naming them, and its folder is gone', () => {
  const result = runLeaving('k8s-sandbox-review-x1', 'cdk8s.outdir.a1', 'bench-cli-y2');
  expect(result.stderr).toBe(
    "jest: the run's temporary folder must hold only cdk8s.outdir.* when the tests end (got bench-cli-y2, " +
      'k8s-sandbox-review-x1); a test removes what it makes: withTempDir, or makeTempDir in beforeAll/beforeEach ' +
      'and removeTempDir in afterAll/afterEach (kit/pkg/common/temp-dir.ts)\n',
  );
  expect(result.status).toBe(1);
  expect(fs.readdirSync(tmp)).toEqual([]);
});
