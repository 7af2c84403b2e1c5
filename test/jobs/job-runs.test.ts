import pino from 'pino';
import { JobDeliveryModel, JobRunModel, JobRunTakeoverModel } from '../../src/modules/notices/job-run.model';
import { claimAndRun, MAX_ATTEMPTS, maxLateness, outboxKey, resumeExpiredRuns } from '../../src/modules/notices/runs';
import type { Delivery, JobDefinition, JobEnv, JobRunContext } from '../../src/modules/notices/notice.types';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { createLogger } from '../../src/logging/logger';
import { testConfig } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { FakeClock, sh } from './helpers';

/**
 * Job-run claiming (src/modules/notices/runs.ts) on a real database, with small jobs of its own
 * that record every execution: a slot runs once however many instances claim it; a run whose
 * instance died is resumed once, after its lease, without repeating what was delivered; a run
 * that keeps failing or is too late stops; what a run sends goes out under its outbox key, held
 * for quiet hours when it may wait. (The real jobs under a scheduler: scheduler-recovery.test.ts.)
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(() => db?.stop());
beforeEach(() => db.clear());

const MIN = 60_000;
const LEASE = 5 * MIN;

/** The service's logger writing to memory, so the operators' log lines can be read back. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' });
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => void lines.push(s) };
  return { logger, logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string }) };
}

function setup(start: Date, extra: Partial<JobEnv> = {}) {
  const clock = new FakeClock(start);
  const { logger, logged } = capture();
  const env: JobEnv = { config: testConfig(), logger, now: clock.now, zone: 'Asia/Shanghai', quiet: { start: '22:00', end: '07:00' }, catchUpMs: 6 * 3600_000, leaseMs: LEASE, ...extra };
  return { clock, env, logged };
}

const group = (id: string) => ({ channel: 'wechat' as const, conversationId: id, isGroup: true });
const person = (id: string) => ({ channel: 'wechat' as const, conversationId: id, isGroup: false });
const delivery = (recipient: string, extra: Partial<Delivery> = {}): Delivery => ({
  recipient, room: 'HPL', audience: 'group', label: '和平里', to: group(recipient), text: `通知 ${recipient}`, purpose: 'notice', ...extra,
});

/** A job that delivers to its recipients and records each execution; `fail` makes a run throw after its deliveries. */
function job(name: string, opts: { recipients?: Delivery[]; fail?: (ctx: JobRunContext) => unknown; during?: (ctx: JobRunContext) => Promise<void>; maxLatenessMs?: number } = {}) {
  const runs: Array<{ attempt: number; created: boolean[]; payload: Record<string, unknown> }> = [];
  const def: JobDefinition = {
    name,
    label: '测试任务',
    slotsBetween: async () => [],
    upcoming: async () => [],
    ...(opts.maxLatenessMs != null ? { maxLatenessMs: () => opts.maxLatenessMs! } : {}),
    async run(ctx) {
      const record = { attempt: ctx.attempt, created: [] as boolean[], payload: ctx.payload };
      runs.push(record);
      for (const d of opts.recipients ?? [delivery('g1'), delivery('g2')]) record.created.push((await ctx.deliver(d)).created);
      if (opts.during) await opts.during(ctx);
      const failure = opts.fail?.(ctx);
      if (failure !== undefined) throw failure;
    },
  };
  return { def, runs };
}

const slot = (at: Date, runKey = 'r1') => ({ runKey, at, rooms: ['HPL'], payload: { month: '2031-03' } });

