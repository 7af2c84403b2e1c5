import { createHmac, randomBytes } from 'node:crypto';
import { Schema, model } from 'mongoose';
import { insertUnique } from '../../storage/unique-insert';

/**
 * What the product keeps of a client's address: a keyed hash that rotates. Rate-limit records
 * and emergency windows are keyed by it, never by the address itself.
 *
 * The key of each UTC day is a random secret shared by every instance through the database
 * (`ClientHashKey`, taken by unique insert of its `_id`: the first instance to need it wins,
 * the others read it). Keys of past days are deleted by `purgeClientHashKeys()` (housekeeping),
 * after which yesterday's hashes can no longer be linked to an address, not even by us.
 */
const clientHashKeySchema = new Schema(
  {
    /** `client-key:<UTC day number>` */
    _id: { type: String, required: true },
    secret: { type: String, required: true },
    day: { type: Number, required: true },
  },
  { timestamps: false, versionKey: false },
);
clientHashKeySchema.index({ day: 1 });
export const ClientHashKeyModel = model('ClientHashKey', clientHashKeySchema);

const DAY_MS = 86_400_000;
const keys = new Map<number, Promise<Buffer>>();

async function keyOf(day: number): Promise<Buffer> {
  const _id = `client-key:${day}`;
  const found = await ClientHashKeyModel.findById(_id).lean();
  if (found) return Buffer.from(found.secret, 'base64');
  const outcome = await insertUnique<{ secret: string }>(ClientHashKeyModel, { _id, day, secret: randomBytes(32).toString('base64') });
  if (outcome.won) return Buffer.from(outcome.doc.secret, 'base64');
  const winner = await ClientHashKeyModel.findById(_id).lean();
  if (!winner) throw new Error('client hash key vanished');
  return Buffer.from(winner.secret, 'base64');
}

/** The day's keyed hash of a client address (22 url-safe characters); the same all day on every instance. */
export async function clientKey(address: string, now = new Date()): Promise<string> {
  const day = Math.floor(now.getTime() / DAY_MS);
  let key = keys.get(day);
  if (!key) {
    if (keys.size > 3) keys.clear();
    key = keyOf(day);
    keys.set(day, key);
    key.catch(() => keys.delete(day));
  }
  return createHmac('sha256', await key).update(address || 'unknown').digest('base64url').slice(0, 22);
}

/** Deletes the keys of days before yesterday (so older hashes cannot be recomputed). */
export async function purgeClientHashKeys(now = new Date()): Promise<number> {
  const day = Math.floor(now.getTime() / DAY_MS);
  return (await ClientHashKeyModel.deleteMany({ day: { $lt: day - 1 } })).deletedCount ?? 0;
}
