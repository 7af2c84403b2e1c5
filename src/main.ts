import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { loadConfigOrExit, type Config } from './config';
import { createApp } from './http/app';
import { createWecomRuntime, type WecomRuntime } from './channels/wecom/runtime';
import { allJobs, createScheduler } from './jobs';
import { createLogger, type Logger } from './logging/logger';
import { ensureReportIndexes } from './modules/reports';
import { ensureAdmin, seedIfEmpty } from './modules/seed';
import { ensureItemCodes } from './modules/items';
import { createSmsProvider, createSmsSender, smsSettings } from './modules/sms';
import { NoDatabaseError } from './storage/database-binary';
import { openDatabase, type OpenDatabase } from './storage/database';
import { checkStoredRobotKeys } from './modules/alerts';
import { secretsKey } from './lib/secret-box';

/**
 * Entry point. Reads the config once, opens the database (embedded by default), seeds an
 * empty database, then starts what SERVICES asks for and shuts everything down in order
 * on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL });

  let db: OpenDatabase;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    if (err instanceof NoDatabaseError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(69); // EX_UNAVAILABLE
    }
    throw err;
  }

  // Stored credentials (rooms' robot keys) are encrypted with SECRETS_KEY: stop with a clear
  // message if keys are stored but no key (or a different one) is configured; seal older plain ones.
  try {
    const { sealed } = await checkStoredRobotKeys(secretsKey(config.SECRETS_KEY));
    if (sealed) logger.info({ sealed }, 'plain robot keys encrypted with SECRETS_KEY');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await db.close().catch(() => undefined);
    process.exit(78); // EX_CONFIG
  }

  const seeded = await seedIfEmpty({ demo: config.SEED_DEMO_DATA });
  if (seeded) logger.info(seeded, 'seed data loaded');
  await ensureAdmin({ username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD, logger });
  // Range indexes for the live part of reports on MongoDB (a no-op on FerretDB, where they only slow inserts).
  await ensureReportIndexes();
  const codesAdded = await ensureItemCodes();
  if (codesAdded) logger.info({ codesAdded }, 'follow-up codes indexed for older items');

  const stops: Array<() => Promise<void>> = [];
  if (config.SERVICES.includes('web')) {
    // The WeCom roads whose settings are complete (customer service, group tasks, alerts) run
    // beside the web part on every instance: claims in the database share the work.
    const wecom = createWecomRuntime({ config, logger });
    await wecom.start();
    const server = await listen(config, logger, wecom);
    stops.push(() => wecom.stop());
    stops.push(() => closeServer(server));
  }
  if (config.SERVICES.includes('scheduler')) {
    // Any number of instances may run the scheduler: each run is claimed by a unique insert.
    const scheduler = createScheduler({ jobs: allJobs(), config, logger });
    await scheduler.start();
    stops.push(() => scheduler.stop());
  }

  const sms = smsSettings(config);
  const smsProvider = createSmsProvider(sms);
  if (smsProvider) {
    // Every instance may deliver texts: each attempt is claimed by a unique insert, so a text goes once.
    const sender = createSmsSender({ settings: sms, provider: smsProvider, logger, senderId: `sms:${hostname()}:${process.pid}` });
    sender.start(config.OUTBOX_POLL_MS);
    stops.push(() => sender.stop());
    logger.info({ provider: smsProvider.name }, 'SMS sender started');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'error while stopping'));
    await db.close().catch((err) => logger.error({ err }, 'error while closing the database'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function listen(config: Config, logger: Logger, wecom: WecomRuntime): Promise<Server> {
  const app = createApp({ config, logger, wecom });
  return new Promise((resolve) => {
    const server = app.listen(config.PORT, config.HOST, () => {
      logger.info({ port: config.PORT, host: config.HOST }, `网上警务室 listening on http://${config.HOST}:${config.PORT}`);
      resolve(server);
    });
  });
}

/** Stops accepting connections and waits for in-flight requests to finish. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
