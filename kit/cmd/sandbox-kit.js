#!/usr/bin/env node
// `sandbox-kit SUBCOMMAND [ARG...]`: the kit's one command (kit/package.json's `bin`), which the
// app's npm scripts call (`"check": "sandbox-kit check"`) and any project that installs the kit
// runs with `npx sandbox-kit`. It only picks the subcommand and hands it the rest of the command
// line:
//   - the TypeScript loader (kit/pkg/loader/ts-register.js) is registered in this process, with
//     its caches, before the subcommand's file (kit/cmd/NAME.ts) loads;
//   - the file's main(args) reads the arguments (kit/cmd/command.ts: the same way for every
//     subcommand), calls the library in kit/pkg/ and resolves to the exit code, which is set
//     here (not process.exit: what was written to stdout is all delivered);
//   - a shell script (the local cluster's) runs as a child with this terminal, its exit code
//     passed on.
'use strict';
const path = require('node:path');

const KIT = path.join(__dirname, '..');

/** Each subcommand: its file in kit/cmd/ (NAME.ts) or its scripts, and what it does. */
const SUBCOMMANDS = {
  synth: { does: '`cdk8s synth` into dist/, guarded, stamped with its sources' },
  check: { does: 'the manifest gates on dist/ (or PATH)' },
  diff: { does: 'dist/ against a git ref or folder, field by field' },
  diagram: { does: "the Mermaid picture of dist/ in the project's docs" },
  apply: { does: 'deploy dist/ with Helm: preview, wait, explain a failure, restore' },
  dev: { does: 'on each save: synth, the fast gates, the preview, the deploy' },
  import: { does: "`cdk8s import` of cdk8s.yaml's imports, offline from a file" },
  'docs-api': { does: 'the API reference of the app from its doc comments' },
  netpol: { does: 'does the current cluster enforce NetworkPolicy?' },
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

/** Runs kit/cmd/NAME.ts's main(args) under the TypeScript loader; exits with the code it resolves to. */
function runCommand(name, args) {
  require('../pkg/loader/ts-register.js');
  const { main } = require(path.join(__dirname, `${name}.ts`));
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    // main prints a command's own failures; this is a fault of the kit itself.
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
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
  runCommand(name, args);
}

main(process.argv.slice(2));
