import { findCodeInText } from '../../../lib/codes';
import { DomainError } from '../../../lib/errors';
import { cancelAppointment, findForResident, formatSlot, normalizeMobile } from '../../appointments';
import { rescheduleVisit } from '../../visits';
import { CODE_OPTIONS, maskPhone, refusalText, smsOn } from './booking.confirm';
import { YES, chosen, type Data } from './booking.parse';
import { ask, askDay, askSlot, confirmationReply, done, errorText, policyOf, reply } from './booking.steps';
import type { FlowContext, FlowResult } from './types';

/**
 * Managing a booking in chat: cancel or reschedule, after the resident proves it with the code
 * and the mobile number. A reschedule picks the new day and slot with the booking steps.
 *
 * With SMS on, the code and the number are not enough (anyone who saw a booking slip knows
 * both): like the booking page's look-up, a "manage" code is texted to the number and must be
 * typed back before the booking is even looked up (the same words whether or not the number has
 * bookings; wrong, expired, used or locked codes said plainly; "再发一条短信" sends a new one). A
 * booking made in this very WeChat / WeCom private chat is the exception: the resident is known
 * to WeChat as the one who booked it, as when booking there.
 */

export async function askCode(data: Data, lead = ''): Promise<FlowResult> {
  const what = data.mode === 'cancel' ? '取消' : '改约';
  return ask('code', data, `${lead}${what}预约，请发送预约号（Y开头的8位字符）：`);
}

export async function onCode(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const code = ctx.analysis.code ?? findCodeInText(ctx.message.text);
  if (!code || !code.startsWith('Y')) return askCode(data, '没有识别到预约号。');
  const phone = normalizeMobile(ctx.message.text.replace(/[^\d+]/g, ' ').split(' ').find((p) => p.length >= 11) ?? '');
  if (phone) return onPhone(ctx, { ...data, code }, phone);
  return ask('phone', { ...data, code }, '请发送预约时填写的手机号：');
}

export async function onPhone(ctx: FlowContext, data: Data, typed?: string): Promise<FlowResult> {
  const phone = typed ?? normalizeMobile(ctx.message.text.trim());
  if (!phone) return ask('phone', data, '手机号格式不正确，请发送11位手机号：');
  if (smsOn(ctx) && !data.numberProved && !(await bookedInThisChat(ctx, String(data.code), phone))) return sendManageCode(ctx, { ...data, phone });
  return showBooking(ctx, data, phone);
}

/** The booking was made in this same WeChat / WeCom private chat (never true for the web chat). */
async function bookedInThisChat(ctx: FlowContext, code: string, phone: string): Promise<boolean> {
  const msg = ctx.message;
  if (msg.channel === 'web' || msg.isGroup) return false;
  const appt = await findForResident(code, phone).catch(() => null);
  return !!appt?.origin && appt.origin.channel === msg.channel && appt.origin.conversationId === msg.conversationId;
}

/** Texts a "manage" code to the number (only when it has bookings; the words are the same either way). */
async function sendManageCode(ctx: FlowContext, data: Data, lead = ''): Promise<FlowResult> {
  const verification = smsOn(ctx)!;
  const phone = String(data.phone);
  const what = data.mode === 'cancel' ? '取消' : '改约';
  try {
    await verification.request({ phone, purpose: 'manage', clientKey: ctx.message.clientKey ?? `${ctx.message.channel}:${ctx.message.conversationId}`, now: ctx.now });
  } catch (err) {
    return ask('manage_code', data, `${lead}${errorText(err)}\n收到验证码后请直接回复；没收到可以稍后点“再发一条短信”。`, CODE_OPTIONS);
  }
  ctx.logger?.info({ mode: data.mode }, 'manage code texted from the chat');
  return ask(
    'manage_code',
    data,
    `${lead}为确认是预约人本人${what}，已向 ${maskPhone(phone)} 发送6位短信验证码（该号码有预约时才会收到），5分钟内有效。请直接回复短信里的验证码：`,
    CODE_OPTIONS,
  );
}

/** The resident's answer to the manage code: 6 digits, or "再发一条短信". */
export async function onManageCode(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const verification = smsOn(ctx);
  if (!verification) return showBooking(ctx, data, String(data.phone));
  const text = chosen(ctx, data);
  if (/重新发送|重发|再发|没收到|收不到/.test(text)) return sendManageCode(ctx, data);
  const code = text.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(code)) return ask('manage_code', data, '请回复短信里的6位数字验证码（没收到可以点“再发一条短信”）：', CODE_OPTIONS);
  const outcome = await verification.use({ phone: String(data.phone), purpose: 'manage', code, now: ctx.now });
  if (!outcome.ok) {
    ctx.logger?.info({ reason: outcome.reason }, 'manage code refused in the chat');
    return ask('manage_code', data, refusalText(outcome), CODE_OPTIONS);
  }
  return showBooking(ctx, { ...data, numberProved: true }, String(data.phone));
}

/** The number is proved (or SMS is off): the booking, and the question of the chosen action. */
async function showBooking(ctx: FlowContext, data: Data, phone: string): Promise<FlowResult> {
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

export async function onCancelConfirm(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (!YES.test(text)) return done(reply('好的，预约保留不变。'));
  try {
    const appt = await cancelAppointment({ code: String(data.code), phone: String(data.phone), policy: policyOf(ctx), now: ctx.now });
    return done(reply(`预约 ${appt.code} 已取消。需要时可以重新预约。`));
  } catch (err) {
    return done(reply(`取消没有成功：${errorText(err)}`));
  }
}

/** The new slot is chosen (`data.start`): move the booking there. */
export async function doReschedule(ctx: FlowContext, data: Data): Promise<FlowResult> {
  try {
    const appt = await rescheduleVisit({ code: String(data.code), phone: String(data.phone), start: String(data.start), policy: policyOf(ctx), now: ctx.now });
    const conf = await confirmationReply(ctx, appt);
    return done(reply(`改约成功！\n${conf.text.replace(/^预约成功！/, '')}`));
  } catch (err) {
    if (err instanceof DomainError && err.code === 'slot_full') return askSlot(ctx, data, '这个时段刚刚被约满了。');
    return done(reply(`改约没有成功：${errorText(err)}`));
  }
}
