import mongoose from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { capturingLogger } from '../security/helpers';
import { seedAll } from '../../src/modules/seed/seed.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { TalkDaySettingsModel } from '../../src/modules/talk-day/talk-day.model';
import { BroadcastModel } from '../../src/modules/broadcasts/broadcast.model';
import { JobDeliveryModel, JobRunModel, JobRunTakeoverModel, SchedulerStateModel } from '../../src/modules/notices/job-run.model';
import { resetCalendarSeedMemo } from '../../src/modules/appointments/schedule.service';
import { createScheduler } from '../../src/jobs';
import type { JobDefinition } from '../../src/modules/notices';
import { testConfig, testLogger } from '../helpers/app';
import { FakeClock, bindGroup, countingScheduler, makeScheduler, sh, type Executions } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());

const RUN = 'talkday:HPL:2026-04:before';
const BEFORE_KEY = (group: string) => `job:talk-day:${RUN}:${group}`;

async function setup() {
  await db.clear();
  resetCalendarSeedMemo();
  await seedAll({ demo: true });
  await bindGroup('g-hpl-1', 'HPL', '和平里1号楼居民群');
  await bindGroup('g-hpl-2', 'HPL', '和平里2号楼居民群');
  await bindGroup('g-hpl-3', 'HPL', '和平里3号楼居民群');
  // 18 April 2026 is a Saturday → held Monday the 20th; preview on Friday the 17th at 10:00.
  await TalkDaySettingsModel.create({ room: 'HPL', enabled: true, place: '社区服务中心', startTime: '09:00', topic: '防诈骗', rule: 'next_working_day', daysBefore: 3, createdAt: sh('2026-03-01T09:00'), updatedAt: sh('2026-03-01T09:00') });
}

const talkDayBefore = () => OutboxModel.find({ key: { $regex: `^job:talk-day:${RUN}:` } }).lean();

describe('catch-up after downtime', () => {
  beforeEach(setup);

  it('runs a slot missed while down once, when back inside the window (2 h late)', async () => {
    const clock = new FakeClock(sh('2026-04-17T09:00'));
    await makeScheduler(clock, 'before-outage').tick(); // last seen alive at 09:00
    clock.set(sh('2026-04-17T12:00'));
    const a = makeScheduler(clock, 'after-a');
    const b = makeScheduler(clock, 'after-b');
    await Promise.all([a.tick(), b.tick()]);
    clock.advance(60_000);
    await Promise.all([a.tick(), b.tick()]);
    const sent = await talkDayBefore();
    expect(sent.map((m) => m.conversationId).sort()).toEqual(['g-hpl-1', 'g-hpl-2', 'g-hpl-3']);
    const run = await JobRunModel.findOne({ job: 'talk-day', runKey: RUN }).lean();
    expect(run).toMatchObject({ status: 'done', catchUp: true, sent: 3 });
  });

  it('does not run it when back outside the window (7 h late, window 6 h), nor later', async () => {
    const clock = new FakeClock(sh('2026-04-17T09:00'));
    await makeScheduler(clock, 'before-outage').tick();
    clock.set(sh('2026-04-17T17:00'));
    const s = makeScheduler(clock, 'after');
    await s.tick();
    clock.advance(3 * 3600_000);
    await s.tick();
    expect(await talkDayBefore()).toHaveLength(0);
    expect(await JobRunModel.countDocuments({ runKey: RUN })).toBe(0);
  });

  it('honours JOB_CATCHUP_HOURS', async () => {
    const clock = new FakeClock(sh('2026-04-17T09:00'));
    await makeScheduler(clock, 'x', { JOB_CATCHUP_HOURS: '1' }).tick();
    clock.set(sh('2026-04-17T11:30'));
    await makeScheduler(clock, 'y', { JOB_CATCHUP_HOURS: '1' }).tick();
    expect(await talkDayBefore()).toHaveLength(0);
  });

  it('a fresh installation does not replay the past', async () => {
    const clock = new FakeClock(sh('2026-04-17T12:00'));
    expect(await SchedulerStateModel.countDocuments({})).toBe(0);
    await makeScheduler(clock, 'new').tick();
    expect(await talkDayBefore()).toHaveLength(0);
  });
});

