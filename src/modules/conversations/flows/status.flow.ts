import { DateTime } from 'luxon';
import { codeKind, codeLookalikeHint, findCodeInText, findCodeLookalike } from '../../../lib/codes';
import { appointmentStatusText } from '../../appointments';
import { findItemByCode, type Item, ITEM_KIND_LABELS, ITEM_STATUS_LABELS, type ItemKind, type ItemStatus } from '../../items';
import { openTip } from '../../tips';
import { CANCEL_WORDS, NEW_QUESTION, THANKS_WORDS } from './common';
import type { Flow, FlowContext, FlowResult } from './types';

/**
 * Status by code: appointments (Y…), items (S…), tips (J…, only with the secret, and never
 * in a group). Shows status and times only — never the content or who wrote it, since anyone
 * who has seen a code could type it.
 */
const ASK_CODE = '请发送您的编号（Y开头为预约号，J开头为举报编号，S开头为事项编号，共8位）。';

/** "Y1234567": a code mistyped with a character codes never use; said so, and asked again. */
function lookalikeReply(typed: string): FlowResult {
  return {
    replies: [{ text: codeLookalikeHint(typed) }],
    state: { flow: 'status', step: 'code', data: {} },
  };
}

function itemStatusText(item: Pick<Item, 'code' | 'kind' | 'status' | 'lastActivityAt' | 'createdAt'>, zone: string): string {
  const fmt = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');
  return [
    `事项 ${item.code}（${ITEM_KIND_LABELS[item.kind as ItemKind] ?? item.kind}）`,
    `状态：${ITEM_STATUS_LABELS[item.status as ItemStatus] ?? item.status}`,
    `提交时间：${fmt(item.createdAt)}`,
    `最近更新：${fmt(item.lastActivityAt)}`,
  ].join('\n');
}

async function lookup(ctx: FlowContext, code: string): Promise<FlowResult> {
  const kind = codeKind(code);
  if (kind === 'appointment') {
    const text = await appointmentStatusText(code, ctx.config.APP_TIMEZONE);
    return { replies: [{ text: text ?? `没有找到预约号 ${code}，请核对后再试。` }], state: null };
  }
  if (kind === 'tip') {
    if (ctx.message.isGroup) {
      return { replies: [{ text: '举报进度需要查询密码，请私聊我或在网上警务室查询，不要在群里发送密码。' }], state: null };
    }
    return { replies: [{ text: `请发送举报编号 ${code} 的查询密码（提交时显示的20位密码）。` }], state: { flow: 'status', step: 'secret', data: { code } } };
  }
  const item = await findItemByCode(code);
  if (!item || item.kind === 'tip') return { replies: [{ text: `没有找到编号 ${code}，请核对后再试。` }], state: null };
  return { replies: [{ text: itemStatusText(item, ctx.config.APP_TIMEZONE) }], state: null };
}

async function checkTip(ctx: FlowContext, code: string, secret: string): Promise<FlowResult> {
  const item = await openTip(code, secret);
  if (!item) return { replies: [{ text: '编号或查询密码不正确。请核对后重新发送“查询进度”。' }], state: null };
  return { replies: [{ text: itemStatusText(item, ctx.config.APP_TIMEZONE) }], state: null };
}

export const statusFlow: Flow = {
  name: 'status',
  async start(ctx) {
    const code = ctx.analysis.code ?? findCodeInText(ctx.message.text);
    if (code) return lookup(ctx, code);
    const lookalike = findCodeLookalike(ctx.message.text);
    if (lookalike) return lookalikeReply(lookalike);
    if (ctx.openItemCode) return lookup(ctx, ctx.openItemCode);
    return { replies: [{ text: ASK_CODE }], state: { flow: 'status', step: 'code', data: {} } };
  },
  async resume(ctx) {
    const text = ctx.message.text.trim();
    if (CANCEL_WORDS.test(text)) return { replies: [{ text: '好的。' }], state: null };
    const state = ctx.state!;
    if (state.step === 'secret') return checkTip(ctx, String(state.data.code), text);
    const code = findCodeInText(text);
    const lookalike = findCodeLookalike(text);
    if (lookalike) return lookalikeReply(lookalike);
    // "谢谢" or a new question leaves the flow and is answered as itself.
    if (!code && (THANKS_WORDS.test(text) || NEW_QUESTION.test(text) || text.length > 12)) return { replies: [], state: null, pass: true };
    if (!code) return { replies: [{ text: `没有识别到编号。${ASK_CODE}` }], state: null };
    return lookup(ctx, code);
  },
};
