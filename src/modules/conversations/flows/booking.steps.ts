import { roomByCode } from '../../rooms';
import { DateTime } from 'luxon';
import type { OutboundReply, ReplyOption } from '../messages';
import { DomainError } from '../../../lib/errors';
import {
  appointmentPolicy,
  confirmationText,
  daysWithFreeSlots,
  formatSlot,
  listSlots,
  parseDayWords,
  parseTimeWords,
  type AppointmentPolicy,
  type SlotView,
} from '../../appointments';
import { findService, listServices } from '../../services';
import { openServices } from '../ambiguity';
import { TALK_KEY } from '../../../lib/service-catalog';
import { upcomingLeaderDays } from '../../visits';
import { NO, YES, chosen, dayLabel, pickSlot, slotLabel, splitContact, type Data } from './booking.parse';
import type { FlowContext, FlowResult, FlowState } from './types';

/**
 * Making a booking in chat, one question per step:
 *   service → day (the next days with free slots) → slot → name and mobile → materials
 *   checklist (the resident confirms) → confirm → confirmation with code, address, time,
 *   materials and how to cancel.
 * 约访 (talk_with_officer) asks first with whom (the room's officer, or a leader on the monthly
 * talk day) and what about: 约访 → officer or leader → topic → day (a leader's: only talk days)
 * → slot → name and mobile → confirm.
 * Each `askX` asks a question (and keeps what it offered); each `onX` reads the answer.
 */

export const FLOW = 'booking';

/** Services offered first as quick replies (the rest can be typed by name). */
const POPULAR = ['id_card_renewal', 'id_card_reissue', 'birth_registration', 'hukou_move_in', 'residence_permit', 'no_criminal_record_certificate', 'hukou_certificate', 'residence_registration'];

/** A step that reads the resident's answer and asks the next question. */
export type Step = (ctx: FlowContext, data: Data) => Promise<FlowResult>;

const state = (step: string, data: Data): FlowState => ({ flow: FLOW, step, data });
export const reply = (text: string, options?: ReplyOption[]): OutboundReply => (options && options.length ? { text, options } : { text });
export const done = (...replies: OutboundReply[]): FlowResult => ({ replies, state: null });
export const ask = (step: string, data: Data, text: string, options?: ReplyOption[]): FlowResult => ({
  replies: [reply(text, options)],
  state: state(step, { ...data, offered: options ?? [] }),
});

export function policyOf(ctx: FlowContext): AppointmentPolicy {
  return appointmentPolicy(ctx.config);
}

/** A domain error's Chinese message for the chat (the English gloss dropped); anything else is rethrown. */
export function errorText(err: unknown): string {
  if (err instanceof DomainError) return err.message.replace(/（[A-Za-z][^）]*）$/, '');
  throw err;
}

export async function askService(ctx: FlowContext, data: Data, lead = '请问您要预约办理哪项业务？可点选，或直接发送事项名称：'): Promise<FlowResult> {
  const services = (await listServices()).filter((s) => s.bookable !== false);
  const popular = POPULAR.map((k) => services.find((s) => s.key === k)).filter(Boolean) as typeof services;
  return ask('service', data, lead, [...popular.map((s) => ({ label: s.name, value: s.name })), { label: TALK_NAME, value: TALK_NAME }]);
}

/** The services a resident's words leave open, asked as a choice, or null when they name one (see ambiguity.ts). */
export async function ambiguousService(ctx: FlowContext, data: Data): Promise<FlowResult | null> {
  const open = openServices(ctx.message.text);
  if (!open) return null;
  const services = (await listServices()).filter((s) => s.bookable !== false && open.services.includes(s.key));
  if (services.length < 2) return null;
  return ask('service', data, open.question, services.map((s) => ({ label: s.name, value: s.name })));
}

