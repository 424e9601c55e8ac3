// Prints jest's totals as a plain `N passed, M failed` line, so a run that executed no test is visible.
const fs = require('node:fs');
const file = process.argv[2] ?? '.ci/results.json';
if (!fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`no jest results at ${file}`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (r.numTotalTests === 0) process.exit(1);
