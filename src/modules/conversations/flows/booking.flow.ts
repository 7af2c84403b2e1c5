import { DateTime } from 'luxon';
import type { OutboundReply, ReplyOption } from '../../../channels/types';
import { DomainError } from '../../../lib/errors';
import { findCodeInText } from '../../../lib/codes';
import { confirmationText, formatSlot } from '../../appointments/appointment.messages';
import { appointmentPolicy, type AppointmentPolicy } from '../../appointments/appointment.policy';
import {
  bookAppointment,
  cancelAppointment,
  daysWithFreeSlots,
  findForResident,
  listSlots,
  rescheduleAppointment,
  type SlotView,
} from '../../appointments/appointment.service';
import { WEEKDAYS } from '../../appointments/appointment.status';
import { isoWeekday } from '../../appointments/slots';
import { parseDayWords, parseTimeWords } from '../../appointments/day-words';
import { normalizeMobile } from '../../appointments/phone';
import { RoomModel } from '../../rooms/room.model';
import { findService, listServices } from '../../services/service.service';
import type { Flow, FlowContext, FlowResult, FlowState } from './types';

/**
 * The booking flow in chat (WeChat private chats and the web chat):
 *   service → day (the next days with free slots) → slot → name and mobile → materials
 *   checklist (the resident confirms) → confirm → confirmation with code, address, time,
 *   materials and how to cancel.
 * Also cancel and reschedule by code + mobile. Every choice is offered as quick replies (the
 * WeChat channel shows them numbered; a typed number picks the option). Days may be typed in
 * words (明天、下周二、12月3号), times too (9点半、下午两点).
 *
 * In a group the flow never collects a name or a number: it asks to continue in private.
 */

const FLOW = 'booking';
const ABANDON = /^(算了|不用了|不约了|不办了|不预约了|退出|结束|返回|返回菜单|菜单)$/;
const YES = /^(确认|确定|是|是的|对|好|好的|可以|没问题|确认预约|确认取消|已备齐|备齐了|齐了|有|都有|ok)$/i;
const NO = /^(不|否|不是|不对|没有|还没|还没有|没备齐|不确认)$/;

/** Services offered first as quick replies (the rest can be typed by name). */
const POPULAR = ['id_card_renewal', 'id_card_reissue', 'birth_registration', 'hukou_move_in', 'residence_permit', 'no_criminal_record_certificate', 'hukou_certificate', 'residence_registration'];

type Data = Record<string, unknown> & { offered?: ReplyOption[] };

const state = (step: string, data: Data): FlowState => ({ flow: FLOW, step, data });
const reply = (text: string, options?: ReplyOption[]): OutboundReply => (options && options.length ? { text, options } : { text });
const done = (...replies: OutboundReply[]): FlowResult => ({ replies, state: null });
const ask = (step: string, data: Data, text: string, options?: ReplyOption[]): FlowResult => ({
  replies: [reply(text, options)],
  state: state(step, { ...data, offered: options ?? [] }),
});

function policyOf(ctx: FlowContext): AppointmentPolicy {
  return appointmentPolicy(ctx.config);
}

/** A typed number picks an offered option ("2" → the second one). */
function chosen(ctx: FlowContext, data: Data): string {
  const text = ctx.message.text.trim();
  const offered = data.offered ?? [];
  const n = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= offered.length) return offered[n - 1].value;
  const byLabel = offered.find((o) => o.label === text);
  return byLabel ? byLabel.value : text;
}

function groupRefusal(ctx: FlowContext): FlowResult {
  const link = `${ctx.config.PUBLIC_URL.replace(/\/$/, '')}/book/${ctx.room ? `?room=${encodeURIComponent(ctx.room.code)}` : ''}`;
  return done(
    reply(`预约需要填写姓名和手机号，群里的每个人都能看到，为保护您的隐私请不要在群里发送。\n请私聊我继续预约，或打开预约页面：${link}`),
  );
}