/** 约访: a conversation with the room's officer, or a leader on the talk day, booked like a service. */
const TALK_NAME = '约访民警';
/** What asks for a 约访 (the booking menu's option, or the resident's own words). */
export const TALK_WORDS = /约访|约见|面谈|当面谈|当面聊|见民警|找民警谈|预约民警|约民警|找所长|约所长|见所长|所领导|找领导/;
const TALK_WITH = { officer: '约社区民警', leader: '约所领导' } as const;
const LEADER_WORDS = /所长|所领导|领导/;
const OFFICER_WORDS = /民警|警官|片警|社区/;

export async function onService(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (text === TALK_NAME || TALK_WORDS.test(text)) {
    const talk = await findService(TALK_KEY);
    if (talk) return askTalkWith(ctx, { ...data, service: talk.key, serviceName: talk.name });
  }
  const services = (await listServices()).filter((s) => s.bookable !== false);
  const exact = services.find((s) => s.name === text);
  if (!exact) {
    const unclear = await ambiguousService(ctx, data);
    if (unclear) return unclear;
  }
  const match = exact ?? services.find((s) => s.key === ctx.analysis.service) ?? services.find((s) => text.length >= 2 && s.name.includes(text));
  if (!match) return askService(ctx, data, '没有找到这个事项，请从下面选择，或换个说法：');
  return askDay(ctx, { ...data, service: match.key, serviceName: match.name });
}

/** 约访: with whom. A leader receives residents only on the room's talk day (the 18th, or the day the room moves it to). */
export async function askTalkWith(ctx: FlowContext, data: Data, lead?: string): Promise<FlowResult> {
  const days = await upcomingLeaderDays(String(data.room), ctx.now, policyOf(ctx).zone);
  const when = days.length ? `；近期：${days.map(dayLabel).join('、')}` : '';
  return ask(
    'talk_with',
    { ...data, talkWith: null },
    `${lead ? `${lead}\n` : ''}约访请选择面谈对象：本社区民警（办公日可约），或所领导（仅每月18日警民恳谈日接待${when}）。`,
    [
      { label: '社区民警', value: TALK_WITH.officer },
      { label: '所领导（每月18日）', value: TALK_WITH.leader },
    ],
  );
}

export async function onTalkWith(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (text === TALK_WITH.leader || LEADER_WORDS.test(text)) return askTopic({ ...data, talkWith: 'leader' });
  if (text === TALK_WITH.officer || OFFICER_WORDS.test(text)) return askTopic({ ...data, talkWith: 'officer' });
  return askTalkWith(ctx, data, '请从下面选择面谈对象：');
}

const talkPartner = (data: Data) => (data.talkWith === 'leader' ? '所领导' : '民警');

function askTopic(data: Data, lead = ''): FlowResult {
  const who = talkPartner(data);
  return ask('topic', data, `${lead}请简单说说想和${who}谈什么（200字以内），${who}会提前了解：`);
}

const isLeaderTalk = (data: Data) => data.service === TALK_KEY && data.talkWith === 'leader';

/** A leader's 约访: the coming talk days that still have free slots. */
async function askLeaderDay(ctx: FlowContext, data: Data, lead?: string): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const dates = await upcomingLeaderDays(String(data.room), ctx.now, policy.zone);
  const options: ReplyOption[] = [];
  for (const date of dates) {
    // A talk day beyond the booking window (or closed) simply has no slots yet.
    const res = await listSlots({ room: String(data.room), service: String(data.service), from: date, days: 1, policy, now: ctx.now }).catch(() => null);
    const free = (res?.days[0]?.slots ?? []).reduce((n, slot) => n + slot.remaining, 0);
    if (free > 0) options.push({ label: `${dayLabel(date)}（恳谈日） 余${free}`, value: date });
  }
  if (options.length === 0) {
    const when = dates.length ? `（近期：${dates.map(dayLabel).join('、')}）` : '';
    return ask('talk_with', { ...data, talkWith: null }, `所领导在每月警民恳谈日接待约访${when}，目前还没有可预约的时段（尚未开放预约或已约满）。您可以改约社区民警，或过几天再来预约：`, [
      { label: '社区民警', value: TALK_WITH.officer },
    ]);
  }
  return ask('day', data, `${lead ? `${lead}\n` : ''}所领导在警民恳谈日接待约访，请选择日期：`, options);
}

