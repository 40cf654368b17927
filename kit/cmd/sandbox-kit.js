#!/usr/bin/env node
// `sandbox-kit SUBCOMMAND [ARG...]`: the kit's one command (kit/package.json's `bin`), which the
// app's npm scripts call (`"check": "sandbox-kit check"`) and any project that installs the kit
// runs with `npx sandbox-kit`. It only picks the subcommand's entry file and hands it the rest of
// the command line; the entry file reads its own arguments, prints its own usage and sets its own
// exit code, exactly as when `node -r ./kit/pkg/loader/ts-register.js FILE` ran it:
//   - the TypeScript loader (kit/pkg/loader/ts-register.js) is registered in this process, with
//     its caches, before the entry file loads;
//   - the entry file is loaded as the main module, with process.argv as node would give it
//     ([node, FILE, ...args]): the files that run only as a program (`require.main === module`)
//     see themselves as one;
//   - a shell script (the local cluster's) runs as a child with this terminal, its exit code
//     passed on.
'use strict';
const path = require('node:path');

const KIT = path.join(__dirname, '..');

/** Each subcommand: its entry file (relative to the kit), the words after it, and what it does. */
const SUBCOMMANDS = {
  synth: { file: 'pkg/synth/main.ts', does: '`cdk8s synth` into dist/, guarded, stamped with its sources' },
  check: { file: 'pkg/check/main.ts', does: 'the manifest gates on dist/ (or PATH)' },
  diff: { file: 'pkg/review/diff.ts', does: 'dist/ against a git ref or folder, field by field' },
  diagram: { file: 'pkg/review/diagram.ts', does: "the Mermaid picture of dist/ in the project's docs" },
  apply: { file: 'pkg/deploy/deploy.ts', does: 'deploy dist/ with Helm: preview, wait, explain a failure, restore' },
  dev: { file: 'pkg/dev/dev.ts', does: 'on each save: synth, the fast gates, the preview, the deploy' },
  import: { file: 'pkg/import/import.js', does: "`cdk8s import` of cdk8s.yaml's imports, offline from a file" },
  'docs-api': { file: 'pkg/docs/api.ts', does: 'the API reference of the app from its doc comments' },
  netpol: { file: 'pkg/netpol/enforced.ts', does: 'does the current cluster enforce NetworkPolicy?' },
  cluster: {
    scripts: { build: 'lab/cluster/build.sh', up: 'lab/cluster/up.sh', down: 'lab/cluster/down.sh' },
    does: 'the local cluster: cluster build|up|down',
  },
};

const NAMES = Object.keys(SUBCOMMANDS);
const USAGE = [
  'usage: sandbox-kit SUBCOMMAND [ARG...]   (SUBCOMMAND --help: its own arguments)',
  '',
  'subcommands:',
  ...NAMES.map((name) => `  ${name.padEnd(10)} ${SUBCOMMANDS[name].does}`),
].join('\n');

/** Refuses the command line in one line, naming what is allowed; exit 2, nothing run. */
function refuse(message) {
  console.error(`sandbox-kit: ${message}`);
  process.exit(2);
}

/** Runs `file` as node runs a program's main file, under the TypeScript loader. */
function runEntry(file, args) {
  require('../pkg/loader/ts-register.js');
  const Module = require('node:module');
  process.argv = [process.argv[0], file, ...args];
  // What `node FILE` does for a CommonJS file (Module.runMain, less its search for ES modules):
  // load it as the main module, so that require.main is the entry file, not this one.
  Module._load(file, null, true);
}

/** Runs a bash script with this terminal; exits as it exits. */
function runScript(file, args) {
  const { spawn } = require('node:child_process');
  const child = spawn('bash', [file, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the script itself (the terminal signals the whole process group), which
  // cleans up and exits; this process waits for it. A signal sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => refuse(`could not run bash ${file}: ${error.message}`));
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + require('node:os').constants.signals[signal]);
  });
}

function main(argv) {
  const [name, ...args] = argv;
  if (name === undefined) {
    refuse(`name a subcommand: ${NAMES.join(', ')} (sandbox-kit --help says what each does)`);
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (subcommand === undefined) {
    refuse(`unknown subcommand ${JSON.stringify(name)}; the subcommands are ${NAMES.join(', ')}`);
  }
  if (subcommand.scripts) {
    const [action, ...rest] = args;
    const actions = Object.keys(subcommand.scripts);
    if (!Object.hasOwn(subcommand.scripts, action ?? '')) {
      refuse(
        `${name} needs one of ${actions.join(', ')} (got ${action === undefined ? 'none' : JSON.stringify(action)})`,
      );
    }
    runScript(path.join(KIT, subcommand.scripts[action]), rest);
    return;
  }
  runEntry(path.join(KIT, subcommand.file), args);
}

main(process.argv.slice(2));