function dayLabel(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${WEEKDAYS[isoWeekday(date)]}`;
}

function slotLabel(s: SlotView, zone: string): string {
  const a = DateTime.fromISO(s.start, { zone }).setZone(zone);
  const b = DateTime.fromISO(s.end, { zone }).setZone(zone);
  return `${a.toFormat('HH:mm')}–${b.toFormat('HH:mm')}（余${s.remaining}）`;
}

function errorText(err: unknown): string {
  if (err instanceof DomainError) return err.message.replace(/（[A-Za-z][^）]*）$/, '');
  throw err;
}

// ------------------------------------------------------------------ steps: booking

async function askService(ctx: FlowContext, data: Data, lead = '请问您要预约办理哪项业务？可点选，或直接发送事项名称：'): Promise<FlowResult> {
  const services = (await listServices()).filter((s) => s.bookable !== false);
  const popular = POPULAR.map((k) => services.find((s) => s.key === k)).filter(Boolean) as typeof services;
  return ask('service', data, lead, popular.map((s) => ({ label: s.name, value: s.name })));
}

async function onService(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  const services = (await listServices()).filter((s) => s.bookable !== false);
  const match = services.find((s) => s.name === text) ?? services.find((s) => s.key === ctx.analysis.service) ?? services.find((s) => text.length >= 2 && s.name.includes(text));
  if (!match) return askService(ctx, data, '没有找到这个事项，请从下面选择，或换个说法：');
  return askDay(ctx, { ...data, service: match.key, serviceName: match.name });
}

async function askDay(ctx: FlowContext, data: Data, lead?: string): Promise<FlowResult> {
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
  const text = `${lead ? `${lead}\n` : ''}预约“${String(data.serviceName)}”，请选择日期（也可以直接说“明天”“下周二”“12月3号”）：`;
  return ask('day', data, text, options);
}

async function onDay(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const text = chosen(ctx, data);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : parseDayWords(text, ctx.now, policy.zone);
  if (!date) return askDay(ctx, data, '没听懂是哪一天。');
  return askSlot(ctx, { ...data, date });
}

async function askSlot(ctx: FlowContext, data: Data, lead?: string): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const date = String(data.date);
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

function pickSlot(ctx: FlowContext, data: Data): string | null {
  const policy = policyOf(ctx);
  const text = chosen(ctx, data);
  const starts = (data.slots as string[] | undefined) ?? [];
  if (starts.includes(text)) return text;
  const minutes = parseTimeWords(text);
  if (minutes === null) return null;
  return starts.find((s) => {
    const t = DateTime.fromISO(s, { zone: policy.zone }).setZone(policy.zone);
    return t.hour * 60 + t.minute === minutes;
  }) ?? null;
}

async function onSlot(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = ctx.message.text.trim();
  const typedDay = !/^\d{1,2}$/.test(text) && parseTimeWords(text) === null ? parseDayWords(text, ctx.now, policyOf(ctx).zone) : null;
  if (typedDay) return askSlot(ctx, { ...data, date: typedDay });
  const start = pickSlot(ctx, data);
  if (!start) return askSlot(ctx, data, '请从下面的时段中选择（也可以发“9点半”这样的时间，或换一天）：');
  if (data.mode === 'reschedule') return doReschedule(ctx, { ...data, start });
  if (data.name && data.phone) return askMaterials(ctx, { ...data, start });
  return ask('contact', { ...data, start }, '请发送预约人的姓名和手机号，例如：张三 13800138000\n（仅用于本次预约和提醒，不会公开。）');
}

function splitContact(text: string): { name: string | null; phone: string | null } {
  const m = /(\+?86[- ]?)?1[3-9]\d[\d\s-]{8,10}/.exec(text);
  const phone = m ? normalizeMobile(m[0]) : null;
  const rest = (m ? text.replace(m[0], ' ') : text).replace(/(姓名|名字|手机号?|电话|号码|我叫|我是)[:：]?/g, ' ').replace(/[，,。;；:：\s]+/g, ' ').trim();
  const name = rest && /^[\p{L}·•. ]{1,20}$/u.test(rest) ? rest.replace(/\s+/g, '') : null;
  return { name: name && name.length <= 20 ? name : null, phone };
}

async function onContact(ctx: FlowContext, data: Data): Promise<FlowResult> {
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

async function onMaterials(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (YES.test(text)) return askConfirm(ctx, { ...data, materialsConfirmed: true });
  if (NO.test(text) || /没|不/.test(text)) {
    return done(reply('好的，材料不齐可能无法当场办理。请备齐后再来预约；有疑问可以直接问我，或致电警务室。'));
  }
  return askMaterials(ctx, data);
}

async function askConfirm(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const room = ctx.room;
  const start = DateTime.fromISO(String(data.start)).toJSDate();
  const slots = await listSlots({ room: String(data.room), service: String(data.service), from: DateTime.fromJSDate(start, { zone: policy.zone }).toISODate() as string, days: 1, policy, now: ctx.now }).catch(() => null);
  const slot = slots?.days[0]?.slots.find((s) => s.start === data.start);
  const end = slot ? DateTime.fromISO(slot.end).toJSDate() : start;
  const text = [
    '请核对预约信息：',
    `事项：${String(data.serviceName)}`,
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

async function onConfirm(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (/重新|换|改/.test(text)) return askDay(ctx, data);
  if (!YES.test(text)) return askConfirm(ctx, data);
  const policy = policyOf(ctx);
  const msg = ctx.message;
  try {
    const appt = await bookAppointment({
      room: String(data.room),
      service: String(data.service),
      start: String(data.start),
      name: String(data.name),
      phone: String(data.phone),
      materialsConfirmed: data.materialsConfirmed === true,
      origin: { channel: msg.channel, conversationId: msg.conversationId, isGroup: false },
      source: 'bot',
      policy,
      now: ctx.now,
      logger: ctx.logger,
    });
    ctx.logger?.info({ code: appt.code, room: appt.room }, 'appointment booked in chat');
    return done(await confirmationReply(ctx, appt));
  } catch (err) {
    if (err instanceof DomainError && err.code === 'slot_full') {
      const next = ((err.detail as { nextSlots?: SlotView[] })?.nextSlots ?? []).slice(0, 6);
      if (next.length === 0) return askDay(ctx, data, '刚刚这个时段被约满了。');
      return ask('slot', { ...data, slots: next.map((s) => s.start) }, '抱歉，这个时段刚刚被约满了。下面是最近还有名额的时段：', next.map((s) => ({
        label: `${dayLabel(DateTime.fromISO(s.start, { zone: policy.zone }).toISODate() as string)} ${slotLabel(s, policy.zone)}`,
        value: s.start,
      })));
    }
    return done(reply(`预约没有成功：${errorText(err)}`));
  }
}

async function confirmationReply(ctx: FlowContext, appt: { code: string; serviceName: string; start: Date; end: Date; room: string; service: string }): Promise<OutboundReply> {
  const policy = policyOf(ctx);
  const room = ctx.room && ctx.room.code === appt.room ? ctx.room : await RoomModel.findOne({ code: appt.room }).lean();
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

// ------------------------------------------------------------------ steps: cancel and reschedule

async function askCode(data: Data, lead = ''): Promise<FlowResult> {
  const what = data.mode === 'cancel' ? '取消' : '改约';
  return ask('code', data, `${lead}${what}预约，请发送预约号（Y开头的8位字符）：`);
}

async function onCode(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const code = ctx.analysis.code ?? findCodeInText(ctx.message.text);
  if (!code || !code.startsWith('Y')) return askCode(data, '没有识别到预约号。');
  const phone = normalizeMobile(ctx.message.text.replace(/[^\d+]/g, ' ').split(' ').find((p) => p.length >= 11) ?? '');
  if (phone) return onPhone(ctx, { ...data, code }, phone);
  return ask('phone', { ...data, code }, '请发送预约时填写的手机号：');
}

async function onPhone(ctx: FlowContext, data: Data, typed?: string): Promise<FlowResult> {
  const phone = typed ?? normalizeMobile(ctx.message.text.trim());
  if (!phone) return ask('phone', data, '手机号格式不正确，请发送11位手机号：');
  let appt;
  try {
    appt = await findForResident(String(data.code), phone);
  } catch (err) {
    return done(reply(errorText(err)));
  }
  const policy = policyOf(ctx);
  const summary = `预约 ${appt.code}：${appt.serviceName}，${formatSlot(appt.start, appt.end, policy.zone)}`;
  if (appt.status !== 'booked') return done(reply(`${summary}\n该预约当前状态不能${data.mode === 'cancel' ? '取消' : '改约'}。`));
  const next = { ...data, phone, service: appt.service, serviceName: appt.serviceName, room: appt.room };
  if (data.mode === 'cancel') {
    return ask('cancel_confirm', next, `${summary}\n确认取消这个预约吗？`, [
      { label: '确认取消', value: '确认取消' },
      { label: '保留预约', value: '保留预约' },
    ]);
  }
  return askDay(ctx, next, `${summary}\n请选择新的日期。`);
}

async function onCancelConfirm(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (!YES.test(text)) return done(reply('好的，预约保留不变。'));
  try {
    const appt = await cancelAppointment({ code: String(data.code), phone: String(data.phone), policy: policyOf(ctx), now: ctx.now });
    return done(reply(`预约 ${appt.code} 已取消。需要时可以重新预约。`));
  } catch (err) {
    return done(reply(`取消没有成功：${errorText(err)}`));
  }
}

async function doReschedule(ctx: FlowContext, data: Data): Promise<FlowResult> {
  try {
    const appt = await rescheduleAppointment({ code: String(data.code), phone: String(data.phone), start: String(data.start), policy: policyOf(ctx), now: ctx.now });
    const conf = await confirmationReply(ctx, appt);
    return done(reply(`改约成功！\n${conf.text.replace(/^预约成功！/, '')}`));
  } catch (err) {
    if (err instanceof DomainError && err.code === 'slot_full') return askSlot(ctx, data, '这个时段刚刚被约满了。');
    return done(reply(`改约没有成功：${errorText(err)}`));
  }
}

// ------------------------------------------------------------------ the flow

export const bookingFlow: Flow = {
  name: FLOW,
  personalData: true,

  async start(ctx) {
    if (ctx.message.isGroup) return groupRefusal(ctx);
    if (!ctx.room) return done(reply('请先选择要预约的警务室。'));
    const action = ctx.analysis.appointmentAction;
    const base: Data = { room: ctx.room.code };
    if (action === 'cancel' || action === 'change') {
      const data = { ...base, mode: action === 'cancel' ? 'cancel' : 'reschedule' };
      if (ctx.analysis.code) return onCode(ctx, data);
      return askCode(data);
    }
    const data = { ...base, mode: 'book' };
    if (ctx.analysis.service) {
      const service = await findService(ctx.analysis.service);
      if (service && service.bookable !== false) {
        const withService = { ...data, service: service.key, serviceName: service.name };
        // "明天上午约个换身份证": a day in the first message goes straight to its slots.
        const day = parseDayWords(ctx.message.text, ctx.now, policyOf(ctx).zone);
        return day ? askSlot(ctx, { ...withService, date: day }) : askDay(ctx, withService);
      }
    }
    return askService(ctx, data);
  },

  async resume(ctx) {
    if (ctx.message.isGroup) return groupRefusal(ctx);
    const st = ctx.state;
    if (!st) return this.start(ctx);
    const data = st.data as Data;
    const text = ctx.message.text.trim();
    if (ABANDON.test(text) || (text === '取消' && st.step !== 'cancel_confirm')) return done(reply('好的，已退出预约。需要时发送“我要预约”即可。'));
    switch (st.step) {
      case 'service':
        return onService(ctx, data);
      case 'day':
        return onDay(ctx, data);
      case 'slot':
        return onSlot(ctx, data);
      case 'contact':
        return onContact(ctx, data);
      case 'materials':
        return onMaterials(ctx, data);
      case 'confirm':
        return onConfirm(ctx, data);
      case 'code':
        return onCode(ctx, data);
      case 'phone':
        return onPhone(ctx, data);
      case 'cancel_confirm':
        return onCancelConfirm(ctx, data);
      default:
        return this.start(ctx);
    }
  },
};

// Exposed for tests of the pure parts.
export const bookingFlowInternals = { splitContact };
