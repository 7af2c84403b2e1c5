import { Schema, model } from 'mongoose';
import { claimFirstFree } from '../../storage/unique-insert';

/**
 * A fixed-window rate limiter shared by every instance through MongoDB/FerretDB.
 *
 * Why not RateLimiterMongo: it counts with `findOneAndUpdate` + `$inc`, which FerretDB 1.24
 * executes as read-then-write, so concurrent hits from two instances lose increments and the
 * limit leaks. Here each allowed hit takes one of the window's `points` seats — a document
 * under a unique index {key, window, seat} — which is exact on both databases. A blocked hit
 * costs one count query and no write. Ended windows are deleted by `purgeRateSeats()`
 * (called opportunistically), since FerretDB has no TTL index.
 */
const rateSeatSchema = new Schema(
  {
    key: { type: String, required: true, maxlength: 300 },
    window: { type: Number, required: true },
    seat: { type: Number, required: true },
    /** When the window is over; purge deletes by it. */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
rateSeatSchema.index({ key: 1, window: 1, seat: 1 }, { unique: true });
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

export function createRateLimiter(options: { name: string; points: number; windowMs: number }): RateLimiter {
  const { name, points, windowMs } = options;
  let calls = 0;
  return {
    async consume(key: string, now = new Date()): Promise<RateLimitResult> {
      const window = Math.floor(now.getTime() / windowMs);
      const fullKey = `${name}:${key}`;
      const retryAfterMs = (window + 1) * windowMs - now.getTime();
      const expiresAt = new Date((window + 1) * windowMs);
      if (++calls % 500 === 0) void purgeRateSeats(now).catch(() => undefined);
      const used = await RateSeatModel.countDocuments({ key: fullKey, window });
      if (used >= points) return { allowed: false, retryAfterMs };
      const seats = seatCandidates(used, points);
      const won = await claimFirstFree(RateSeatModel, seats, (seat) => ({ key: fullKey, window, seat, expiresAt }), { spread: false });
      return { allowed: won !== null, retryAfterMs };
    },
  };
}

/**
 * Which seats to try, in order: a few random seats above the count (most likely free, and
 * random so that concurrent hits of one key spread out instead of colliding on one seat),
 * then the next ones in order, then those at or below the count. Bounded, so a limiter with
 * a large `points` stays cheap.
 */
export function seatCandidates(used: number, points: number, random: () => number = Math.random): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (seat: number) => {
    if (seat >= 1 && seat <= points && !seen.has(seat)) {
      seen.add(seat);
      out.push(seat);
    }
  };
  const free = points - used;
  for (let i = 0; i < Math.min(4, free); i++) add(used + 1 + Math.floor(random() * free));
  for (let seat = used + 1; seat <= points && out.length < 32; seat++) add(seat);
  for (let seat = 1; seat <= used && out.length < 64; seat++) add(seat);
  return out;
}

/** Deletes the seats of windows that are over. */
export async function purgeRateSeats(now = new Date()): Promise<void> {
  await RateSeatModel.deleteMany({ expiresAt: { $lt: now } });
}
