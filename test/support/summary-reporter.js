/**
 * Prints one plain closing line, "N passed, N failed, N skipped", after jest's own summary,
 * so CI logs state the count in a form any tool can read.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