describe('claiming a slot', () => {
  it('of many instances claiming the same slot at once, one runs it, once', async () => {
    const { env, logged } = setup(sh('2031-03-04T10:00'));
    const j = job('notice');
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => claimAndRun(j.def, slot(sh('2031-03-04T10:00')), env, owner)));
    expect(outcomes.sort()).toEqual(['ran', 'taken', 'taken', 'taken']);
    expect(j.runs).toHaveLength(1);
    expect(j.runs[0]).toEqual({ attempt: 0, created: [true, true], payload: { month: '2031-03' } });
    const run = await JobRunModel.findOne({ job: 'notice', runKey: 'r1' }).lean();
    expect(run).toMatchObject({ status: 'done', attempt: 0, sent: 2, catchUp: false, rooms: ['HPL'], payload: { month: '2031-03' }, lastError: null });
    expect(run!.finishedAt).toEqual(sh('2031-03-04T10:00'));
    expect(run!.leaseUntil).toEqual(sh('2031-03-04T10:00')); // done: no lease left
    expect(['a', 'b', 'c', 'd']).toContain(run!.owner);
    expect(logged().filter((l) => l.msg === 'job run claimed')).toEqual([expect.objectContaining({ job: 'notice', runKey: 'r1', owner: run!.owner })]);
    expect(logged().find((l) => l.msg === 'job run finished')).toMatchObject({ job: 'notice', runKey: 'r1', sent: 2, owner: run!.owner });
  });

  it('a slot run more than two minutes late is marked as caught up', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:02'));
    await claimAndRun(job('j').def, slot(sh('2031-03-04T10:00'), 'on-time'), env, 'a');
    clock.advance(1);
    await claimAndRun(job('j').def, slot(sh('2031-03-04T10:00'), 'late'), env, 'a');
    expect((await JobRunModel.findOne({ runKey: 'on-time' }).lean())!.catchUp).toBe(false);
    expect((await JobRunModel.findOne({ runKey: 'late' }).lean())!.catchUp).toBe(true);
  });

  it('a slot older than the catch-up window (or the job’s own limit) is not run at all', async () => {
    const { env } = setup(sh('2031-03-04T16:00'));
    const j = job('j');
    expect(await claimAndRun(j.def, slot(sh('2031-03-04T10:00'), 'exactly-6h'), env, 'a')).toBe('ran');
    expect(await claimAndRun(j.def, slot(sh('2031-03-04T09:59'), 'over-6h'), env, 'a')).toBe('too_late');
    const reminder = job('reminder', { maxLatenessMs: 30 * MIN });
    expect(await claimAndRun(reminder.def, slot(sh('2031-03-04T15:30'), 'r30'), env, 'a')).toBe('ran');
    expect(await claimAndRun(reminder.def, slot(sh('2031-03-04T15:29'), 'r31'), env, 'a')).toBe('too_late');
    expect(j.runs).toHaveLength(1);
    expect(reminder.runs).toHaveLength(1);
    expect(await JobRunModel.countDocuments({ runKey: { $in: ['over-6h', 'r31'] } })).toBe(0);
  });

  it('maxLateness is the smaller of the window and the job’s own limit', () => {
    const env = { catchUpMs: 6 * 3600_000 } as JobEnv;
    expect(maxLateness(job('x').def, env)).toBe(6 * 3600_000);
    expect(maxLateness(job('x', { maxLatenessMs: MIN }).def, env)).toBe(MIN);
    expect(maxLateness(job('x', { maxLatenessMs: 7 * 3600_000 }).def, env)).toBe(6 * 3600_000);
  });
});

