import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockWechat } from '../helpers/mock-wechat';
import { seedAll } from '../../src/modules/seed/seed.service';
import { TalkDaySettingsModel } from '../../src/modules/talk-day/talk-day.model';
import { FakeClock, bindGroup, makeScheduler, sh } from './helpers';

let db: TestDatabase;
let wx: MockWechat;
beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  wx = await startMockWechat();
});
afterAll(async () => {
  await wx.stop();
  await db.stop();
});

describe('end to end with the mock WeChat', () => {
  it('a talk-day announcement reaches the bound group, and nothing reaches an unbound one', async () => {
    const resident = wx.createResident('王阿姨');
    const bound = wx.createGroup('和平里1号楼居民群', [resident]);
    const unbound = wx.createGroup('广场舞交流群', [resident]);
    await bindGroup(bound.id, 'HPL', '和平里1号楼居民群');
    await TalkDaySettingsModel.create({ room: 'HPL', enabled: true, place: '和平里社区服务中心二楼', startTime: '09:00', endTime: '11:30', topic: '防范电信网络诈骗', rule: 'next_working_day', daysBefore: 3, createdAt: sh('2026-03-01T09:00'), updatedAt: sh('2026-03-01T09:00') });

    // The scheduler's clock is at the slot (17 April 2026, 10:00 — three days before the moved date); the bot sends in real time.
    const clock = new FakeClock(sh('2026-04-17T09:59'));
    const a = makeScheduler(clock, 'a');
    const b = makeScheduler(clock, 'b');
    await Promise.all([a.tick(), b.tick()]);
    clock.set(sh('2026-04-17T10:00'));
    await Promise.all([a.tick(), b.tick()]);

    const text = await wx.waitForMessage(bound, (t) => t.includes('警民恳谈日'), 10_000);
    expect(text).toContain('和平里社区警务室');
    expect(text).toContain('2026年4月20日（周一）09:00–11:30');
    expect(text).toContain('因18日为周六，本月活动顺延至4月20日（周一）举行。');
    // Give the sender a few more polls: still exactly one message in the bound group, none in the other.
    await new Promise((r) => setTimeout(r, 800));
    expect(wx.messagesTo(bound)).toHaveLength(1);
    expect(wx.messagesTo(unbound)).toHaveLength(0);
  });
});
