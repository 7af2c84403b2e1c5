import { loadConfigOrExit } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { NoDatabaseError } from '../../src/storage/database-binary';
import { openDatabase, type OpenDatabase } from '../../src/storage/database';
import { BotStartError, createPoliceRoomBot } from './bot';

/**
 * `npm run bot`: the WeChat bot process. Loads the config, connects the database, starts the
 * bot (QR code in the terminal), and stops cleanly on SIGTERM/SIGINT. A failed start exits
 * non-zero with a message that says what to fix.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'police-room-bot' });
  let db: OpenDatabase;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    process.stderr.write(`${err instanceof NoDatabaseError ? err.message : `数据库连接失败（Database unavailable）: ${(err as Error).message}`}\n`);
    process.exit(69);
  }

  const bot = createPoliceRoomBot({ config, logger });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'bot shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await bot.stop().catch((err) => logger.error({ err }, 'error while stopping the bot'));
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await bot.start();
  } catch (err) {
    process.stderr.write(`${err instanceof BotStartError ? err.message : `微信机器人启动失败（WeChat bot failed to start）: ${(err as Error).stack}`}\n`);
    await db.close().catch(() => undefined);
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`Failed to start the bot: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
