import { Schema, model } from 'mongoose';
import { insertUnique } from '../../storage/unique-insert';

/**
 * A fixed-window rate limiter shared by every instance through MongoDB/FerretDB.
 *
 * Why not RateLimiterMongo: it counts with `findOneAndUpdate` + `$inc`, which FerretDB 1.24
 * executes as read-then-write, so concurrent hits from two instances lose increments and the
 * limit leaks. Here each allowed hit takes one of the window's `points` seats: a document whose
 * `_id` is `key|window|seat`, so the claim is an insert guarded by the primary key, exact on
 * both databases. It is also the only query shape FerretDB 1.24 pushes down to SQLite (any
 * other filter reads the whole collection), so a hit costs one cheap insert instead of a count
 * over every recent hit. Each instance hands out seat numbers per key and window in order, so
 * it starts after the seats it already took instead of at seat 1; that hint only saves work —
 * the database decides. Ended windows are deleted by `purgeRateSeats()` (called opportunistically), since
 * FerretDB has no TTL index.
 */
const rateSeatSchema = new Schema(
  {
    _id: { type: String, required: true, maxlength: 400 },
    /** When the window is over; purge deletes by it. */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
rateSeatSchema.index({ expiresAt: 1 });

export const RateSeatModel = model('RateSeat', rateSeatSchema);

export interface RateLimitResult {
  allowed: boolean;
  /** Milliseconds until the current window ends (when blocked: wait this long). */
  retryAfterMs: number;
}

export interface RateLimiter {
  consume(key: string, now?: Date): Promise<RateLimitResult>;
}

const MAX_HINTS = 50_000;

export function createRateLimiter(options: { name: string; points: number; windowMs: number }): RateLimiter {
  const { name, points, windowMs } = options;
  /**
   * `key|window` → the next seat this instance will try. A caller takes its seat number from
   * here synchronously, before awaiting the insert, so concurrent callers in one process try
   * different seats instead of all colliding on the same one (which made 50 concurrent hits
   * cost ~25 inserts each). Only other instances can still collide with us.
   */
  const nextSeat = new Map<string, number>();
  let calls = 0;
  let hintWindow = -1;
  return {
    async consume(key: string, now = new Date()): Promise<RateLimitResult> {
      const window = Math.floor(now.getTime() / windowMs);
      const retryAfterMs = (window + 1) * windowMs - now.getTime();
      const expiresAt = new Date((window + 1) * windowMs);
      if (++calls % 500 === 0) void purgeRateSeats(now).catch(() => undefined);
      if (window !== hintWindow || nextSeat.size > MAX_HINTS) {
        nextSeat.clear(); // hints of ended windows are worthless
        hintWindow = window;
      }
      const windowKey = `${name}:${key}|${window}`;
      for (;;) {
        const seat = nextSeat.get(windowKey) ?? 1;
        if (seat > points) return { allowed: false, retryAfterMs };
        nextSeat.set(windowKey, seat + 1);
        let won: boolean;
        try {
          ({ won } = await insertUnique(RateSeatModel, { _id: `${windowKey}|${seat}`, expiresAt }));
        } catch (err) {
          // The seat may still be free: forget the hint so that the next caller starts over.
          nextSeat.delete(windowKey);
          throw err;
        }
        if (won) return { allowed: true, retryAfterMs };
      }
    },
  };
}

/** Deletes the seats of windows that are over. */
export async function purgeRateSeats(now = new Date()): Promise<void> {
  await RateSeatModel.deleteMany({ expiresAt: { $lt: now } });
}
