import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { createRateLimiter, purgeRateSeats, RateSeatModel } from '../../src/modules/rate-limits/rate-limit';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());
beforeEach(async () => db.clear());

const at = (ms: number) => new Date(Date.UTC(2026, 10, 29, 2, 0, 0) + ms);

describe('database-backed rate limiter', () => {
  it('allows exactly `points` hits per window across instances hit concurrently', async () => {
    // Two limiters with the same name stand for two service instances sharing the database.
    const a = createRateLimiter({ name: 'chat-ip', points: 10, windowMs: 60_000 });
    const b = createRateLimiter({ name: 'chat-ip', points: 10, windowMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consume('1.2.3.4', at(1000))));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(await RateSeatModel.countDocuments()).toBe(10);
    // Blocked hits say how long until the window ends.
    expect(results.find((r) => !r.allowed)!.retryAfterMs).toBe(59_000);
  });

  it('counts seats another instance took earlier in the window, however many hits arrive at once', async () => {
    const other = createRateLimiter({ name: 'chat-ip', points: 10, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await other.consume('5.6.7.8', at(0))).allowed).toBe(true);
    // A freshly started instance knows nothing of those 3 seats; 25 hits arrive at once.
    const fresh = createRateLimiter({ name: 'chat-ip', points: 10, windowMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 25 }, () => fresh.consume('5.6.7.8', at(500))));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    expect((await other.consume('5.6.7.8', at(600))).allowed).toBe(false);
  });

  it('keeps keys apart and opens a new window after the old one ends', async () => {
    const limiter = createRateLimiter({ name: 'tip', points: 2, windowMs: 60_000 });
    expect((await limiter.consume('x', at(0))).allowed).toBe(true);
    expect((await limiter.consume('x', at(1))).allowed).toBe(true);
    expect((await limiter.consume('x', at(2))).allowed).toBe(false);
    expect((await limiter.consume('y', at(3))).allowed).toBe(true);
    expect((await limiter.consume('x', at(60_000))).allowed).toBe(true);
  });

  it('purges the seats of ended windows', async () => {
    const limiter = createRateLimiter({ name: 'p', points: 3, windowMs: 60_000 });
    await limiter.consume('k', at(0));
    await limiter.consume('k', at(60_000));
    await purgeRateSeats(at(61_000));
    expect(await RateSeatModel.countDocuments()).toBe(1);
  });
});
