// Jest reporter of the e2e run's result as one plain line, 'e2e: N passed, N failed', which CI
// reads. run.sh sets E2E_SUMMARY_FILE and prints the line last, after the cluster is stopped;
// run directly, jest prints it here.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A file that failed to load counts as a failure, even though no test in it ran.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `e2e: ${results.numPassedTests} passed, ${failed} failed`;
    const summary = skipped > 0 ? `${line}, ${skipped} skipped` : line;
    if (process.env.E2E_SUMMARY_FILE) {
      writeFileSync(process.env.E2E_SUMMARY_FILE, `${summary}\n`);
    } else {
      process.stdout.write(`\n${summary}\n`);
    }
  }
}
module.exports = SummaryReporter;
