import { findCodeInText } from '../../../lib/codes';
import { DomainError } from '../../../lib/errors';
import { cancelAppointment, findForResident, formatSlot, normalizeMobile, rescheduleAppointment } from '../../appointments';
import { YES, chosen, type Data } from './booking.parse';
import { ask, askDay, askSlot, confirmationReply, done, errorText, policyOf, reply } from './booking.steps';
import type { FlowContext, FlowResult } from './types';

/**
 * Managing a booking in chat: cancel or reschedule, after the resident proves it with the code
 * and the mobile number. A reschedule picks the new day and slot with the booking steps.
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
    const appt = await rescheduleAppointment({ code: String(data.code), phone: String(data.phone), start: String(data.start), policy: policyOf(ctx), now: ctx.now });
    const conf = await confirmationReply(ctx, appt);
    return done(reply(`改约成功！\n${conf.text.replace(/^预约成功！/, '')}`));
  } catch (err) {
    if (err instanceof DomainError && err.code === 'slot_full') return askSlot(ctx, data, '这个时段刚刚被约满了。');
    return done(reply(`改约没有成功：${errorText(err)}`));
  }
}
