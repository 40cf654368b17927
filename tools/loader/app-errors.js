// Loaded before the app by cdk8s.yaml's app command: an error that stops the app is printed as
// its message alone, then the process exits 1, so that `cdk8s synth` shows the message a user
// needs ("FibClient: nodePort must be ...") rather than the app's stack trace around it. Errors
// thrown on purpose are plain `Error`s: the constructs' prop checks, cdk8s's validation of the
// app ("Validation failed with the following errors: ..."). Any other kind (a TypeError, a
// RangeError...) is a bug, and keeps Node's report with its stack trace. To see the stack of a
// plain Error too, run the app without this file: `node -r ./tools/loader/ts-register.js main.ts`.
//
// A plain Error thrown while a construct was being built is followed by that construct's path in
// the tree ("  construct: fib-client/fib-client"), the place to look when one class is used more
// than once. Each construct added to the tree is recorded with the stack that created it; the
// error's innermost `new X` frame names the construct whose creation had the same callers. A
// construct that throws before its super() call is not in the tree yet: the path is then its
// nearest enclosing construct's, or none.
'use strict';

// The whole stack, to compare callers frame by frame (an app's stack is a few dozen frames deep).
Error.stackTraceLimit = Infinity;
const created = [];
try {
  const { Node } = require('constructs');
  const addChild = Node.prototype.addChild;
  Node.prototype.addChild = function addAndRecord(child, childName) {
    addChild.call(this, child, childName);
    // The Error, not its .stack: V8 formats a stack only when it is read (here, only on failure).
    created.push({ construct: child, trace: new Error() });
  };
} catch {
  // An app without the constructs package: no paths to name.
}

/** The frame index of `new <class>` in `lines` from `start`, and the class. */
function newFrames(lines) {
  return lines.flatMap((line, index) => {
    const match = /^\s+at new (\S+) \(/.exec(line);
    return match ? [{ index, className: match[1] }] : [];
  });
}

/** The path of the construct being built when `error` was thrown, or undefined. */
function constructPath(error) {
  const lines = String(error.stack).split('\n');
  for (const { index, className } of newFrames(lines)) {
    const callers = lines.slice(index + 1).join('\n');
    for (let i = created.length - 1; i >= 0; i -= 1) {
      const { construct, trace } = created[i];
      const stack = String(trace.stack).split('\n');
      const frame = newFrames(stack).find((f) => f.className === className);
      if (frame && stack.slice(frame.index + 1).join('\n') === callers) {
        return construct.node.path;
      }
    }
  }
  return undefined;
}

function report(error) {
  if (error instanceof Error && error.constructor === Error) {
    const where = constructPath(error);
    process.stderr.write(`${error.message}\n${where ? `  construct: ${where}\n` : ''}`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  }
  // Exit handlers (ts-register.js writes its caches in one) still run.
  process.exit(1);
}

process.on('uncaughtException', report);
process.on('unhandledRejection', report);
