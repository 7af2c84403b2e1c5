import { resolveDatabaseBinary } from '../src/storage/database-binary';

/** Runs once before all test files: makes sure a database binary exists (builds FerretDB on a cold machine). */
export default async function globalSetup(): Promise<void> {
  const { kind, bin } = resolveDatabaseBinary({ ferretdbBin: process.env.FERRETDB_BIN, log: (m) => process.stderr.write(`${m}\n`) });
  process.stderr.write(`\nTests run against ${kind} (${bin})\n`);
}
