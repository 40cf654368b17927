// Loaded before the app by cdk8s.yaml's app command: an error that stops the app is printed as
// its message alone, then the process exits 1, so that `cdk8s synth` shows the message a user
// needs ("FibClient: nodePort must be ...") rather than the app's stack trace around it. Errors
// thrown on purpose are plain `Error`s: the constructs' prop checks, cdk8s's validation of the
// app ("Validation failed with the following errors: ..."). Any other kind (a TypeError, a
// RangeError...) is a bug, and keeps Node's report with its stack trace. To see the stack of a
// plain Error too, run the app without this file: `node -r ./tools/loader/ts-register.js main.ts`.
'use strict';

function report(error) {
  if (error instanceof Error && error.constructor === Error) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  }
  // Exit handlers (ts-register.js writes its caches in one) still run.
  process.exit(1);
}

process.on('uncaughtException', report);
process.on('unhandledRejection', report);