describe('what a run delivers', () => {
  it('each recipient once, under the job’s outbox key, recorded for the officers’ page', async () => {
    const { env } = setup(sh('2031-03-04T10:00'));
    await claimAndRun(job('talk-day', { recipients: [delivery('g1'), delivery('g1'), delivery('p1', { audience: 'resident', to: person('p1'), label: null, room: null })] }).def, slot(sh('2031-03-04T10:00')), env, 'a');
    const key = outboxKey('talk-day', 'r1', 'g1');
    expect(key).toBe('job:talk-day:r1:g1');
    const messages = await OutboxModel.find({}).sort({ key: 1 }).lean();
    expect(messages.map((m) => m.key)).toEqual(['job:talk-day:r1:g1', 'job:talk-day:r1:p1']);
    expect(messages[0]).toMatchObject({ conversationId: 'g1', isGroup: true, text: '通知 g1', purpose: 'notice', urgent: false, source: 'job:talk-day:r1' });
    const records = await JobDeliveryModel.find({}).sort({ key: 1 }).lean();
    expect(records.map((r) => [r.key, r.job, r.runKey, r.room, r.recipient, r.audience, r.label])).toEqual([
      ['job:talk-day:r1:g1', 'talk-day', 'r1', 'HPL', 'g1', 'group', '和平里'],
      ['job:talk-day:r1:p1', 'talk-day', 'r1', null, 'p1', 'resident', null],
    ]);
    expect(records[0].at).toEqual(sh('2031-03-04T10:00'));
    expect((await JobRunModel.findOne({}).lean())!.sent).toBe(2);
  });

  it('an event key replaces the run key, so a later run cannot send the same event again', async () => {
    const { env } = setup(sh('2031-03-04T10:00'));
    const j = job('sla', { recipients: [delivery('o1', { eventKey: 'item-42' })] });
    await claimAndRun(j.def, slot(sh('2031-03-04T10:00'), 'tick-1'), env, 'a');
    await claimAndRun(j.def, slot(sh('2031-03-04T10:00'), 'tick-2'), env, 'a');
    expect(j.runs.map((r) => r.created)).toEqual([[true], [false]]);
    expect((await OutboxModel.find({}).lean()).map((m) => m.key)).toEqual(['job:sla:item-42:o1']);
  });

  it('group notices wait for the end of quiet hours; urgent ones and private messages go at once', async () => {
    const { env } = setup(sh('2031-03-04T23:00'));
    await claimAndRun(job('night', { recipients: [delivery('g1'), delivery('g2', { urgent: true }), delivery('p1', { to: person('p1') })] }).def, slot(sh('2031-03-04T23:00')), env, 'a');
    const byKey = new Map((await OutboxModel.find({}).lean()).map((m) => [m.conversationId, m]));
    expect(byKey.get('g1')!.nextAttemptAt).toEqual(sh('2031-03-05T07:00'));
    expect(byKey.get('g2')!.nextAttemptAt).toEqual(sh('2031-03-04T23:00'));
    expect(byKey.get('g2')!.urgent).toBe(true);
    expect(byKey.get('p1')!.nextAttemptAt).toEqual(sh('2031-03-04T23:00'));
  });
});

