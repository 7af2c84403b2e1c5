import type { InboundMessage } from '../../src/modules/conversations';
import { AppointmentModel, SeatModel } from '../../src/modules/appointments/appointment.model';
import { handleInbound } from '../../src/modules/conversations/conversation.service';
import { bookingFlowInternals } from '../../src/modules/conversations/flows/booking.flow';
import { seedAll } from '../../src/modules/seed/seed.service';
import { conversationDeps } from '../helpers/conversation';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { setSchedule } from './helpers';

jest.setTimeout(120_000);

let db: TestDatabase;
// Monday 2026-11-30 09:00 in Shanghai (01:00 UTC): an injected clock, whatever the server's TZ.
const clock = new Date('2026-11-30T01:00:00Z');
const deps = conversationDeps(() => clock, { PUBLIC_URL: 'https://jw.example.cn' });

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 2, walkInShare: 0, bookingOpensDays: 14 });
});
afterAll(async () => db.stop());

function msg(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: 'wechat',
    conversationId: 'wxid_zhangsan',
    senderId: 'wxid_zhangsan',
    senderName: '张三',
    text,
    isGroup: false,
    mentioned: true,
    room: 'HPL',
    receivedAt: clock,
    ...over,
  };
}
const say = async (text: string, over: Partial<InboundMessage> = {}) => {
  const r = await handleInbound(msg(text, over), deps);
  return { ...r, text: r.replies.map((x) => x.text).join('\n'), options: r.replies.flatMap((x) => x.options ?? []) };
};

