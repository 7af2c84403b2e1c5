/**
 * The database stops under load and comes back (issue 8). The CI variant of
 * scripts/faults/db-outage.ts (30 s there, ~5 s here, 4 clients): one service instance (child
 * process, src/main.ts) on an embedded database that is stopped and started again with the
 * same port and data; an in-process outbox sender with a fake WeChat transport keeps ticking.
 */
import { runDbOutage, type OutageFigures } from '../../scripts/faults/db-outage';

jest.setTimeout(150_000);

let figures: OutageFigures;

beforeAll(async () => {
  figures = await runDbOutage({ outageMs: 5000, concurrency: 4, warmupMs: 2500, afterMs: 3000 });
  const { instanceOutputTail: _tail, ...shown } = figures;
  process.stderr.write(`db outage figures: ${JSON.stringify(shown)}\n`);
}, 150_000);

it('accepts messages before the outage', () => {
  expect(figures.phases.before.requests).toBeGreaterThan(0);
  expect(figures.phases.before.byStatus).toEqual({ '200': figures.phases.before.requests });
});

it('answers quickly while the database is down: 503, never a hanging request, never a 500', () => {
  expect(figures.hanging).toBe(0);
  expect(figures.phases.outage.requests).toBeGreaterThan(0);
  expect(figures.phases.outage.byStatus['503']).toBeGreaterThan(0);
  // 200s: requests that waited (≤ 3 s, the driver's server selection) and were served once the
  // database was back, or answered while it was still shutting down or starting again.
  for (const phase of ['stopping', 'outage', 'restarting'] as const) {
    for (const status of Object.keys(figures.phases[phase].byStatus)) expect(['200', '503']).toContain(status);
  }
  // The README's figures: once the database is gone, every answer within 3.5 s (the driver's 3 s
  // server selection, then 503), each 503 saying when to retry.
  expect(figures.phases.outage.maxMs).toBeLessThanOrEqual(3500);
  expect(figures.unavailableWithoutRetryAfter).toBe(0);
  // While FerretDB shuts down it holds open requests until EmbeddedDatabase.stop() kills it (5 s).
  expect(figures.maxOutageLatencyMs).toBeLessThanOrEqual(6500);
  expect(figures.serviceErrors).toEqual([]);
});

it('never holds back an emergency: every one, in every phase, is answered with the number to call', () => {
  const all = Object.values(figures.emergencies).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  expect(all).toBeGreaterThan(0);
  expect(figures.emergenciesWithout110).toEqual([]);
  for (const byStatus of Object.values(figures.emergencies)) expect(Object.keys(byStatus).filter((status) => status !== '200')).toEqual([]);
  // Answered without an item code only when it could not be recorded, and each such one is logged as an error.
  expect(figures.emergencyRecordFailures).toBe(figures.answeredUnrecorded);
});

it('recovers on its own when the database is back', () => {
  expect(figures.recoveryMs).not.toBeNull();
  // README: ready again within 3 s of the restart (0.7–1.0 s measured).
  expect(figures.recoveryMs!).toBeLessThanOrEqual(3000);
  const after = figures.phases.after;
  expect(after.byStatus['200'] ?? 0).toBeGreaterThan(0);
});

it('loses no accepted message: every emergency answered with an item code is stored with its text', () => {
  expect(figures.accepted).toBeGreaterThan(0);
  expect(figures.lost).toEqual([]);
  expect(figures.stored).toBe(figures.accepted);
});

it('the outbox resumes: a message queued when the database stopped is delivered after it is back', () => {
  expect(figures.outboxDeliveredBeforeOutage).toBe(true);
  expect(figures.outboxDeliveredAfterRestartMs).not.toBeNull();
  expect(figures.outboxMessageStatus).toBe('sent');
});
