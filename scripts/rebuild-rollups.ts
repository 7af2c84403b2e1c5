/**
 * Rebuilds every rollup of the monthly assessment from the raw records (items, appointments,
 * surveys, ratings): all closed days from the first record until yesterday, in one pass over
 * each collection. Replaces the existing rollups.
 *
 *   npx tsx scripts/rebuild-rollups.ts [--since yyyy-MM-dd]
 *
 * Uses the same database as the service (MONGODB_URI, else the embedded one under DATA_DIR).
 * Run it with the scheduler stopped (SERVICES=web, or no instance running): the nightly rollup
 * job is the rollups' only other writer. Use it once on an existing database, after editing
 * history, or after changing the rollup code.
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';
import { ensureReportIndexes } from '../src/modules/reports/report.indexes';
import { rebuildAllRollups } from '../src/modules/reports/rollup.service';
import { openDatabase } from '../src/storage/database';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const i = process.argv.indexOf('--since');
  const since = i > 0 ? process.argv[i + 1] : undefined;
  if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new Error('--since must be yyyy-MM-dd');
  const db = await openDatabase(config, logger);
  try {
    const indexes = await ensureReportIndexes();
    const started = Date.now();
    const result = await rebuildAllRollups({ zone: config.APP_TIMEZONE, now: new Date(), logger, since });
    process.stdout.write(
      `Rebuilt ${result.days} days (${result.dayDocs} room-day documents, ${result.months} district-month documents) in ${((Date.now() - started) / 1000).toFixed(1)} s; report indexes ${indexes}.\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`rebuild-rollups failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
