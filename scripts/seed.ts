/**
 * `npm run seed`: loads reference data (the 21 services, FAQ, holiday calendar) and, unless
 * SEED_DEMO_DATA=false, the demo district. Idempotent: inserts only what is missing, never
 * overwrites edits, safe beside running instances. Uses MONGODB_URI or the embedded database.
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';
import { ensureAdmin, seedAll } from '../src/modules/seed/seed.service';
import { openDatabase } from '../src/storage/database';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const db = await openDatabase(config, logger);
  try {
    const report = await seedAll({ demo: config.SEED_DEMO_DATA });
    await ensureAdmin({ username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD, logger });
    console.log(`seeded: ${JSON.stringify(report)}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
