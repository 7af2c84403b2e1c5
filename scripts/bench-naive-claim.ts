/**
 * Shows why the product builds exclusivity on unique inserts: on the embedded database it
 * runs the naive patterns (conditional findOneAndUpdate "claim", concurrent $inc) next to the
 * unique-insert helper and counts double wins and lost increments.
 *
 *   npx tsx scripts/bench-naive-claim.ts [rounds=200] [contenders=10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../src/storage/connection';
import { EmbeddedDatabase } from '../src/storage/embedded';
import { insertUnique } from '../src/storage/unique-insert';

const Ticket = mongoose.model('NaiveTicket', new Schema({ round: Number, claimedBy: { type: Number, default: null } }));
const Counter = mongoose.model('NaiveCounter', new Schema({ round: Number, n: { type: Number, default: 0 } }));
const claimSchema = new Schema({ round: Number, owner: Number });
claimSchema.index({ round: 1 }, { unique: true });
const Claim = mongoose.model('NaiveClaim', claimSchema);

async function main() {
  const rounds = Number(process.argv[2] ?? 200);
  const contenders = Number(process.argv[3] ?? 10);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'naive-claim-'));
  const uri = process.env.MONGODB_URI;
  const embedded = uri ? null : new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN });
  await connectDatabase(uri ?? (await embedded!.start()), { dbName: 'naive_claim' });
  await Promise.all([Ticket.deleteMany({}), Counter.deleteMany({}), Claim.deleteMany({})]);

  let roundsWithDoubleWin = 0;
  let extraWinners = 0;
  let lostIncrements = 0;
  let uniqueDoubleWins = 0;
  for (let round = 0; round < rounds; round++) {
    const ticket = await Ticket.create({ round });
    const winners = await Promise.all(
      Array.from({ length: contenders }, (_, owner) =>
        Ticket.findOneAndUpdate({ _id: ticket._id, claimedBy: null }, { $set: { claimedBy: owner } }, { returnDocument: 'after' }).lean(),
      ),
    );
    const won = winners.filter((w) => w !== null).length;
    if (won > 1) roundsWithDoubleWin++;
    extraWinners += Math.max(0, won - 1);

    const counter = await Counter.create({ round });
    await Promise.all(Array.from({ length: contenders }, () => Counter.updateOne({ _id: counter._id }, { $inc: { n: 1 } })));
    lostIncrements += contenders - (await Counter.findById(counter._id).lean())!.n;

    const claims = await Promise.all(Array.from({ length: contenders }, (_, owner) => insertUnique(Claim, { round, owner })));
    if (claims.filter((c) => c.won).length !== 1) uniqueDoubleWins++;
  }

  const kind = embedded?.kind ?? 'MONGODB_URI';
  console.log(`database: ${kind}; ${rounds} rounds × ${contenders} concurrent contenders`);
  console.log('| pattern | rounds with more than one winner | extra winners / lost updates |');
  console.log('|---|---|---|');
  console.log(`| conditional findOneAndUpdate claim | ${roundsWithDoubleWin} / ${rounds} (${((100 * roundsWithDoubleWin) / rounds).toFixed(1)}%) | ${extraWinners} extra winners |`);
  console.log(`| concurrent $inc (+${contenders} per round) | — | ${lostIncrements} of ${rounds * contenders} increments lost (${((100 * lostIncrements) / (rounds * contenders)).toFixed(1)}%) |`);
  console.log(`| unique-insert helper | ${uniqueDoubleWins} / ${rounds} | 0 by construction |`);

  await disconnectDatabase();
  await embedded?.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
