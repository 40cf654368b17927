// Loaded before the app by cdk8s.yaml's app command: an error that stops the app is printed as
// its message alone, then the process exits 1, so that `cdk8s synth` shows the message a user
// needs ("FibClient: nodePort must be ...") rather than the app's stack trace around it. Errors
// thrown on purpose are a plain `Error` (cdk8s's validation of the app: "Validation failed with
// the following errors: ...") or one with a `constructPath` property (the PropsError of the
// constructs' and charts' prop checks), which names the construct that refused its props: that
// path, when there is one, is printed under the message ("  construct: fib-client/fib-client"),
// the place to look when one class is used more than once. Any other error (a TypeError, a
// RangeError...) is a bug, and keeps Node's report with its stack trace. To see the stack of any
// error, run the app without this file: `node -r ./kit/pkg/loader/ts-register.js main.ts`.
'use strict';

/** Whether `error` was thrown on purpose, so that its message is what the user needs. */
function onPurpose(error) {
  return error instanceof Error && (error.constructor === Error || 'constructPath' in error);
}

function report(error) {
  if (onPurpose(error)) {
    const where = typeof error.constructPath === 'string' ? `  construct: ${error.constructPath}\n` : '';
    process.stderr.write(`${error.message}\n${where}`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  }
  // Exit handlers (ts-register.js writes its caches in one) still run.
  process.exit(1);
}

process.on('uncaughtException', report);
process.on('unhandledRejection', report);