export async function askDay(ctx: FlowContext, data: Data, lead?: string): Promise<FlowResult> {
  if (isLeaderTalk(data)) return askLeaderDay(ctx, data, lead);
  const policy = policyOf(ctx);
  let days;
  try {
    days = await daysWithFreeSlots({ room: String(data.room), service: String(data.service), policy, now: ctx.now, limit: 7 });
  } catch (err) {
    return done(reply(errorText(err)));
  }
  if (days.length === 0) {
    return done(reply(`抱歉，${String(data.serviceName)}近期没有可预约的时段。您可以直接到警务室现场办理（部分名额留给现场办理），或过几天再来预约。`));
  }
  const options = days.map((d) => {
    const free = d.slots.reduce((n, s) => n + s.remaining, 0);
    return { label: `${dayLabel(d.date)}${d.label ? `（${d.label}）` : ''} 余${free}`, value: d.date };
  });
  // The typed-date example is one of the offered days, never a fixed date that may be past.
  const [, month, day] = days[days.length - 1].date.split('-').map(Number);
  const text = `${lead ? `${lead}\n` : ''}预约“${String(data.serviceName)}”，请选择日期（也可以直接说“明天”“下周二”“${month}月${day}号”）：`;
  return ask('day', data, text, options);
}

export async function onDay(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const text = chosen(ctx, data);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : parseDayWords(text, ctx.now, policy.zone);
  if (!date) return askDay(ctx, data, '没听懂是哪一天。');
  return askSlot(ctx, { ...data, date });
}

export async function askSlot(ctx: FlowContext, data: Data, lead?: string): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const date = String(data.date);
  if (isLeaderTalk(data) && !(await upcomingLeaderDays(String(data.room), ctx.now, policy.zone)).includes(date)) {
    return askLeaderDay(ctx, data, `${dayLabel(date)}不是警民恳谈日，所领导不接待约访。`);
  }
  let slots: SlotView[];
  try {
    const res = await listSlots({ room: String(data.room), service: String(data.service), from: date, days: 1, policy, now: ctx.now });
    slots = res.days[0]?.slots.filter((s) => s.remaining > 0) ?? [];
  } catch (err) {
    return askDay(ctx, data, errorText(err));
  }
  if (slots.length === 0) return askDay(ctx, data, `${dayLabel(date)}没有可预约的时段（不办公、已约满或已截止），请换一天。`);
  const options = slots.map((s) => ({ label: slotLabel(s, policy.zone), value: s.start }));
  return ask('slot', { ...data, slots: slots.map((s) => s.start) }, `${lead ? `${lead}\n` : ''}${dayLabel(date)}可预约的时段：`, options);
}

/**
 * Reads the chosen slot (a typed day instead shows that day's slots) and hands over to `next`
 * with `start` set: asking for contact details when booking, the reschedule when changing one.
 */
export async function onSlot(ctx: FlowContext, data: Data, next: Step): Promise<FlowResult> {
  const text = ctx.message.text.trim();
  const typedDay = !/^\d{1,2}$/.test(text) && parseTimeWords(text) === null ? parseDayWords(text, ctx.now, policyOf(ctx).zone) : null;
  if (typedDay) return askSlot(ctx, { ...data, date: typedDay });
  const start = pickSlot(ctx, data, policyOf(ctx).zone);
  if (!start) return askSlot(ctx, data, '请从下面的时段中选择（也可以发“9点半”这样的时间，或换一天）：');
  return next(ctx, { ...data, start });
}

/** After the slot: name and mobile (unless already given), then the materials. */
export async function askContact(ctx: FlowContext, data: Data): Promise<FlowResult> {
  if (data.service === TALK_KEY && !data.topic) return askTopic(data);
  if (data.name && data.phone) return askMaterials(ctx, data);
  return ask('contact', data, '请发送预约人的姓名和手机号，例如：张三 13800138000\n（仅用于本次预约和提醒，不会公开。）');
}

