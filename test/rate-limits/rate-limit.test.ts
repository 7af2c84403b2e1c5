import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { blockSizeFor, createRateLimiter, purgeRateSeats, RateSeatModel } from '../../src/modules/rate-limits/rate-limit';

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

  it('takes larger limits in blocks: never more than `points` across instances, one insert per block', async () => {
    expect([blockSizeFor(10), blockSizeFor(20), blockSizeFor(60), blockSizeFor(1_000_000)]).toEqual([1, 2, 6, 10]);
    const instances = [0, 1, 2].map(() => createRateLimiter({ name: 'chat-ip', points: 60, windowMs: 60_000 }));
    // 200 hits at once, spread over three instances: exactly 60 pass, in 10 blocks of 6.
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => instances[i % 3].consume('9.9.9.9', at(100))));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    expect(await RateSeatModel.countDocuments()).toBe(10);
    // One instance alone uses every seat of its blocks: 60 hits one after another, 60 pass.
    const alone = createRateLimiter({ name: 'chat-ip', points: 60, windowMs: 60_000 });
    let passed = 0;
    for (let i = 0; i < 70; i++) if ((await alone.consume('8.8.8.8', at(200))).allowed) passed++;
    expect(passed).toBe(60);
    expect(await RateSeatModel.countDocuments()).toBe(20);
  });

  it('refuses early rather than too much when the database fails mid-window', async () => {
    const limiter = createRateLimiter({ name: 'chat-ip', points: 60, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await limiter.consume('7.7.7.7', at(0))).allowed).toBe(true);
    await db.embedded.stop();
    try {
      // Seats 4..6 are in the block this instance holds; the 7th needs a new block and fails.
      for (let i = 0; i < 3; i++) expect((await limiter.consume('7.7.7.7', at(1))).allowed).toBe(true);
      await expect(limiter.consume('7.7.7.7', at(2))).rejects.toThrow();
    } finally {
      await db.embedded.start();
    }
    // After the failure the instance starts over; the block it held counts as taken (retry
    // while the driver reconnects).
    let passed = 0;
    for (let i = 0; i < 70; ) {
      try {
        if ((await limiter.consume('7.7.7.7', at(3))).allowed) passed++;
        i++;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(passed).toBe(54);
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

  // Why wechat.e2e's "rate-limits one sender" once saw 15 replies where the limit is 10 a minute:
  // the windows are fixed calendar minutes and its burst was handled across a minute edge on a busy
  // machine (every limiter test now drives an injected clock). The limiter itself does not leak:
  describe('fixed windows (the flaky bot test, explained)', () => {
    it('a burst handled across a window edge is counted in two windows: 15 of 15 pass, as the flaky test saw', async () => {
      const limiter = createRateLimiter({ name: 'wx-sender', points: 10, windowMs: 60_000 });
      // 8 handled in the last 300 ms of one minute, 7 in the first of the next.
      const times = Array.from({ length: 15 }, (_, i) => at(59_700 + i * 40));
      const results = await Promise.all(times.map((t) => limiter.consume('s:spammer', t)));
      expect(results.filter((r) => r.allowed)).toHaveLength(15);
      expect(times.filter((t) => t.getTime() < at(60_000).getTime())).toHaveLength(8);
    });

    it('does not leak: hits of two windows interleaved over four instances never pass more than the limit per window', async () => {
      const instances = [0, 1, 2, 3].map(() => createRateLimiter({ name: 'wx-sender', points: 10, windowMs: 60_000 }));
      // 120 hits, alternately stamped in minute 0 and minute 1, arriving in one burst (a handler
      // that read the clock before the edge finishes after one that read it after).
      const stamps = Array.from({ length: 120 }, (_, i) => (i % 2 ? at(30_000 + i) : at(60_000 + 30_000 + i)));
      const results = await Promise.all(stamps.map((t, i) => instances[i % 4].consume('s:spammer', t).then((r) => ({ r, w: Math.floor(t.getTime() / 60_000) }))));
      const perWindow = new Map<number, number>();
      for (const { r, w } of results) if (r.allowed) perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
      expect([...perWindow.values()]).toEqual([10, 10]);
      // A fifth instance started later in minute 1 gets nothing either.
      const late = createRateLimiter({ name: 'wx-sender', points: 10, windowMs: 60_000 });
      expect((await late.consume('s:spammer', at(60_000 + 59_000))).allowed).toBe(false);
    });
  });
});
