import { DateTime } from 'luxon';
import { DomainError } from '../../../lib/errors';
import type { SlotView } from '../../appointments';
import { bookVisit } from '../../visits';
import { YES, chosen, dayLabel, slotLabel, type Data } from './booking.parse';
import { ask, askConfirm, askDay, confirmationReply, done, errorText, policyOf, reply } from './booking.steps';
import type { ChatVerification, FlowContext, FlowResult } from './types';

/**
 * The last step of a booking in chat: the resident confirms, then (SMS on) proves the number.
 *  - Web chat with SMS on: a 6-digit code is texted to the number and the resident types it
 *    back; a wrong code may be typed again (5 tries), an expired or used one is sent anew.
 *  - WeChat and WeCom: the resident is known to WeChat, so no code, except for the
 *    VERIFIED_FROM-th active booking on one number (someone else's number could be behind it).
 */

/** With SMS on, the third active booking on one number needs the number verified, whatever the channel. */
export const VERIFIED_FROM = 3;

export const CODE_OPTIONS = [
  { label: '再发一条短信', value: '再发一条短信' },
  { label: '不约了', value: '不约了' },
];

export const maskPhone = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(7)}`;

export function smsOn(ctx: FlowContext): ChatVerification | null {
  return ctx.verification?.enabled ? ctx.verification : null;
}

export async function onConfirm(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const text = chosen(ctx, data);
  if (/重新|换|改/.test(text)) return askDay(ctx, data);
  if (!YES.test(text)) return askConfirm(ctx, data);
  // The web chat knows nothing of who is typing: with SMS on, the number is proved first.
  if (smsOn(ctx) && ctx.message.channel === 'web') return sendCode(ctx, data);
  return bookNow(ctx, data, null);
}

/** Texts a code to the booking's number and asks for it. A refused request (a limit) is said plainly. */
async function sendCode(ctx: FlowContext, data: Data, lead = ''): Promise<FlowResult> {
  const verification = smsOn(ctx);
  if (!verification) return bookNow(ctx, data, null);
  const phone = String(data.phone);
  try {
    await verification.request({ phone, purpose: 'booking', clientKey: ctx.message.clientKey ?? `${ctx.message.channel}:${ctx.message.conversationId}`, now: ctx.now });
  } catch (err) {
    const why = errorText(err);
    return ask('sms_code', data, `${lead}${why}\n收到验证码后请直接回复；没收到可以稍后点“再发一条短信”。`, CODE_OPTIONS);
  }
  ctx.logger?.info({ room: data.room }, 'booking code texted from the chat');
  return ask(
    'sms_code',
    data,
    `${lead}为确认手机号是您本人的，已向 ${maskPhone(phone)} 发送6位短信验证码，5分钟内有效。请直接回复短信里的验证码：`,
    CODE_OPTIONS,
  );
}

export const REFUSED: Record<'missing' | 'expired' | 'locked' | 'used', string> = {
  missing: '还没有给这个号码发送验证码，请点“再发一条短信”。',
  expired: '验证码已过期（5分钟内有效），请点“再发一条短信”获取新的验证码。',
  locked: '验证码输错次数过多，已经失效，请点“再发一条短信”获取新的验证码。',
  used: '这个验证码已经用过了，请点“再发一条短信”获取新的验证码。',
};

/** Why a typed code was refused, in plain Chinese (a wrong code says how many tries are left). */
export function refusalText(outcome: { reason: 'missing' | 'expired' | 'wrong' | 'locked' | 'used'; triesLeft?: number }): string {
  return outcome.reason === 'wrong'
    ? `验证码不正确，请核对短信后重新输入${outcome.triesLeft !== undefined ? `（还可以试${outcome.triesLeft}次）` : ''}：`
    : REFUSED[outcome.reason];
}

/** The resident's answer to "请回复验证码": 6 digits, or "再发一条短信". */
export async function onSmsCode(ctx: FlowContext, data: Data): Promise<FlowResult> {
  const verification = smsOn(ctx);
  if (!verification) return bookNow(ctx, data, null);
  const text = chosen(ctx, data);
  if (/重新发送|重发|再发|没收到|收不到/.test(text)) return sendCode(ctx, data);
  const code = text.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(code)) return ask('sms_code', data, '请回复短信里的6位数字验证码（没收到可以点“再发一条短信”）：', CODE_OPTIONS);
  const outcome = await verification.use({ phone: String(data.phone), purpose: 'booking', code, now: ctx.now });
  if (!outcome.ok) {
    ctx.logger?.info({ reason: outcome.reason }, 'booking code refused in the chat');
    return ask('sms_code', data, refusalText(outcome), CODE_OPTIONS);
  }
  return bookNow(ctx, data, outcome);
}

/** Books; `proof` is the used code (given back when the booking fails, so it can be used again). */
async function bookNow(ctx: FlowContext, data: Data, proof: { release?: () => Promise<void> } | null): Promise<FlowResult> {
  const policy = policyOf(ctx);
  const msg = ctx.message;
  try {
    // The visits module's door to the engine: the same booking, plus "a leader only on the talk day".
    const appt = await bookVisit({
      room: String(data.room),
      service: String(data.service),
      start: String(data.start),
      name: String(data.name),
      phone: String(data.phone),
      materialsConfirmed: data.materialsConfirmed === true,
      topic: typeof data.topic === 'string' ? data.topic : null,
      talkWith: data.talkWith === 'leader' || data.talkWith === 'officer' ? data.talkWith : null,
      origin: { channel: msg.channel, conversationId: msg.conversationId, isGroup: false },
      source: 'bot',
      verified: proof !== null,
      verifiedFrom: smsOn(ctx) ? VERIFIED_FROM : null,
      policy,
      now: ctx.now,
      logger: ctx.logger,
    });
    ctx.logger?.info({ code: appt.code, room: appt.room, verified: proof !== null }, 'appointment booked in chat');
    return done(await confirmationReply(ctx, appt));
  } catch (err) {
    await proof?.release?.();
    if (err instanceof DomainError && err.code === 'verification_required' && proof === null && smsOn(ctx)) {
      // The third booking on this number from WeChat: prove the number like on the web.
      return sendCode(ctx, data, `${errorText(err)}。\n`);
    }
    if (err instanceof DomainError && err.code === 'slot_full' && data.talkWith === 'leader') return askDay(ctx, data, '刚刚这个时段被约满了。');
    if (err instanceof DomainError && err.code === 'leader_only_on_talk_day') return askDay(ctx, data, errorText(err));
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
