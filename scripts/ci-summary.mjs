// Adds up the per-package vitest summaries of a log into one closing line,
// "tests: N passed, M failed", that CI systems can read.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let packages = 0;
for (const line of text.split('\n')) {
  const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (match === null) {
    continue;
  }
  packages += 1;
  for (const part of match[1].split('|')) {
    const count = /(\d+)\s+(passed|failed|skipped)/.exec(part);
    if (count !== null) {
      totals[count[2]] += Number(count[1]);
    }
  }
}
if (packages === 0) {
  console.log('tests: no vitest summary found in the log');
  process.exit(1);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