describe('exactly once under concurrency', () => {
  beforeEach(setup);

  it('four instances ticking at the same moment run the slot once', async () => {
    const clock = new FakeClock(sh('2026-04-17T09:59'));
    // Count executions, not rows: the job-run and outbox rows sit on unique keys, so four instances
    // that all ran the job would leave the same rows. Each instance's jobs record every run and
    // every delivery attempt they make.
    const log: Executions = { runs: [], deliveries: [] };
    const instances = ['a', 'b', 'c', 'd'].map((id) => countingScheduler(clock, id, log));
    await Promise.all(instances.map((s) => s.tick()));
    clock.set(sh('2026-04-17T10:00'));
    await Promise.all(instances.map((s) => s.tick()));
    await Promise.all(instances.map((s) => s.tick()));
    expect(await talkDayBefore()).toHaveLength(3);
    expect(await JobRunModel.countDocuments({ runKey: RUN })).toBe(1);
    const talkDayRuns = log.runs.filter((r) => r.endsWith(` talk-day ${RUN}`));
    expect(talkDayRuns).toHaveLength(1);
    const runner = talkDayRuns[0].split(' ')[0];
    const deliveries = log.deliveries.filter((d) => d.includes(` talk-day ${RUN} `));
    expect(deliveries).toHaveLength(3);
    expect(deliveries.every((d) => d.startsWith(`${runner} `))).toBe(true);
  });
});

describe('a run whose instance died mid-way', () => {
  beforeEach(setup);

  it('is left alone while its lease holds, then resumed once without repeating what was sent', async () => {
    const clock = new FakeClock(sh('2026-04-17T09:59'));
    const a = makeScheduler(clock, 'a');
    const b = makeScheduler(clock, 'b');
    await Promise.all([a.tick(), b.tick()]);
    // Instance "dead" claimed the 10:00 run, delivered to g-hpl-1 only, then vanished (lease 5 min).
    await JobRunModel.create({ job: 'talk-day', runKey: RUN, slotAt: sh('2026-04-17T10:00'), rooms: ['HPL'], payload: { room: 'HPL', month: '2026-04', phase: 'before' }, status: 'running', owner: 'dead', attempt: 0, leaseUntil: sh('2026-04-17T10:05'), startedAt: sh('2026-04-17T10:00') });
    await JobDeliveryModel.create({ key: BEFORE_KEY('g-hpl-1'), job: 'talk-day', runKey: RUN, room: 'HPL', recipient: 'g-hpl-1', audience: 'group', label: null, at: sh('2026-04-17T10:00') });
    await enqueueMessage({ key: BEFORE_KEY('g-hpl-1'), to: { channel: 'wechat', conversationId: 'g-hpl-1', isGroup: true }, text: '（已发送的原文）', purpose: 'notice' });

    clock.set(sh('2026-04-17T10:01'));
    await Promise.all([a.tick(), b.tick()]);
    clock.set(sh('2026-04-17T10:04'));
    await Promise.all([a.tick(), b.tick()]);
    expect((await talkDayBefore()).map((m) => m.conversationId)).toEqual(['g-hpl-1']); // lease still held

    clock.set(sh('2026-04-17T10:06'));
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    const sent = await talkDayBefore();
    expect(sent.map((m) => m.conversationId).sort()).toEqual(['g-hpl-1', 'g-hpl-2', 'g-hpl-3']);
    expect(sent.find((m) => m.conversationId === 'g-hpl-1')!.text).toBe('（已发送的原文）');
    expect(await JobRunTakeoverModel.countDocuments({ runKey: RUN })).toBe(1);
    const run = await JobRunModel.findOne({ runKey: RUN }).lean();
    expect(run).toMatchObject({ status: 'done', attempt: 1, sent: 3 });
    expect(['a', 'b']).toContain(run!.owner);
  });

  it('a run that throws is retried by the next tick (its lease expires at once) and completes without duplicates', async () => {
    const clock = new FakeClock(sh('2026-04-12T09:59'));
    let attempts = 0;
    // A job that fails half-way through its first attempt (after one recipient), as on a database blip.
    const flaky: JobDefinition = {
      name: 'flaky',
      label: 'test',
      async slotsBetween(from, to) {
        const at = sh('2026-04-12T10:00');
        return at > from && at <= to ? [{ runKey: 'flaky-1', at }] : [];
      },
      async upcoming() {
        return [];
      },
      async run(ctx) {
        attempts++;
        for (const r of ['p1', 'p2']) {
          await ctx.deliver({ recipient: r, room: 'HPL', audience: 'resident', label: r, to: { channel: 'web', conversationId: r, isGroup: false }, text: `第${attempts}次`, purpose: 'reminder' });
          if (attempts === 1) throw new Error('connection reset');
        }
      },
    };
    const s = createScheduler({ jobs: [flaky], config: testConfig(), logger: testLogger(), now: clock.now, instanceId: 'a' });
    await s.tick();
    clock.set(sh('2026-04-12T10:00'));
    await s.tick();
    expect(await JobRunModel.findOne({ runKey: 'flaky-1' }).lean()).toMatchObject({ status: 'running', lastError: 'connection reset' });
    clock.advance(60_000);
    await s.tick();
    expect(await JobRunModel.findOne({ runKey: 'flaky-1' }).lean()).toMatchObject({ status: 'done', attempt: 1, sent: 2 });
    const msgs = await OutboxModel.find({ key: { $regex: '^job:flaky:flaky-1:' } }).sort({ conversationId: 1 }).lean();
    expect(msgs.map((m) => [m.conversationId, m.text])).toEqual([['p1', '第1次'], ['p2', '第2次']]);
  });
});

