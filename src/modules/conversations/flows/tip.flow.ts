import { submitTip } from '../../tips';
import { Types } from 'mongoose';
import { appendResidentMessage, loadItem } from '../item-thread';
import { CANCEL_WORDS, detailsOf, NEW_QUESTION, originOf, THANKS_WORDS } from './common';
import type { Flow, FlowContext, FlowResult } from './types';

/**
 * Tip collection (private chat or web chat only — the core never starts it in a group):
 * details → anonymous or with contact → submitted with a J… code (and, when anonymous, a
 * secret shown once). Anonymous tips store no identity and are not linked to the conversation.
 */
const LEAD = /^(我要|我想|想|要)?(匿名)?(举报|检举|揭发|反映|提供)(一下|个|一个|点)?(线索|情况)?/;
const ANONYMOUS = /^(1|匿名|匿名提交|不留|不留名|不用留|不要留)/;
const WITH_CONTACT = /^(2|留|实名|留联系方式|留下联系方式|可以留)/;
const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/** Every tip conversation says where an emergency goes: a tip is read in office hours, not at once. */
const EMERGENCY_LINE = '如遇正在发生的危险或紧急情况，请直接拨打110，不要等待线索处理。';

const ANONYMITY_OPTIONS = [
  { label: '匿名提交', value: '匿名提交' },
  { label: '留下联系方式', value: '留下联系方式' },
];

function askDetails(): FlowResult {
  return {
    replies: [{ text: `请描述您要反映的线索：大概的时间、地点、涉及的人或车辆、发生了什么。只写您知道的即可。\n（发送“取消”可随时退出）\n${EMERGENCY_LINE}` }],
    state: { flow: 'tip', step: 'details', data: {} },
  };
}

function askAnonymity(details: string, channel: string): FlowResult {
  const wechatNote = channel === 'wechat' ? '\n提示：通过微信发送的内容对微信平台并不匿名；如介意，可改用网上警务室网页提交。' : '';
  return {
    replies: [{ text: `收到。您希望匿名提交，还是留下联系方式方便民警联系您？匿名提交时我们不保存您的任何身份信息。${wechatNote}\n${EMERGENCY_LINE}`, options: ANONYMITY_OPTIONS }],
    state: { flow: 'tip', step: 'anonymity', data: { details } },
  };
}

async function submit(ctx: FlowContext, details: string, anonymous: boolean, contact?: { name?: string; phone?: string }): Promise<FlowResult> {
  const room = ctx.room!;
  // submitTip stores no identity for anonymous tips (origin and contact are dropped there too).
  const origin = anonymous ? null : originOf(ctx.message);
  const { code, secret, item } = await submitTip({ room: room.code, text: details, anonymous, contact, origin, now: ctx.now, slaMinutes: ctx.config.SLA_MINUTES });
  const lines = [
    `线索已提交，感谢您的支持！`,
    `查询编号：${code}`,
    `查询密码：${secret}`,
    '密码只显示这一次，警务室也无法找回，请截图或抄下来保存。之后发送“查询进度”，再提供编号和密码即可查看处理情况。',
  ];
  if (ctx.message.channel === 'wechat') lines.push('提示：通过微信发送的消息对微信平台并不匿名；如需完全匿名，请使用网上警务室网页。');
  // Details sent right after the tip are added to it. A named tip, or an anonymous one from the
  // web chat (whose conversation carries no identity), keeps the tip's reference in the flow;
  // an anonymous tip from WeChat keeps none (nothing may tie it to the WeChat id), so further
  // details go through the tip page with code and secret.
  const keepRef = !anonymous || ctx.message.channel === 'web';
  lines.push(keepRef ? '如需补充时间、地点等细节，直接发给我即可，我会补充到这条线索里。' : `如需补充细节，请在网上警务室（${ctx.config.PUBLIC_URL}/tips/）用编号和密码补充。`);
  lines.push('紧急情况请直接拨打110。');
  ctx.logger?.info({ code, anonymous, room: room.code }, 'tip submitted from conversation');
  const state = keepRef ? { flow: 'tip', step: 'more', data: { item: String(item._id), code } } : null;
  // Anonymous tips are not linked to this conversation's memory as its open item.
  return { replies: [{ text: lines.join('\n') }], state, linkItem: anonymous ? undefined : { id: item._id, code } };
}

