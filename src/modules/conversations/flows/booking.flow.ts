import { parseDayWords } from '../../appointments';
import { findService } from '../../services';
import { askCode, doReschedule, onCancelConfirm, onCode, onManageCode, onPhone } from './booking.manage';
import { ABANDON, splitContact, type Data } from './booking.parse';
import { onConfirm, onSmsCode } from './booking.confirm';
import { TALK_KEY } from '../../../lib/service-catalog';
import { FLOW, TALK_WORDS, ambiguousService, askContact, askDay, askService, askSlot, askTalkWith, done, onContact, onDay, onMaterials, onService, onSlot, onTalkWith, onTopic, policyOf, reply } from './booking.steps';
import type { Flow, FlowContext, FlowResult } from './types';

/**
 * The booking flow in chat (WeChat private chats and the web chat): making a booking
 * (booking.steps.ts), cancelling or rescheduling one by code + mobile (booking.manage.ts).
 * Every choice is offered as quick replies (the WeChat channel shows them numbered; a typed
 * number picks the option). Days may be typed in words (明天、下周二、12月3号), times too
 * (9点半、下午两点): booking.parse.ts.
 *
 * In a group the flow never collects a name or a number: it asks to continue in private.
 */

function groupRefusal(ctx: FlowContext): FlowResult {
  const link = `${ctx.config.PUBLIC_URL.replace(/\/$/, '')}/book/${ctx.room ? `?room=${encodeURIComponent(ctx.room.code)}` : ''}`;
  return done(
    reply(`预约需要填写姓名和手机号，群里的每个人都能看到，为保护您的隐私请不要在群里发送。\n请私聊我继续预约，或打开预约页面：${link}`),
  );
}

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
    // "约访" / "预约民警" / "找所长谈谈": with whom first (the room's officer, or a leader on the talk day).
    if (TALK_WORDS.test(ctx.message.text)) {
      const talk = await findService(TALK_KEY);
      if (talk) return askTalkWith(ctx, { ...data, service: talk.key, serviceName: talk.name });
    }
    const unclear = await ambiguousService(ctx, data);
    if (unclear) return unclear;
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
        return onSlot(ctx, data, data.mode === 'reschedule' ? doReschedule : askContact);
      case 'talk_with':
        return onTalkWith(ctx, data);
      case 'topic':
        return onTopic(ctx, data);
      case 'contact':
        return onContact(ctx, data);
      case 'materials':
        return onMaterials(ctx, data);
      case 'confirm':
        return onConfirm(ctx, data);
      case 'sms_code':
        return onSmsCode(ctx, data);
      case 'code':
        return onCode(ctx, data);
      case 'phone':
        return onPhone(ctx, data);
      case 'manage_code':
        return onManageCode(ctx, data);
      case 'cancel_confirm':
        return onCancelConfirm(ctx, data);
      default:
        return this.start(ctx);
    }
  },
};

// Exposed for tests of the pure parts.
export const bookingFlowInternals = { splitContact };
