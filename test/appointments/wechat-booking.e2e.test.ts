import { AppointmentModel, SeatModel } from '../../src/modules/appointments/appointment.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockContact, type MockWechat } from '../helpers/mock-wechat';
import { setSchedule } from './helpers';

/** A booking made through the real Wechaty bot on wechaty-puppet-mock, the outbox and the database. */
jest.setTimeout(120_000);

let db: TestDatabase;
let wx: MockWechat;
let resident: MockContact;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 2, walkInShare: 0, bookingOpensDays: 14 });
  wx = await startMockWechat({ env: { BOT_RATE_SENDER_PER_MIN: '200' } });
  resident = wx.createResident('张先生');
});
afterAll(async () => {
  await wx?.stop();
  await db.stop();
});

/** Says `text` in the private chat and resolves with the bot's next message. */
async function say(text: string): Promise<string> {
  const before = wx.messagesTo(resident).length;
  resident.say(text).to(wx.me);
  return wx.waitForMessage(resident, () => wx.messagesTo(resident).length > before, 15_000);
}

describe('booking through the mock WeChat bot', () => {
  it('books with numbered choices, gets the confirmation, reschedules and cancels', async () => {
    await say('选择警务室 HPL');
    expect(await say('我要预约')).toMatch(/哪项业务/);
    expect(await say('身份证换领')).toMatch(/请选择日期/);
    // The second offered day: the first may be today, with one slot left late in the afternoon.
    expect(await say('2')).toMatch(/可预约的时段/);
    expect(await say('2')).toMatch(/姓名和手机号/); // second slot of that day
    expect(await say('张三 13812345678')).toMatch(/请携带/);
    expect(await say('1')).toMatch(/请核对预约信息/); // 已备齐
    const confirmation = await say('确认预约');
    expect(confirmation).toMatch(/预约成功！预约号：Y[0-9A-Z]{7}/);
    expect(confirmation).toContain('和平里社区警务室');
    expect(confirmation).toMatch(/取消预约/);
    const code = /预约号：(Y[0-9A-Z]{7})/.exec(confirmation)![1];
    const booked = await AppointmentModel.findById(code).lean();
    expect(booked).toMatchObject({ status: 'booked', source: 'bot', origin: { channel: 'wechat', isGroup: false } });

    // Reschedule to the first slot of the third offered day.
    expect(await say('改约')).toMatch(/预约号/);
    expect(await say(code)).toMatch(/手机号/);
    expect(await say('13812345678')).toMatch(/请选择新的日期/);
    expect(await say('3')).toMatch(/可预约的时段/);
    const moved = await say('1');
    expect(moved).toMatch(/改约成功/);
    const after = await AppointmentModel.findById(code).lean();
    expect(after!.start.getTime()).not.toBe(booked!.start.getTime());
    expect((await SeatModel.find({ code }).lean()).map((s) => s.slotStart.getTime())).toEqual([after!.start.getTime()]);

    // Cancel.
    expect(await say('取消预约')).toMatch(/预约号/);
    expect(await say(code)).toMatch(/手机号/);
    expect(await say('13812345678')).toMatch(/确认取消/);
    expect(await say('1')).toContain(`预约 ${code} 已取消`);
    expect((await AppointmentModel.findById(code).lean())!.status).toBe('cancelled');
    expect(await SeatModel.countDocuments({ code })).toBe(0);
  });
});