describe('quiet hours', () => {
  beforeEach(setup);

  it('holds a non-urgent group broadcast until 08:00 and lets an urgent one go at once', async () => {
    const clock = new FakeClock(sh('2026-04-12T22:00'));
    const s = makeScheduler(clock, 'a');
    await s.tick();
    const calm = await BroadcastModel.create({ room: 'HPL', kind: 'prevention_tip', title: '提示', body: '正文', text: '【防范提示】提示', targets: [{ conversationId: 'g-hpl-1', room: 'HPL' }], sendAt: sh('2026-04-12T22:01') });
    const urgent = await BroadcastModel.create({ room: 'HPL', kind: 'police_notice', title: '通报', body: '正文', text: '【警情通报】通报', urgent: true, targets: [{ conversationId: 'g-hpl-1', room: 'HPL' }], sendAt: sh('2026-04-12T22:01') });
    clock.set(sh('2026-04-12T22:02'));
    await s.tick();
    const byKey = async (id: unknown) => (await OutboxModel.findOne({ key: `job:broadcast:broadcast:${String(id)}:g-hpl-1` }).lean())!;
    expect((await byKey(calm._id)).nextAttemptAt).toEqual(sh('2026-04-13T08:00'));
    expect((await byKey(urgent._id)).nextAttemptAt).toEqual(sh('2026-04-12T22:02'));
    expect((await byKey(urgent._id)).urgent).toBe(true);
  });
});

describe('a failing job', () => {
  beforeEach(setup);

  it("is a warning when the database is away (the next tick looks again) and an error when the job itself broke", async () => {
    const { logger, logs } = capturingLogger('info');
    let failure: Error = new mongoose.mongo.MongoNotConnectedError('Client must be connected before running operations');
    const looked: string[] = [];
    const flaky: JobDefinition = {
      name: 'flaky',
      label: '测试任务',
      async slotsBetween(from, to) {
        looked.push(`${from.toISOString()}..${to.toISOString()}`);
        throw failure;
      },
      upcoming: async () => [],
      run: async () => undefined,
    };
    const clock = new FakeClock(sh('2026-04-17T09:00'));
    const s = createScheduler({ jobs: [flaky], config: testConfig(), logger, now: clock.now, instanceId: 'flaky' });

    expect((await s.tick()).errors).toBe(1);
    const away = logs.lines().filter((l) => l.job === 'flaky');
    expect(away.map((l) => l.level)).toEqual([40]);
    expect(away[0]).toMatchObject({ databaseAway: true, msg: expect.stringContaining('the database is away') });

    failure = new Error('slot arithmetic broke');
    clock.advance(60_000);
    logs.clear();
    expect((await s.tick()).errors).toBe(1);
    expect(logs.lines().filter((l) => l.job === 'flaky').map((l) => [l.level, l.msg])).toEqual([[50, 'scheduler tick failed for a job']]);
    expect(looked).toHaveLength(2); // the job was asked again at the next tick
  });
});
