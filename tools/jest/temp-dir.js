// Jest global setup and teardown of the unit and CLI tests: every temporary folder of a run
// (cdk8s's Testing.app() makes one per app, `cdk8s.outdir.*`, and never removes it; the CLI tests'
// child processes make theirs) goes under one folder of the run, removed when the run ends.
// The workers and their children inherit TMPDIR, which os.tmpdir() reads at each call.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VARIABLE = 'K8S_SANDBOX_JEST_TMPDIR';

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
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[VARIABLE];
}

module.exports = setup; // the global setup; temp-dir-teardown.js is the teardown
module.exports.teardown = teardown;
