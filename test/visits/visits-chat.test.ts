import type { InboundMessage } from '../../src/modules/conversations';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { handleInbound } from '../../src/modules/conversations/conversation.service';
import { seedAll } from '../../src/modules/seed/seed.service';
import { conversationDeps } from '../helpers/conversation';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { setSchedule } from '../appointments/helpers';

/** 约访 in the chat: picked from the booking menu, with whom and the topic asked before the day, booked by the same engine. */
jest.setTimeout(120_000);

let db: TestDatabase;
// Monday 2026-11-30 09:00 in Shanghai: an injected clock.
const clock = new Date('2026-11-30T01:00:00Z');
const deps = conversationDeps(() => clock, { PUBLIC_URL: 'https://jw.example.cn' });

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 2, walkInShare: 0, bookingOpensDays: 30 });
});
afterAll(async () => db.stop());

const msg = (text: string): InboundMessage => ({
  channel: 'wechat',
  conversationId: 'wxid_lisi',
  senderId: 'wxid_lisi',
  senderName: '李四',
  text,
  isGroup: false,
  mentioned: true,
  room: 'HPL',
  receivedAt: clock,
});
const say = async (text: string) => {
  const r = await handleInbound(msg(text), deps);
  return { text: r.replies.map((x) => x.text).join('\n'), options: r.replies.flatMap((x) => x.options ?? []) };
};

it('books a 约访 in chat: menu → officer or leader → topic → day → slot → name and mobile → confirm, with the topic stored and shown', async () => {
  const start = await say('我要预约');
  expect(start.options.map((o) => o.label)).toContain('约访民警');
  const who = await say('约访民警');
  expect(who.text).toMatch(/请选择面谈对象/);
  expect(who.options.map((o) => o.label)).toEqual(['社区民警', '所领导（每月18日）']);
  const topic = await say('社区民警');
  expect(topic.text).toMatch(/想和民警谈什么/);
  const tooLong = await say('谈'.repeat(201));
  expect(tooLong.text).toMatch(/200字以内/);
  const day = await say('小区电动车在楼道充电，想请民警来看看');
  expect(day.text).toMatch(/预约“约访民警”，请选择日期/);
  const slot = await say('明天');
  expect(slot.text).toMatch(/12月1日 周二可预约的时段/);
  const contact = await say('9点半');
  expect(contact.text).toMatch(/姓名和手机号/);
  const confirm = await say('李四 139 1234 5678');
  // No materials checklist for a 约访: straight to the confirmation, topic included.
  expect(confirm.text).toMatch(/请核对预约信息/);
  expect(confirm.text).toContain('面谈对象：社区民警');
  expect(confirm.text).toContain('事由：小区电动车在楼道充电，想请民警来看看');
  const done = await say('确认预约');
  const code = /预约号：(Y[0-9A-Z]{7})/.exec(done.text)![1];
  const appt = await AppointmentModel.findById(code).lean();
  expect(appt).toMatchObject({ service: 'talk_with_officer', topic: '小区电动车在楼道充电，想请民警来看看', talkWith: 'officer', status: 'booked', source: 'bot', phone: '13912345678' });
  expect(appt!.start.toISOString()).toBe('2026-12-01T01:30:00.000Z');
});
