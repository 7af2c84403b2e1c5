import mongoose from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());

describe('the database the tests and the embedded service run on', () => {
  // Hot-path records are keyed by `_id` (conversations, rate-limit seats, claims); at 50,000
  // documents a scan costs ~70 ms per lookup on FerretDB's SQLite backend, an index ~1 ms.
  it('looks documents up by _id through the primary index, not a table scan', async () => {
    const collection = mongoose.connection.db!.collection<{ _id: string; n: number }>('idprobes');
    await collection.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `probe-${n}`, n })));
    const explain = await mongoose.connection.db!.command({ explain: { find: 'idprobes', filter: { _id: 'probe-7' } } });
    const plan = JSON.stringify(explain.queryPlanner);
    // FerretDB/SQLite says "SEARCH … USING INDEX …__id_"; MongoDB says IDHACK or an index scan.
    expect(plan).toMatch(/USING INDEX|IDHACK|IXSCAN/);
    expect(plan).not.toMatch(/"[^"]*SCAN idprobes[^"]*"/);
    expect(await collection.findOne({ _id: 'probe-7' })).toEqual({ _id: 'probe-7', n: 7 });
  });
});
