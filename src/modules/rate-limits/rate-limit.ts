import { DateTime } from 'luxon';
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from '../../storage/unique-insert';

/**
 * A fixed-window rate limiter shared by every instance through MongoDB/FerretDB.
 *
 * Why not RateLimiterMongo: it counts with `findOneAndUpdate` + `$inc`, which FerretDB 1.24
 * executes as read-then-write, so concurrent hits from two instances lose increments and the
 * limit leaks. Here the window's `points` hits are seats 1..points, and an instance takes them
 * in *blocks*: a document whose `_id` is `key|window|first-last`, inserted under the primary
 * key, so a block belongs to exactly one instance on both databases. The instance then hands
 * out that block's seats from memory, without a database round trip. So:
 *  - a key never gets more than `points` hits per window, however many instances share it;
 *  - a block is at most a tenth of the window's points (and at most MAX_BLOCK), so seats an
 *    instance holds but does not use cost a client at most ~10% of its limit per other
 *    instance it also reaches; small limits (the tip line's 10 an hour) take one seat per hit.
 *    Production limits: 60/min per IP → blocks of 6; 20/min per conversation → blocks of 2.
 * The `_id` lookup is also the only query shape FerretDB 1.24 pushes down to SQLite (any other
 * filter reads the whole collection). Ended windows are deleted by `purgeRateSeats()` (every few
 * minutes, and nightly by the housekeeping job), since FerretDB has no TTL index.
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
/**
 * Ended windows are deleted at most this often per process (and nightly by the housekeeping
 * job): on FerretDB the delete scans every seat, so it must not run with every few hundred hits.
 */
const PURGE_EVERY_MS = 5 * 60_000;
let lastPurge = 0;
/** The most seats one block may hold. */
export const MAX_BLOCK = 10;

/** Seats per block for a limit of `points`: a tenth of it, 1 to MAX_BLOCK. */
export function blockSizeFor(points: number): number {
  return Math.max(1, Math.min(MAX_BLOCK, Math.floor(points / 10)));
}

/** What this instance knows of one key's window: the next seat it hands out, and its block claims. */
interface WindowHint {
  next: number;
  /** Block index → the claim's outcome (true: this instance holds the block). */
  blocks: Map<number, Promise<boolean>>;
}

export interface RateLimiterOptions {
  name: string;
  points: number;
  windowMs: number;
  /**
   * Milliseconds the windows are shifted by (windows start at multiples of windowMs minus this):
   * a day-long window starts at local midnight with the zone's UTC offset (see createDailyLimiter).
   */
  offsetMs?: (now: Date) => number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { name, points, windowMs } = options;
  const size = blockSizeFor(points);
  /**
   * `key|window` → hint. A caller takes its seat number synchronously, before awaiting
   * anything, so concurrent callers in one process take different seats, and all callers
   * whose seats fall in one block share that block's single insert.
   */
  const hints = new Map<string, WindowHint>();
  let hintWindow = -1;

  const claim = (windowKey: string, block: number, expiresAt: Date): Promise<boolean> => {
    const first = block * size + 1;
    const last = Math.min(points, first + size - 1);
    // The driver's insert, not mongoose's create(): the document is ours and this is the hot path.
    return RateSeatModel.collection.insertOne({ _id: `${windowKey}|${first}-${last}`, expiresAt } as never).then(
      () => true,
      (err: unknown) => {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      },
    );
  };

  return {
    async consume(key: string, now = new Date()): Promise<RateLimitResult> {
      const offset = options.offsetMs?.(now) ?? 0;
      const window = Math.floor((now.getTime() + offset) / windowMs);
      const retryAfterMs = (window + 1) * windowMs - offset - now.getTime();
      const expiresAt = new Date((window + 1) * windowMs - offset);
      if (now.getTime() - lastPurge >= PURGE_EVERY_MS) {
        lastPurge = now.getTime();
        void purgeRateSeats(now).catch(() => undefined);
      }
      if (window !== hintWindow || hints.size > MAX_HINTS) {
        hints.clear(); // hints of ended windows are worthless
        hintWindow = window;
      }
      const windowKey = `${name}:${key}|${window}`;
      let hint = hints.get(windowKey);
      if (!hint) hints.set(windowKey, (hint = { next: 1, blocks: new Map() }));
      for (;;) {
        const seat = hint.next;
        if (seat > points) return { allowed: false, retryAfterMs };
        hint.next = seat + 1;
        const block = Math.floor((seat - 1) / size);
        let held = hint.blocks.get(block);
        if (!held) hint.blocks.set(block, (held = claim(windowKey, block, expiresAt)));
        let won: boolean;
        try {
          won = await held;
        } catch (err) {
          // Whether the insert landed is unknown: start this key over. Blocks held already are
          // then skipped as taken, which can only refuse early, never admit too many.
          if (hints.get(windowKey) === hint) hints.delete(windowKey);
          throw err;
        }
        if (won) return { allowed: true, retryAfterMs };
        // Another instance holds this block: go on after it.
        hint.next = Math.max(hint.next, (block + 1) * size + 1);
      }
    },
  };
}

/**
 * At most `points` hits per key per calendar day in `zone` (the day starts at local midnight,
 * not at 00:00 UTC): "10 codes a day per number" means a resident's day.
 */
export function createDailyLimiter(options: { name: string; points: number; zone: string }): RateLimiter {
  return createRateLimiter({
    name: options.name,
    points: options.points,
    windowMs: 24 * 3600_000,
    offsetMs: (now) => DateTime.fromJSDate(now, { zone: options.zone }).offset * 60_000,
  });
}

/** Deletes the seats of windows that are over. */
export async function purgeRateSeats(now = new Date()): Promise<void> {
  await RateSeatModel.deleteMany({ expiresAt: { $lt: now } });
}
