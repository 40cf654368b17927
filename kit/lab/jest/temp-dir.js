// Jest global setup and teardown of the unit and CLI tests: every temporary folder of a run
// (cdk8s's Testing.app() makes one per app, `cdk8s.outdir.*`, and never removes it; the CLI tests'
// child processes make theirs) goes under one folder of the run, removed when the run ends.
// The workers and their children inherit TMPDIR, which os.tmpdir() reads at each call.
// Anything else still there when the run ends fails the run: a test removes what it makes.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VARIABLE = 'K8S_SANDBOX_JEST_TMPDIR';
/** What a run may leave to its folder's removal: cdk8s/lib/testing.js makes these and keeps them. */
const LEFT_BY_CDK8S = /^cdk8s\.outdir\./;

async function setup() {
  if (process.env[VARIABLE]) return; // a second project of the same run shares the folder
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-jest-'));
  // Open as /tmp is (sticky, anyone may create): a CLI test runs synth as another user.
  fs.chmodSync(dir, 0o1777);
  process.env[VARIABLE] = dir;
  process.env.TMPDIR = dir;
}

async function teardown() {
  const dir = process.env[VARIABLE];
  if (!dir) return;
  const left = fs
    .readdirSync(dir)
    .filter((name) => !LEFT_BY_CDK8S.test(name))
    .sort();
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[VARIABLE];
  if (left.length > 0) {
    throw new Error(
      `jest: the run's temporary folder must hold only cdk8s.outdir.* when the tests end (got ${left.join(', ')}); ` +
        'a test removes what it makes: withTempDir, or makeTempDir in beforeAll/beforeEach and removeTempDir in ' +
        'afterAll/afterEach (kit/pkg/common/temp-dir.ts)',
    );
  }
}

module.exports = setup; // the global setup; temp-dir-teardown.js is the teardown
module.exports.teardown = teardown;