/** 约访: the topic, then the day and slot (or, with a slot already chosen, the contact details). */
export async function onTopic(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const topic = ctx.message.text.replace(/\s+/g, ' ').trim();
  if (!topic) return askTopic(data);
  if (topic.length > 200) return askTopic(data, `内容有${topic.length}个字，请精简到200字以内再发一次。\n`);
  return data.start ? askContact(ctx, { ...data, topic }) : askDay(ctx, { ...data, topic });
}

export async function onContact(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const { name, phone } = splitContact(ctx.message.text.trim());
  const next = { ...data, name: name ?? data.name ?? null, phone: phone ?? data.phone ?? null };
  if (!next.name && !next.phone) return ask('contact', data, '请发送姓名和11位手机号，例如：张三 13800138000');
  if (!next.name) return ask('contact', next, '请再发一下预约人的姓名（20字以内）：');
  if (!next.phone) return ask('contact', next, '请再发一下11位手机号（格式如 13800138000）：');
  return askMaterials(ctx, next);
}

async function askMaterials(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const service = await findService(String(data.service));
  const materials = service?.materials ?? [];
  if (materials.length === 0) return askConfirm(ctx, { ...data, materialsConfirmed: true });
  const list = materials.map((m, i) => `${i + 1}. ${m}`).join('\n');
  return ask('materials', data, `办理“${String(data.serviceName)}”请携带：\n${list}\n请确认您已备齐（或到时能带齐）以上材料：`, [
    { label: '已备齐', value: '已备齐' },
    { label: '还没备齐', value: '还没备齐' },
  ]);
}

export async function onMaterials(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (YES.test(text)) return askConfirm(ctx, { ...data, materialsConfirmed: true });
  if (NO.test(text) || /没|不/.test(text)) {
    return done(reply('好的，材料不齐可能无法当场办理。请备齐后再来预约；有疑问可以直接问我，或致电警务室。'));
  }
  return askMaterials(ctx, data);
}

export async function askConfirm(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const room = ctx.room;
  const start = DateTime.fromISO(String(data.start)).toJSDate();
  const slots = await listSlots({ room: String(data.room), service: String(data.service), from: DateTime.fromJSDate(start, { zone: policy.zone }).toISODate() as string, days: 1, policy, now: ctx.now }).catch(() => null);
  const slot = slots?.days[0]?.slots.find((s) => s.start === data.start);
  const end = slot ? DateTime.fromISO(slot.end).toJSDate() : start;
  const text = [
    '请核对预约信息：',
    `事项：${String(data.serviceName)}`,
    ...(data.service === TALK_KEY ? [`面谈对象：${data.talkWith === 'leader' ? '所领导（警民恳谈日）' : '社区民警'}`] : []),
    ...(data.topic ? [`事由：${String(data.topic)}`] : []),
    `时间：${formatSlot(start, end, policy.zone)}`,
    `地点：${room ? `${room.name}，${room.address}` : String(data.room)}`,
    `预约人：${String(data.name)}，手机 ${String(data.phone).slice(0, 3)}****${String(data.phone).slice(7)}`,
    '确认预约吗？',
  ].join('\n');
  return ask('confirm', data, text, [
    { label: '确认预约', value: '确认预约' },
    { label: '重新选时间', value: '重新选时间' },
    { label: '不约了', value: '不约了' },
  ]);
}

export async function confirmationReply(ctx: FlowContext, appt: { code: string; serviceName: string; start: Date; end: Date; room: string; service: string }): Promise<OutboundReply> {
  const policy = policyOf(ctx);
  const room = ctx.room && ctx.room.code === appt.room ? ctx.room : await roomByCode(appt.room);
  const service = await findService(appt.service);
  return reply(
    confirmationText({
      appointment: appt,
      room: { name: room?.name ?? appt.room, address: room?.address ?? '', phone: room?.phone ?? null },
      materials: service?.materials ?? [],
      zone: policy.zone,
      cancelClosesMinutes: policy.cancelClosesMinutes,
      publicUrl: policy.publicUrl,
    }),
  );
}