export const tipFlow: Flow = {
  name: 'tip',
  personalData: true,
  async start(ctx) {
    const text = ctx.message.text.trim();
    const details = detailsOf(text, LEAD);
    const wantsAnonymous = /匿名/.test(text);
    if (details.length < 8 || /^(吗|么|嘛|可以吗|行吗|能吗)/.test(details)) {
      const res = askDetails();
      if (wantsAnonymous) res.state!.data.anonymous = true;
      if (/能|可以|吗/.test(text) && wantsAnonymous) res.replies[0].text = `可以匿名。${res.replies[0].text}`;
      return res;
    }
    if (wantsAnonymous) return submit(ctx, text, true);
    return askAnonymity(text, ctx.message.channel);
  },
  async resume(ctx) {
    const text = ctx.message.text.trim();
    const state = ctx.state!;
    if (CANCEL_WORDS.test(text)) return { replies: [{ text: '好的，已取消，没有提交任何内容。' }], state: null };
    switch (state.step) {
      case 'more': {
        // Right after a tip: details are added to it; thanks, questions, codes and a new
        // (e.g. anonymous) tip leave the flow and are answered as themselves.
        if (/^(没有了?|没了|就这些|就这样|没有其他|无|不用了)[。.!！]*$/.test(text)) return { replies: [{ text: '好的，感谢您的支持。紧急情况请直接拨打110。' }], state: null };
        if (THANKS_WORDS.test(text) || NEW_QUESTION.test(text) || ctx.analysis.code || /匿名|举报|预约|投诉|查询/.test(text) || text.length < 4) return { replies: [], state: null, pass: true };
        const itemId = String(state.data.item ?? '');
        const item = Types.ObjectId.isValid(itemId) ? await loadItem(new Types.ObjectId(itemId)) : null;
        if (!item || item.kind !== 'tip') return { replies: [], state: null, pass: true };
        await appendResidentMessage(item, text, ctx.now, ctx.config.CLAIM_LEASE_MINUTES);
        return { replies: [{ text: `已补充到线索 ${item.code}。还有其他情况吗？没有的话回复“没有了”。` }], state };
      }
      case 'details': {
        if (text.length < 4) return { replies: [{ text: '请再具体描述一下：时间、地点、发生了什么。' }], state };
        if (state.data.anonymous) return submit(ctx, text, true);
        return askAnonymity(text, ctx.message.channel);
      }
      case 'anonymity': {
        const details = String(state.data.details ?? '');
        if (ANONYMOUS.test(text)) return submit(ctx, details, true);
        if (WITH_CONTACT.test(text) || PHONE.test(text)) {
          if (PHONE.test(text)) return submitWithContact(ctx, details, text);
          return {
            replies: [{ text: '请留下您的称呼和手机号，例如：王先生 13800000000。' }],
            state: { flow: 'tip', step: 'contact', data: { details } },
          };
        }
        return { replies: [{ text: '请选择“匿名提交”或“留下联系方式”。', options: ANONYMITY_OPTIONS }], state };
      }
      case 'contact': {
        const details = String(state.data.details ?? '');
        if (!PHONE.test(text)) {
          if (ANONYMOUS.test(text)) return submit(ctx, details, true);
          return { replies: [{ text: '没有识别到手机号，请输入11位手机号；不想留可以回复“匿名”。' }], state };
        }
        return submitWithContact(ctx, details, text);
      }
      default:
        return askDetails();
    }
  },
};

function submitWithContact(ctx: FlowContext, details: string, text: string): Promise<FlowResult> {
  const phone = PHONE.exec(text)?.[0];
  const name = text.replace(PHONE, '').replace(/[\s,，:：;；]+/g, ' ').replace(/^(2|留下联系方式|留联系方式|我叫|称呼)\s*/, '').trim().slice(0, 20) || undefined;
  return submit(ctx, details, false, { name, phone });
}
