import type { Server } from 'node:http';
import request from 'supertest';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { buildTestApp } from '../helpers/app';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { setSchedule } from '../appointments/helpers';

/**
 * 约访 with a leader or with the room's officer, chosen in the web chat (POST /api/chat/messages):
 * the resident's words (约访, 预约民警, 找所长谈谈) offer the choice as quick replies, then the
 * topic, then the days — for a leader only the room's talk days (the 18th) — then the slot.
 */
jest.setTimeout(300_000);

const built = buildTestApp({ CHAT_RATE_CONVERSATION_PER_MIN: '100', CHAT_RATE_IP_PER_MIN: '1000' });
let rig: DemoServer;
let server: Server;

interface Reply {
  text: string;
  options?: Array<{ label: string; value: string }>;
}

beforeAll(async () => {
  rig = await startDemoServer(built.app);
  server = rig.server;
  await setSchedule('HPL', { capacity: 3, walkInShare: 0, bookingOpensDays: 62 });
});
afterAll(() => rig?.stop());

/** One web chat conversation; each message's replies joined, and the last reply's quick replies. */
function chat() {
  let conversationId: string | undefined;
  return async (text: string) => {
    const res = await request(server).post('/api/chat/messages').send({ room: 'HPL', conversationId, text });
    expect(res.status).toBe(200);
    conversationId = res.body.conversationId;
    const replies = res.body.replies as Reply[];
    return { text: replies.map((r) => r.text).join('\n'), options: replies.at(-1)?.options ?? [] };
  };
}

async function slotsOfTalk(): Promise<{ openDays: string[]; leaderDays: string[] }> {
  const res = await request(server).get('/api/rooms/HPL/slots?service=talk_with_officer&days=62').expect(200);
  const days = res.body.days as Array<{ date: string; slots: Array<{ remaining: number }> }>;
  return { openDays: days.filter((d) => d.slots.some((s) => s.remaining > 0)).map((d) => d.date), leaderDays: res.body.leaderDays };
}

test('"找所长谈谈": the choice, then the topic, then only the talk days for a leader; a typed other day is refused; booked with the leader', async () => {
  const { openDays, leaderDays } = await slotsOfTalk();
  expect(leaderDays.length).toBeGreaterThan(0);
  const say = chat();

  const who = await say('我想找所长谈谈');
  expect(who.text).toMatch(/请选择面谈对象/);
  expect(who.options.map((o) => o.label)).toEqual(['社区民警', '所领导（每月18日）']);

  const topic = await say('所领导（每月18日）');
  expect(topic.text).toMatch(/想和所领导谈什么/);

  const day = await say('小区停车位不够，晚上消防通道被堵，想当面反映');
  expect(day.text).toMatch(/所领导在警民恳谈日接待约访/);
  const offered = day.options.map((o) => o.value);
  expect(offered.length).toBeGreaterThan(0);
  // Only talk days, never another open day.
  for (const d of offered) expect(leaderDays).toContain(d);
  expect(day.options.every((o) => o.label.includes('恳谈日'))).toBe(true);

  // A day that is open for the officer but is not a talk day: refused in words, the talk days offered again.
  const other = openDays.find((d) => !leaderDays.includes(d))!;
  const refused = await say(other);
  expect(refused.text).toMatch(/不是警民恳谈日/);
  expect(refused.options.map((o) => o.value)).toEqual(offered);

  const slot = await say('1');
  expect(slot.text).toMatch(/可预约的时段/);
  const contact = await say('1');
  expect(contact.text).toMatch(/姓名和手机号/);
  const confirm = await say('赵敏 13912340018');
  expect(confirm.text).toContain('面谈对象：所领导（警民恳谈日）');
  expect(confirm.text).toContain('事由：小区停车位不够，晚上消防通道被堵，想当面反映');
  const done = await say('确认预约');
  const code = /预约号：(Y[0-9A-Z]{7})/.exec(done.text)?.[1];
  expect(code).toBeTruthy();
  const appt = (await AppointmentModel.findById(code).lean())!;
  expect(appt).toMatchObject({ service: 'talk_with_officer', talkWith: 'leader', topic: '小区停车位不够，晚上消防通道被堵，想当面反映', status: 'booked', phone: '13912340018' });
  const day18 = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(appt.start);
  expect(day18).toBe(offered[0]);
});

test('"预约民警": choosing the room\'s officer offers every open day, not only talk days, and books with the officer', async () => {
  const { openDays, leaderDays } = await slotsOfTalk();
  const say = chat();
  const who = await say('我想预约民警');
  expect(who.options.map((o) => o.label)).toEqual(['社区民警', '所领导（每月18日）']);
  const topic = await say('1');
  expect(topic.text).toMatch(/想和民警谈什么/);
  const day = await say('孩子上学的户口问题');
  const offered = day.options.map((o) => o.value);
  expect(offered.some((d) => !leaderDays.includes(d))).toBe(true);
  for (const d of offered) expect(openDays).toContain(d);
  await say('1');
  await say('1');
  await say('钱伟 13912340019');
  const done = await say('确认预约');
  const code = /预约号：(Y[0-9A-Z]{7})/.exec(done.text)![1];
  expect(await AppointmentModel.findById(code).lean()).toMatchObject({ talkWith: 'officer', topic: '孩子上学的户口问题' });
});
