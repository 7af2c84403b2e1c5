import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { OfficerModel } from '../../src/modules/officers/officer.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { TalkDaySettingsModel } from '../../src/modules/talk-day/talk-day.model';
import { MobileVisitModel } from '../../src/modules/mobile-visits/mobile-visit.model';
import { BroadcastModel } from '../../src/modules/broadcasts/broadcast.model';
import { createItem } from '../../src/modules/items/item.service';
import { ItemModel } from '../../src/modules/items/item.model';
import { JobRunModel } from '../../src/modules/notices/job-run.model';
import { OfficerNotificationModel } from '../../src/modules/notices/notification.model';
import { FakeClock, bindGroup, countingScheduler, createAppointment, sh, type Executions } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

function countBy<T>(rows: T[], key: (r: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

describe('two scheduler instances over a simulated month (April 2026)', () => {
  const clock = new FakeClock(sh('2026-04-01T00:00'));
  const executions: Executions = { runs: [], deliveries: [] };
  const a = countingScheduler(clock, 'instance-a', executions);
  const b = countingScheduler(clock, 'instance-b', executions);
  const apptCodes: Record<string, string> = {};
  let overdueItem = '';
  let resolvedItem = '';

  beforeAll(async () => {
    await bindGroup('g-hpl-1', 'HPL', '和平里1号楼居民群');
    await bindGroup('g-hpl-2', 'HPL', '和平里2号楼居民群');
    await bindGroup('g-lsc-1', 'LSC', '柳树村村民群');
    await OfficerModel.updateOne({ username: 'zhangwei' }, { $set: { wechatIds: ['wx-zhangwei'] } });
    await OfficerModel.updateOne({ username: 'chenjie' }, { $set: { wechatIds: ['wx-chenjie'] } });
    // HPL holds its talk day and moves it off weekends: 18 April 2026 is a Saturday → Monday the 20th.
    await TalkDaySettingsModel.create({ room: 'HPL', enabled: true, place: '和平里社区服务中心二楼', startTime: '09:00', endTime: '11:30', topic: '防范电信网络诈骗', rule: 'next_working_day', daysBefore: 3, createdAt: sh('2026-03-01T09:00'), updatedAt: sh('2026-03-01T09:00') });
    apptCodes.morning = await createAppointment({ room: 'HPL', start: sh('2026-04-08T09:00'), conversationId: 'wx-resident-1' });
    apptCodes.afternoon = await createAppointment({ room: 'LSC', start: sh('2026-04-15T15:30'), conversationId: 'wx-resident-2' });
    apptCodes.counter = await createAppointment({ room: 'HPL', start: sh('2026-04-09T10:00'), conversationId: null });
    apptCodes.cancelled = await createAppointment({ room: 'HPL', start: sh('2026-04-10T10:00'), conversationId: 'wx-resident-3', status: 'cancelled' });
    await MobileVisitModel.create({ room: 'LD01', place: '和平广场东门', start: sh('2026-04-23T09:00'), end: sh('2026-04-23T16:00'), targetRooms: ['HPL'], targetGroups: ['g-lsc-1'], createdAt: sh('2026-03-30T10:00') });
    await BroadcastModel.create({ room: 'HPL', kind: 'prevention_tip', title: '谨防冒充客服诈骗', body: '正文', text: '【防范提示】谨防冒充客服诈骗', targets: [{ conversationId: 'g-hpl-1', room: 'HPL' }], sendAt: sh('2026-04-12T22:15') });
    const item = await createItem({ room: 'HPL', kind: 'dispute', text: '楼上天天半夜剁东西', now: sh('2026-04-05T10:00') });
    overdueItem = String(item._id);
    const done = await createItem({ room: 'HPL', kind: 'question', text: '身份证怎么换', now: sh('2026-04-05T10:00') });
    resolvedItem = String(done._id);
  });

  it("enqueues every announcement, reminder and escalation exactly once", async () => {
    const end = sh('2026-04-30T23:59');
    let step = 0;
    const started = Date.now();
    while (clock.now() < end) {
      // Irregular steps (cron may fire late or not at all); the instances tick concurrently or one after the other.
      clock.advance((step % 3 === 0 ? 23 : step % 3 === 1 ? 41 : 57) * 60_000);
      if (step === 10) await ItemModel.updateOne({ _id: resolvedItem }, { $set: { status: 'resolved', resolvedAt: clock.now() } });
      if (step % 2 === 0) await Promise.all([a.tick(), b.tick()]);
      else {
        await b.tick();
        await a.tick();
      }
      step++;
    }
    const elapsed = Date.now() - started;
    console.log(`simulated April 2026 in ${elapsed} ms (${step} steps × 2 instances)`);

    const all = await OutboxModel.find({}).lean();
    // Talk day: a preview 3 days before the moved date and one on the morning, to each HPL group; none to LSC.
    const talk = all.filter((m) => m.key.startsWith('job:talk-day:'));
    expect(countBy(talk, (m) => m.conversationId)).toEqual(new Map([['g-hpl-1', 2], ['g-hpl-2', 2]]));
    const before = talk.find((m) => m.key.endsWith('talkday:HPL:2026-04:before:g-hpl-1'))!;
    expect(before.text).toContain('4月20日');
    expect(before.text).toContain('因18日为周六，本月活动顺延至4月20日（周一）举行。');
    // Enqueued by the first tick after the slot (ticks here are up to 57 minutes apart).
    const soonAfter = (d: Date, slot: string) => d >= sh(slot) && d.getTime() - sh(slot).getTime() < 60 * 60_000;
    expect(soonAfter(before.nextAttemptAt, '2026-04-17T10:00')).toBe(true);
    expect(soonAfter(talk.find((m) => m.key.endsWith('talkday:HPL:2026-04:day:g-hpl-1'))!.nextAttemptAt, '2026-04-20T08:00')).toBe(true);

    // Mobile visit: the day before, to HPL's groups and the LSC group named directly — once each.
    const visit = all.filter((m) => m.key.startsWith('job:mobile-visit:'));
    expect(countBy(visit, (m) => m.conversationId)).toEqual(new Map([['g-hpl-1', 1], ['g-hpl-2', 1], ['g-lsc-1', 1]]));
    expect(visit[0].text).toContain('和平广场东门');

    // Reminders: evening before + one hour before, only for bookings with a channel and still booked.
    const reminders = all.filter((m) => m.purpose === 'reminder');
    expect(countBy(reminders, (m) => `${m.conversationId}:${m.key.split(':')[1]}`)).toEqual(
      new Map([
        ['wx-resident-1:appointment-reminder-evening', 1],
        ['wx-resident-1:appointment-reminder-hour', 1],
        ['wx-resident-2:appointment-reminder-evening', 1],
        ['wx-resident-2:appointment-reminder-hour', 1],
      ]),
    );
    expect(reminders.every((m) => !m.isGroup)).toBe(true);
    expect(reminders.find((m) => m.key.includes('evening') && m.conversationId === 'wx-resident-1')!.text).toContain(apptCodes.morning);

    // Broadcast scheduled at 22:15 (quiet hours): once, held until 08:00.
    const bc = all.filter((m) => m.key.startsWith('job:broadcast:'));
    expect(bc).toHaveLength(1);
    expect(bc[0].nextAttemptAt).toEqual(sh('2026-04-13T08:00'));

    // SLA: the overdue dispute escalated once to the officer with WeChat, once to the supervisor; the resolved one never.
    const escalations = all.filter((m) => m.purpose === 'escalation');
    expect(countBy(escalations, (m) => m.conversationId)).toEqual(new Map([['wx-zhangwei', 1], ['wx-chenjie', 1]]));
    const notes = await OfficerNotificationModel.find({ kind: { $in: ['sla_officer', 'sla_supervisor'] } }).lean();
    expect(notes.every((n) => String(n.item) === overdueItem)).toBe(true);
    expect(countBy(notes, (n) => `${n.kind}`)).toEqual(new Map([['sla_officer', 2], ['sla_supervisor', 1]])); // zhangwei + lina; chenjie

    // Digest: at most one per officer per day.
    const digests = all.filter((m) => m.purpose === 'digest');
    const perDay = countBy(digests, (m) => `${m.conversationId}:${m.key.split(':')[2].slice(0, 10)}`);
    expect([...perDay.values()].every((n) => n === 1)).toBe(true);
    expect(digests.length).toBeGreaterThanOrEqual(25);

    // Every run finished and was claimed by exactly one of the two instances.
    const runs = await JobRunModel.find({}).lean();
    expect(runs.every((r) => r.status === 'done')).toBe(true);
    expect(new Set(runs.map((r) => r.owner))).toEqual(new Set(['instance-a', 'instance-b']));
    // Executions, not rows: each run was executed by one instance, once, and made each of its
    // deliveries once (the rows above would look the same if both instances had run everything).
    const ranBy = countBy(executions.runs, (line) => line.split(' ').slice(1).join(' '));
    expect([...ranBy.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(ranBy.size).toBe(runs.length);
    for (const run of runs) expect(executions.runs).toContain(`${run.owner} ${run.job} ${run.runKey}`);
    const delivered = countBy(executions.deliveries, (line) => line.split(' ').slice(1).join(' '));
    expect([...delivered.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(executions.deliveries.length).toBeGreaterThanOrEqual(all.length);
  }, 300_000);
});