describe('booking through the chat flow (conversation core)', () => {
  it('books: service → day in words → time in words → name+mobile → materials → confirm', async () => {
    const start = await say('我要预约');
    expect(start.text).toMatch(/哪项业务/);
    expect(start.options.map((o) => o.label)).toContain('身份证换领');

    const day = await say('身份证换领');
    expect(day.text).toMatch(/请选择日期/);
    expect(day.options[0].value).toBe('2026-11-30'); // today still has slots after 10:00
    expect(day.options.some((o) => o.label.includes('12月1日 周二'))).toBe(true);
    // The example of a typed date is the last day offered, not a fixed date that may be past.
    const last = day.options[day.options.length - 1].value.split('-').map(Number);
    expect(day.text).toContain(`也可以直接说“明天”“下周二”“${last[1]}月${last[2]}号”`);

    const slot = await say('明天');
    expect(slot.text).toMatch(/12月1日 周二可预约的时段/);
    expect(slot.options[0].label).toMatch(/^09:00–09:30（余2）$/);

    const contact = await say('9点半');
    expect(contact.text).toMatch(/姓名和手机号/);

    const materials = await say('张三 138 1234 5678');
    expect(materials.text).toMatch(/请携带/);
    expect(materials.text).toContain('原身份证');

    const confirm = await say('1'); // numbered choice: 已备齐
    expect(confirm.text).toMatch(/请核对预约信息/);
    expect(confirm.text).toContain('2026年12月1日（周二）09:30–10:00');
    expect(confirm.text).toContain('138****5678');

    const done = await say('确认预约');
    expect(done.text).toMatch(/预约成功！预约号：Y[0-9A-Z]{7}/);
    expect(done.text).toContain('新华区和平里街道和平里社区服务中心一楼');
    expect(done.text).toContain('原身份证');
    expect(done.text).toMatch(/取消预约 Y/);
    const code = /预约号：(Y[0-9A-Z]{7})/.exec(done.text)![1];
    const appt = await AppointmentModel.findById(code).lean();
    expect(appt).toMatchObject({ status: 'booked', name: '张三', phone: '13812345678', source: 'bot', origin: { channel: 'wechat', conversationId: 'wxid_zhangsan', isGroup: false } });
    expect(appt!.start.toISOString()).toBe('2026-12-01T01:30:00.000Z');

    // Reschedule by code + mobile.
    const change = await say('我想改约');
    expect(change.text).toMatch(/预约号/);
    const phoneQ = await say(code);
    expect(phoneQ.text).toMatch(/手机号/);
    const newDay = await say('13812345678');
    expect(newDay.text).toMatch(/请选择新的日期/);
    const newSlot = await say('下周二'); // 2026-12-08
    expect(newSlot.text).toMatch(/12月8日 周二/);
    const moved = await say('下午两点');
    expect(moved.text).toMatch(/改约成功/);
    expect(moved.text).toContain('2026年12月8日（周二）14:00–14:30');
    const after = await AppointmentModel.findById(code).lean();
    expect(after!.start.toISOString()).toBe('2026-12-08T06:00:00.000Z');
    expect((await SeatModel.find({ code }).lean()).map((s) => s.slotStart.toISOString())).toEqual(['2026-12-08T06:00:00.000Z']);

    // Cancel by code + mobile.
    await say('取消预约');
    await say(code);
    const sure = await say('13812345678');
    expect(sure.text).toMatch(/确认取消这个预约吗/);
    const cancelled = await say('确认取消');
    expect(cancelled.text).toContain(`预约 ${code} 已取消`);
    expect((await AppointmentModel.findById(code).lean())!.status).toBe('cancelled');
    expect(await SeatModel.countDocuments({ code })).toBe(0);
  });

  it('asks whether "户口迁移" is moving in or out before offering days, and books the one chosen', async () => {
    const conv = { conversationId: 'wxid_qianyi', senderId: 'wxid_qianyi' };
    const asked = await say('我想预约户口迁移', conv);
    expect(asked.text).toContain('迁入本地（落户），还是从本地迁出');
    expect(asked.options.map((o) => o.label)).toEqual(['户口迁入（落户）', '户口迁出']);
    const day = await say('2', conv); // numbered choice: 户口迁出
    expect(day.text).toContain('预约“户口迁出”，请选择日期');
    // Words that say the direction go straight to the days.
    const direct = await say('我要预约户口迁出', { conversationId: 'wxid_qianchu', senderId: 'wxid_qianchu' });
    expect(direct.text).toContain('预约“户口迁出”，请选择日期');
    // Typed at the service question, the same words ask the same.
    await say('我要预约', { conversationId: 'wxid_menu', senderId: 'wxid_menu' });
    const typed = await say('户口迁移', { conversationId: 'wxid_menu', senderId: 'wxid_menu' });
    expect(typed.options.map((o) => o.label)).toEqual(['户口迁入（落户）', '户口迁出']);
  });

  it('answers "户口迁移要什么材料" with both 迁入 and 迁出, in one message, and a direction with just that one', async () => {
    const both = await say('户口迁移需要什么材料', { conversationId: 'wxid_ask', senderId: 'wxid_ask' });
    expect(both.replies).toHaveLength(1);
    expect(both.text).toContain('户口迁入（落户）和迁出所需材料不同');
    expect(both.text).toContain('【户口迁入（落户）】');
    expect(both.text).toContain('【户口迁出】');
    expect(both.options.map((o) => o.label)).toEqual(['预约办理户口迁入（落户）', '预约办理户口迁出', '其他业务']);
    const out = await say('户口迁出需要什么材料', { conversationId: 'wxid_ask2', senderId: 'wxid_ask2' });
    expect(out.text).toContain('【户口迁出】');
    expect(out.text).not.toContain('【户口迁入（落户）】');
  });

  it('in a WeChat group never asks for a name or mobile number', async () => {
    const r = await say('我要预约办身份证', { isGroup: true, conversationId: 'room_1@chatroom', senderId: 'wxid_lisi' });
    expect(r.text).toMatch(/私聊|隐私/);
    expect(r.text).not.toMatch(/请发送.*手机号/);
  });

  it('offers the next free slots when the chosen one fills up meanwhile', async () => {
    await say('我要预约');
    await say('身份证换领');
    await say('12月2日');
    await say('9点');
    await say('李四 13912340000');
    await say('已备齐');
    // Two other residents take both seats of 12-02 09:00 before the confirmation.
    for (const phone of ['13700000001', '13700000002']) {
      await handleInbound(msg('我要预约', { conversationId: phone, senderId: phone }), deps);
      for (const t of ['身份证换领', '12月2日', '9点', `王五 ${phone}`, '已备齐', '确认预约']) await handleInbound(msg(t, { conversationId: phone, senderId: phone }), deps);
    }
    const full = await say('确认预约');
    expect(full.text).toMatch(/刚刚被约满/);
    expect(full.options.length).toBeGreaterThan(0);
    expect(full.options[0].value).toBe('2026-12-02T09:30:00+08:00');
    const contact = await say('1');
    expect(contact.text).toMatch(/请核对预约信息|请携带/);
  });

  it('splits a name and a mobile number typed together', () => {
    expect(bookingFlowInternals.splitContact('张三 13812345678')).toEqual({ name: '张三', phone: '13812345678' });
    expect(bookingFlowInternals.splitContact('姓名：欧阳娜娜，电话138-1234-5678')).toEqual({ name: '欧阳娜娜', phone: '13812345678' });
    expect(bookingFlowInternals.splitContact('13812345678')).toEqual({ name: null, phone: '13812345678' });
    expect(bookingFlowInternals.splitContact('王五')).toEqual({ name: '王五', phone: null });
  });
});
