import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import { connectDatabase, disconnectDatabase, watchConnection } from './connection';
import { EmbeddedDatabase } from './embedded';

export interface OpenDatabase {
  uri: string;
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/** Connects to MONGODB_URI, or starts the embedded server under DATA_DIR and connects to it. */
export async function openDatabase(config: Pick<Config, 'MONGODB_URI' | 'DATA_DIR' | 'FERRETDB_BIN'>, logger: Logger): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = new EmbeddedDatabase({
      dataDir: config.DATA_DIR,
      ferretdbBin: config.FERRETDB_BIN,
      log: (msg) => logger.info(msg),
    });
    uri = await embedded.start();
    logger.info({ kind: embedded.kind, dataDir: embedded.dataDir, uri }, 'embedded database started');
  }
  const options = { dbName: embedded ? 'police_room' : undefined };
  await connectDatabase(uri, options);
  logger.info('database connected');
  const watch = watchConnection(uri, options, (message, detail) => logger.warn(detail ?? {}, message));
  return {
    uri,
    embedded,
    async close() {
      watch.stop();
      await disconnectDatabase();
      await embedded?.stop();
    },
  };
}