describe('a run that fails or whose instance died', () => {
  it('a failure keeps the reason, gives up the lease at once, and the next instance resumes it without repeating deliveries', async () => {
    const { clock, env, logged } = setup(sh('2031-03-04T10:00'));
    let failing = true;
    const j = job('notice', { fail: () => (failing ? new Error('群发接口不可用') : undefined) });
    expect(await claimAndRun(j.def, slot(sh('2031-03-04T10:00')), env, 'a')).toBe('ran');
    let run = await JobRunModel.findOne({}).lean();
    expect(run).toMatchObject({ status: 'running', lastError: '群发接口不可用', attempt: 0 });
    expect(run!.leaseUntil).toEqual(sh('2031-03-04T10:00'));
    expect(logged().find((l) => l.msg.startsWith('job run failed;'))).toMatchObject({ job: 'notice', runKey: 'r1', attempt: 0 });
    failing = false;
    clock.advance(1);
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(1);
    expect(j.runs.map((r) => [r.attempt, r.created])).toEqual([[0, [true, true]], [1, [false, false]]]);
    run = await JobRunModel.findOne({}).lean();
    expect(run).toMatchObject({ status: 'done', attempt: 1, owner: 'b', sent: 2, lastError: null });
    expect(await JobRunTakeoverModel.countDocuments({ job: 'notice', runKey: 'r1', attempt: 1, owner: 'b' })).toBe(1);
    expect(logged().find((l) => l.msg === 'job run resumed after its lease ran out')).toMatchObject({ attempt: 1, previousOwner: 'a', owner: 'b' });
    expect(await OutboxModel.countDocuments()).toBe(2);
  });

  it('keeps a long or non-Error failure readable', async () => {
    const { env } = setup(sh('2031-03-04T10:00'));
    await claimAndRun(job('a', { fail: () => 'x'.repeat(800) }).def, slot(sh('2031-03-04T10:00')), env, 'a');
    expect((await JobRunModel.findOne({ job: 'a' }).lean())!.lastError).toBe('x'.repeat(500));
  });

  it('a run is left alone while its lease holds (to the millisecond), then resumed by exactly one of many instances', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:00'));
    const j = job('notice');
    await JobRunModel.create({ job: 'notice', runKey: 'r1', slotAt: sh('2031-03-04T10:00'), status: 'running', owner: 'dead', attempt: 0, leaseUntil: sh('2031-03-04T10:05'), startedAt: sh('2031-03-04T10:00'), payload: { month: '2031-03' } });
    clock.set(sh('2031-03-04T10:05'));
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(0);
    clock.advance(1);
    const resumed = await Promise.all(['b', 'c', 'd'].map((o) => resumeExpiredRuns([j.def], env, o)));
    expect(resumed.sort()).toEqual([0, 0, 1]);
    expect(j.runs).toHaveLength(1);
    expect(j.runs[0]).toMatchObject({ attempt: 1, payload: { month: '2031-03' } });
  });

  it('a resumed run that is alive (its takeover lease holds) is not taken over again', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:00'));
    const hang: { release?: () => void } = {};
    const j = job('notice', { during: () => new Promise<void>((r) => { hang.release = r; }) });
    await JobRunModel.create({ job: 'notice', runKey: 'r1', slotAt: sh('2031-03-04T10:00'), status: 'running', owner: 'dead', attempt: 0, leaseUntil: sh('2031-03-04T10:05'), startedAt: sh('2031-03-04T10:00') });
    clock.set(sh('2031-03-04T10:06'));
    const first = resumeExpiredRuns([j.def], env, 'b'); // hangs inside the job
    // Bounded: a broken resume that never starts the job fails here instead of hanging the test.
    for (let i = 0; i < 250 && !hang.release; i++) await new Promise((r) => setTimeout(r, 20));
    expect(hang.release).toBeDefined();
    // The run's own lease mirror may still be stale; the takeover's lease (10:11) decides.
    await JobRunModel.updateOne({ runKey: 'r1' }, { $set: { leaseUntil: sh('2031-03-04T10:05') } });
    clock.set(sh('2031-03-04T10:10'));
    expect(await resumeExpiredRuns([j.def], env, 'c')).toBe(0);
    hang.release!();
    expect(await first).toBe(1);
    expect(j.runs).toHaveLength(1);
  });

  it('only runs of the given jobs, still running, are resumed', async () => {
    const { env } = setup(sh('2031-03-04T11:00'));
    const j = job('notice');
    const base = { slotAt: sh('2031-03-04T10:00'), owner: 'dead', attempt: 0, leaseUntil: sh('2031-03-04T10:05'), startedAt: sh('2031-03-04T10:00') };
    await JobRunModel.create([
      { ...base, job: 'notice', runKey: 'done', status: 'done' },
      { ...base, job: 'other', runKey: 'x', status: 'running' },
    ]);
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(0);
    expect(j.runs).toHaveLength(0);
  });

  it(`a run that failed ${MAX_ATTEMPTS} times is failed for good`, async () => {
    const { clock, env, logged } = setup(sh('2031-03-04T10:00'));
    const j = job('notice', { fail: () => new Error('总是失败') });
    await claimAndRun(j.def, slot(sh('2031-03-04T10:00')), env, 'a');
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      clock.advance(MIN);
      await resumeExpiredRuns([j.def], env, `i${i}`);
    }
    expect(j.runs.map((r) => r.attempt)).toEqual([0, 1, 2, 3, 4]);
    const run = await JobRunModel.findOne({}).lean();
    expect(run).toMatchObject({ status: 'failed', lastError: '总是失败' });
    expect(run!.finishedAt).toEqual(sh('2031-03-04T10:05')); // the fifth attempt's lease ran out
    expect(logged().filter((l) => l.msg === 'job run failed for good')).toEqual([expect.objectContaining({ job: 'notice', runKey: 'r1', attempts: MAX_ATTEMPTS })]);
  });

  it('a run that cannot finish inside the catch-up window is expired, its reason kept or given', async () => {
    const { env, logged } = setup(sh('2031-03-04T16:01'));
    const j = job('notice');
    const base = { job: 'notice', slotAt: sh('2031-03-04T10:00'), status: 'running' as const, owner: 'dead', attempt: 0, leaseUntil: sh('2031-03-04T10:05'), startedAt: sh('2031-03-04T10:00') };
    await JobRunModel.create([{ ...base, runKey: 'r1' }, { ...base, runKey: 'r2', lastError: '群发接口不可用' }]);
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(0);
    expect(j.runs).toHaveLength(0);
    const runs = await JobRunModel.find({}).sort({ runKey: 1 }).lean();
    expect(runs.map((r) => [r.status, r.lastError])).toEqual([['expired', '超出补发时限，未继续发送'], ['expired', '群发接口不可用']]);
    expect(runs[0].finishedAt).toEqual(sh('2031-03-04T16:01'));
    expect(logged().filter((l) => l.msg === 'job run abandoned: outside the catch-up window').map((l) => `${l.job}:${l.runKey}`).sort()).toEqual(['notice:r1', 'notice:r2']);
  });
});

