import { Schema, model } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { claimFirstFree, insertUnique, isDuplicateKeyError } from '../../src/storage/unique-insert';
import { syncIndexes } from '../../src/storage/connection';

const tokenSchema = new Schema({ pool: String, token: Number, owner: Number });
tokenSchema.index({ pool: 1, token: 1 }, { unique: true });
const Token = model('UniqueInsertTestToken', tokenSchema);

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await syncIndexes();
});
afterAll(async () => db.stop());

describe('unique-insert helper on the real embedded server', () => {
  it('lets exactly one of many concurrent inserts of one key win', async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, owner) => insertUnique(Token, { pool: 'single', token: 1, owner })));
    expect(outcomes.filter((o) => o.won)).toHaveLength(1);
    expect(await Token.countDocuments({ pool: 'single' })).toBe(1);
  });

  it('hands out 5 tokens to exactly 5 of 200 parallel claimants', async () => {
    const tokens = [1, 2, 3, 4, 5];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, owner) => claimFirstFree(Token, tokens, (token) => ({ pool: 'five', token, owner }))),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(5);
    expect(new Set(winners.map((w) => w!.candidate))).toEqual(new Set(tokens));
    const stored = await Token.find({ pool: 'five' }).lean();
    expect(stored).toHaveLength(5);
    // Each stored token belongs to the claimant that was told it won.
    for (const w of winners) expect(stored.find((s) => s.token === w!.candidate)!.owner).toBe((w!.doc as { owner: number }).owner);
  });

  it('without spreading, takes the first free candidate in the order given (walk-in seats first)', async () => {
    const taken: Array<number | null> = [];
    for (let owner = 0; owner < 4; owner++) {
      const r = await claimFirstFree(Token, [7, 3, 9], (token) => ({ pool: 'ordered', token, owner }), { spread: false });
      taken.push(r?.candidate ?? null);
    }
    expect(taken).toEqual([7, 3, 9, null]);
  });

  it('by default starts at a random candidate, so concurrent claimants do not all collide on the first', async () => {
    const firsts = new Set<number>();
    for (let round = 0; round < 20; round++) {
      const r = await claimFirstFree(Token, [1, 2, 3, 4, 5, 6, 7, 8], (token) => ({ pool: `spread-${round}`, token, owner: 0 }));
      firsts.add(r!.candidate);
    }
    // Always the same first candidate in 20 rounds of 8 would be a 1 in 8^19 chance.
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('rethrows errors that are not duplicate keys', async () => {
    const strict = model('UniqueInsertStrict', new Schema({ n: { type: Number, required: true } }));
    await expect(insertUnique(strict, {})).rejects.toThrow(/required/);
  });

  it('recognises duplicate-key errors in their various shapes', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }] })).toBe(true);
    expect(isDuplicateKeyError({ cause: { codeName: 'DuplicateKey' } })).toBe(true);
    expect(isDuplicateKeyError({ code: 2 })).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    // The legacy duplicate code, and a bulk write where only one of several errors is a duplicate.
    expect(isDuplicateKeyError({ code: 11001 })).toBe(true);
    expect(isDuplicateKeyError({ writeErrors: [{ code: 121 }, { code: 11000 }] })).toBe(true);
    expect(isDuplicateKeyError({ writeErrors: [{ code: 121 }] })).toBe(false);
  });
});
