/**
 * Makes sure a MongoDB-compatible server binary is available (used by .ci/run and the
 * Dockerfile-less dev setup): prints which one, building FerretDB 1.24 with Go if needed.
 */
import { resolveDatabaseBinary } from '../src/storage/database-binary';

function main(): void {
  const { kind, bin } = resolveDatabaseBinary({ ferretdbBin: process.env.FERRETDB_BIN, log: (m) => console.error(m) });
  console.log(`${kind}: ${bin}`);
}

main();