describe('a long run keeps its lease', () => {
  it('renews the lease as it goes (at most every third of the lease), so no other instance takes it over', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:00'));
    const leases: Date[] = [];
    const j = job('long', {
      recipients: [],
      during: async (ctx) => {
        clock.advance(MIN); // less than a third of 5 minutes: no renewal yet
        await ctx.heartbeat();
        leases.push((await JobRunModel.findOne({}).lean())!.leaseUntil);
        clock.advance(MIN); // 2 minutes since the claim: renewed
        await ctx.heartbeat();
        leases.push((await JobRunModel.findOne({}).lean())!.leaseUntil);
        clock.advance(6 * MIN); // past the first lease, but renewed: nobody resumes it
        await ctx.deliver(delivery('g1'));
        leases.push((await JobRunModel.findOne({}).lean())!.leaseUntil);
        expect(await resumeExpiredRuns([j.def], env, 'other')).toBe(0);
        throw new Error('stop here');
      },
    });
    await claimAndRun(j.def, slot(sh('2031-03-04T10:00')), env, 'a');
    expect(leases).toEqual([sh('2031-03-04T10:05'), sh('2031-03-04T10:07'), sh('2031-03-04T10:13')]);
    expect(j.runs).toHaveLength(1);
  });

  it('a resumed run renews its takeover’s lease too', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:10'));
    await JobRunModel.create({ job: 'long', runKey: 'r1', slotAt: sh('2031-03-04T10:00'), status: 'running', owner: 'dead', attempt: 0, leaseUntil: sh('2031-03-04T10:05'), startedAt: sh('2031-03-04T10:00') });
    const j = job('long', {
      recipients: [],
      during: async (ctx) => {
        clock.advance(2 * MIN);
        await ctx.heartbeat();
      },
    });
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(1);
    const takeover = await JobRunTakeoverModel.findOne({ runKey: 'r1' }).lean();
    expect(takeover).toMatchObject({ attempt: 1, owner: 'b', at: sh('2031-03-04T10:10') });
    expect(takeover!.leaseUntil).toEqual(sh('2031-03-04T10:17'));
  });
});

