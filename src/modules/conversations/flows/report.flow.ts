import { createItem, DEFAULT_SLA_MINUTES, ITEM_KIND_LABELS } from '../../items';
import { expectedWithin } from '../replies';
import { CANCEL_WORDS, SKIP_WORDS, detailsOf, originOf, slaMinutes } from './common';
import type { Flow, FlowContext, FlowResult } from './types';

/**
 * Disputes and complaints: collect what happened (and, for disputes, where), then create an
 * item for the room's officers and give the resident its S… code. Private or web chat only.
 */
type ReportKind = 'dispute' | 'complaint';

const LEAD: Record<ReportKind, RegExp> = {
  dispute: /^(我要|我想|想|要)?(反映|反应|说说|说一下)?(个|一个|一下)?(邻里)?(纠纷|矛盾|问题|情况)?(调解)?/,
  complaint: /^(我要|我想|想|要)?(投诉|反映)(一下|个|一个)?/,
};

const ASK_DETAILS: Record<ReportKind, string> = {
  dispute: '请说说具体情况：和谁（如楼上、对门，不用写姓名）发生了什么、持续多久了。\n（发送“取消”可随时退出）',
  complaint: '请说明您要投诉的情况：时间、窗口或民警、具体经过。我们会如实转交督导处理。\n（发送“取消”可随时退出）',
};

async function create(ctx: FlowContext, kind: ReportKind, details: string, place: string | null): Promise<FlowResult> {
  const room = ctx.room!;
  const text = place ? `${details}\n地点：${place}` : details;
  const item = await createItem({
    room: room.code,
    kind,
    text,
    origin: originOf(ctx.message),
    slaMinutes: ctx.config.SLA_MINUTES,
    now: ctx.now,
  });
  const within = expectedWithin(slaMinutes(ctx.config.SLA_MINUTES, kind, DEFAULT_SLA_MINUTES[kind]));
  const lines = [`已登记您反映的${ITEM_KIND_LABELS[kind]}，事项编号：${item.code}。`, `民警一般${within}联系您，复杂情况会先告知进展。您在这里继续发的消息也会转给民警。`];
  if (kind === 'complaint') lines.push('您也可以拨打12389公安民警投诉举报电话。');
  if (kind === 'dispute') lines.push('如发生打骂、冲突，请立即拨打110。');
  ctx.logger?.info({ code: item.code, kind, room: room.code }, 'item created from conversation');
  return { replies: [{ text: lines.join('\n') }], state: null, linkItem: { id: item._id, code: item.code } };
}

export function createReportFlow(kind: ReportKind): Flow {
  const afterDetails = (ctx: FlowContext, details: string): Promise<FlowResult> | FlowResult => {
    if (kind === 'dispute') {
      return {
        replies: [{ text: '发生在哪里？例如小区名、几号楼几单元（不用写门牌也可以）。不方便说可以回复“跳过”。' }],
        state: { flow: kind, step: 'place', data: { details } },
      };
    }
    return create(ctx, kind, details, null);
  };
  return {
    name: kind,
    personalData: true,
    async start(ctx) {
      const text = ctx.message.text.trim();
      const rest = detailsOf(text, LEAD[kind]);
      if (rest.length < 10) return { replies: [{ text: ASK_DETAILS[kind] }], state: { flow: kind, step: 'details', data: {} } };
      return afterDetails(ctx, text);
    },
    async resume(ctx) {
      const text = ctx.message.text.trim();
      const state = ctx.state!;
      if (CANCEL_WORDS.test(text)) return { replies: [{ text: '好的，已取消，没有提交任何内容。' }], state: null };
      if (state.step === 'details') {
        if (text.length < 4) return { replies: [{ text: '请再具体说说发生了什么。' }], state };
        return afterDetails(ctx, text);
      }
      if (state.step === 'place') {
        return create(ctx, kind, String(state.data.details ?? ''), SKIP_WORDS.test(text) ? null : text.slice(0, 200));
      }
      return { replies: [{ text: ASK_DETAILS[kind] }], state: { flow: kind, step: 'details', data: {} } };
    },
  };
}

export const disputeFlow = createReportFlow('dispute');
export const complaintFlow = createReportFlow('complaint');
