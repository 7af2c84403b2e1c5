// `npm test`: the whole suite, in two passes.
//  1. The files that load the machine on purpose (many clients racing for seats or claims, a database
//     stopped and restarted, several instances or processes at once) run one at a time, so what they
//     measure is their own contention, not a neighbouring test file's database.
//  2. Every other file runs on two workers (each test file starts its own database server).
// With arguments (`npm test -- test/inbox`), jest runs exactly those, as usual.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';

const SOLO = [
  'test/inbox/concurrency.test.ts',
  'test/inbox/next-same-officer.test.ts',
  'test/appointments/concurrency.test.ts',
  'test/visits/visits.test.ts',
  'test/foundation/unique-insert.test.ts',
  'test/jobs/scheduler-month.test.ts',
  'test/jobs/scheduler-recovery.test.ts',
  'test/reliability/db-outage.test.ts',
  'test/reliability/two-instances.test.ts',
  'test/reliability/embedded-shared.test.ts',
  'test/reliability/bot-crash.test.ts',
];

const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const jest = (args) => spawnSync(process.execPath, [jestBin, ...args], { stdio: 'inherit' }).status ?? 1;

const args = process.argv.slice(2);
if (args.length > 0) process.exit(jest(args));

const listed = spawnSync(process.execPath, [jestBin, '--listTests'], { encoding: 'utf8' });
if (listed.status !== 0) {
  process.stderr.write(listed.stderr);
  process.exit(1);
}
const all = listed.stdout.split('\n').filter(Boolean).map((f) => path.relative(process.cwd(), f));
const missing = SOLO.filter((f) => !all.includes(f));
if (missing.length > 0) {
  process.stderr.write(`scripts/run-tests.mjs lists test files that do not exist: ${missing.join(', ')}\n`);
  process.exit(1);
}
const rest = all.filter((f) => !SOLO.includes(f));

process.stdout.write(`\n--- ${SOLO.length} contention and fault files, one at a time\n`);
const soloStatus = jest(['--maxWorkers=1', '--runTestsByPath', ...SOLO]);
process.stdout.write(`\n--- the other ${rest.length} files on two workers\n`);
const restStatus = jest(['--maxWorkers=2', '--runTestsByPath', ...rest]);
process.exit(soloStatus || restStatus);