describe('runs side by side', () => {
  const base = { slotAt: sh('2031-03-04T10:00'), status: 'running' as const, owner: 'dead', attempt: 0, leaseUntil: sh('2031-03-04T10:05'), startedAt: sh('2031-03-04T10:00') };

  it('finishing, failing and renewing a run never touch another run', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:00'));
    // A finished run of another job, stored first: a write meant for some other run must not land on it.
    await JobRunModel.create({ ...base, job: 'earlier', runKey: 'e1', status: 'done', leaseUntil: sh('2031-03-04T09:00'), lastError: null, sent: 7 });
    const two = job('notice', { recipients: [delivery('g1'), delivery('g2')] });
    const one = job('notice', {
      recipients: [delivery('g3')],
      during: async (ctx) => {
        clock.advance(2 * MIN);
        await ctx.heartbeat();
      },
      fail: () => new Error('群发接口不可用'),
    });
    await claimAndRun(one.def, slot(sh('2031-03-04T10:00'), 'r-one'), env, 'a');
    await claimAndRun(two.def, slot(sh('2031-03-04T10:00'), 'r-two'), env, 'a'); // counts its own 2 deliveries, not r-one's
    const runs = new Map((await JobRunModel.find({}).lean()).map((r) => [r.runKey, r]));
    expect(runs.get('r-two')).toMatchObject({ status: 'done', sent: 2, lastError: null });
    expect(runs.get('r-one')).toMatchObject({ status: 'running', lastError: '群发接口不可用' });
    expect(runs.get('r-one')!.leaseUntil).toEqual(sh('2031-03-04T10:02')); // given up at once after the failure
    expect(runs.get('e1')).toMatchObject({ status: 'done', sent: 7, lastError: null, attempt: 0, owner: 'dead' });
    expect(runs.get('e1')!.leaseUntil).toEqual(sh('2031-03-04T09:00'));
  });

  it('resuming, failing for good and expiring act on their own run; one run’s live takeover does not shield another', async () => {
    const { env } = setup(sh('2031-03-04T10:30'));
    await JobRunModel.create([
      { ...base, job: 'earlier', runKey: 'e1', status: 'done', leaseUntil: sh('2031-03-04T09:00') },
      { ...base, job: 'notice', runKey: 'alive', attempt: 3 },
      { ...base, job: 'notice', runKey: 'worn-out', attempt: MAX_ATTEMPTS - 1 },
      { ...base, job: 'notice', runKey: 'dead' },
    ]);
    // 'alive' was taken over (attempt 3) and that holder's lease still runs; its run's own mirror is stale.
    await JobRunTakeoverModel.create({ job: 'notice', runKey: 'alive', attempt: 3, owner: 'x', leaseUntil: sh('2031-03-04T10:40'), at: sh('2031-03-04T10:20') });
    await JobRunTakeoverModel.create({ job: 'notice', runKey: 'worn-out', attempt: MAX_ATTEMPTS - 1, owner: 'y', leaseUntil: sh('2031-03-04T10:06'), at: sh('2031-03-04T10:01') });
    const j = job('notice');
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(1);
    const runs = new Map((await JobRunModel.find({}).lean()).map((r) => [r.runKey, r]));
    expect(runs.get('dead')).toMatchObject({ status: 'done', attempt: 1, owner: 'b' });
    expect(runs.get('alive')).toMatchObject({ status: 'running', attempt: 3, owner: 'dead' });
    expect(runs.get('worn-out')).toMatchObject({ status: 'failed', attempt: MAX_ATTEMPTS - 1 });
    expect(runs.get('e1')).toMatchObject({ status: 'done', attempt: 0, owner: 'dead' });
    expect(runs.get('e1')!.finishedAt ?? null).toBeNull();
  });

  it('a takeover whose lease ends exactly now still holds; a run exactly at the catch-up limit is still resumed', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:11'));
    await JobRunModel.create({ ...base, job: 'notice', runKey: 'r1', attempt: 1 });
    await JobRunTakeoverModel.create({ job: 'notice', runKey: 'r1', attempt: 1, owner: 'x', leaseUntil: sh('2031-03-04T10:11'), at: sh('2031-03-04T10:06') });
    const j = job('notice');
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(0);
    clock.set(sh('2031-03-04T16:00')); // exactly the 6-hour window after the 10:00 slot
    expect(await resumeExpiredRuns([j.def], env, 'b')).toBe(1);
    expect((await JobRunModel.findOne({ runKey: 'r1' }).lean())!.status).toBe('done');
  });

  it('the lease is renewed once exactly a third of it has passed', async () => {
    const { clock, env } = setup(sh('2031-03-04T10:00'));
    let lease: Date | undefined;
    const j = job('long', {
      recipients: [],
      during: async (ctx) => {
        clock.advance(LEASE / 3);
        await ctx.heartbeat();
        lease = (await JobRunModel.findOne({ runKey: 'r1' }).lean())!.leaseUntil;
      },
    });
    await claimAndRun(j.def, slot(sh('2031-03-04T10:00')), env, 'a');
    expect(lease).toEqual(new Date(sh('2031-03-04T10:05').getTime() + LEASE / 3));
  });

  it('a slot without rooms is stored with none; a delivery keeps its template values and item; the source label is cut to fit', async () => {
    const { env } = setup(sh('2031-03-04T10:00'));
    const item = '65f000000000000000000001';
    const longKey = `k${'x'.repeat(150)}`;
    await claimAndRun(job('sms', { recipients: [delivery('p1', { to: person('p1'), params: { date: '3月4日' }, item })] }).def, { runKey: longKey, at: sh('2031-03-04T10:00') }, env, 'a');
    expect((await JobRunModel.findOne({}).lean())!.rooms).toEqual([]);
    const message = (await OutboxModel.findOne({}).lean())!;
    expect(message.params).toEqual({ date: '3月4日' });
    expect(String(message.item)).toBe(item);
    expect(message.source).toBe(`job:sms:${longKey}`.slice(0, 120));
  });
});
