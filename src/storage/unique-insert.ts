import type { Model } from 'mongoose';

/**
 * The one concurrency primitive of this product.
 *
 * On FerretDB 1.24, update/findAndModify/$inc are a read followed by a separate write, so
 * two callers of the same conditional update can both "win" and concurrent $inc's lose
 * increments. What is atomic on FerretDB and MongoDB alike is an insert guarded by a unique
 * index. So every exclusive thing — a seat of a slot, a claim on an item, a run of a job,
 * a sender of a message — is a document whose unique key can exist only once, and a
 * duplicate-key error means "someone else has it".
 */

export function isDuplicateKeyError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; codeName?: unknown; writeErrors?: Array<{ code?: unknown }>; cause?: unknown };
  if (e.code === 11000 || e.code === 11001 || e.codeName === 'DuplicateKey') return true;
  if (Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000)) return true;
  return e.cause ? isDuplicateKeyError(e.cause) : false;
}

export type InsertOutcome<T> = { won: true; doc: T } | { won: false };

/**
 * Inserts `doc`; resolves `{won: false}` when its unique key already exists.
 * The model must declare the unique index that defines the exclusive thing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model; the unique index is the model's own
export type AnyModel = Model<any, any, any, any, any, any>;

export async function insertUnique<T = Record<string, unknown>>(model: AnyModel, doc: Record<string, unknown>): Promise<InsertOutcome<T>> {
  try {
    const created = await model.create(doc);
    return { won: true, doc: created.toObject() as T };
  } catch (err) {
    if (isDuplicateKeyError(err)) return { won: false };
    throw err;
  }
}

/**
 * Takes the first free token among `candidates` (e.g. seats 1..k of a slot) by trying to
 * insert each in turn; resolves null when all are taken. Starting at a random offset
 * spreads concurrent callers over the tokens instead of making all of them collide on #1.
 */
export async function claimFirstFree<T, C>(
  model: AnyModel,
  candidates: readonly C[],
  toDoc: (candidate: C) => Record<string, unknown>,
  options: { spread?: boolean } = {},
): Promise<{ candidate: C; doc: T } | null> {
  if (candidates.length === 0) return null;
  const offset = options.spread === false ? 0 : Math.floor(Math.random() * candidates.length);
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[(offset + i) % candidates.length];
    const outcome = await insertUnique<T>(model, toDoc(candidate));
    if (outcome.won) return { candidate, doc: outcome.doc };
  }
  return null;
}
