import { DateTime } from 'luxon';
import { codeKind, normalizeCode } from '../../lib/codes';
import { appointmentStatusFacts } from '../appointments';
import { recordAudit } from '../audit';
import { findItemByCode, type Item, ITEM_KIND_LABELS, ITEM_STATUS_LABELS, type ItemKind, type ItemStatus } from '../items';
import { openTip } from '../tips';
import { visitItemCodes } from '../visits';

/**
 * "Where does my matter stand?" for residents without an account: one answer in plain Chinese
 * for a booking number (Y…), an item code (S…) or a tip code (J…, only with its secret).
 * It shows what the chat's 查询进度 shows and no more: status, times, place; never names,
 * mobile numbers, what anybody wrote or which officer handles it. Every tip look-up is audited.
 */
export interface StatusAnswer {
  kind: 'appointment' | 'item' | 'tip';
  code: string;
  title: string;
  /** The state in a few words, e.g. 已预约, 处理中. */
  state: string;
  /** What the resident should do next, in one or two sentences. */
  nextStep: string;
  facts: { label: string; value: string }[];
  /** Where to go for the next step (a page of this site), when there is one. */
  link: { href: string; text: string } | null;
}

export type StatusLookup =
  | { found: true; answer: StatusAnswer }
  | { found: false; reason: 'not_found' | 'secret_required' | 'tip_not_found' };

const APPOINTMENT_NEXT: Record<string, string> = {
  booked: '请按预约时间带齐材料到警务室办理。如需取消或改约，请在“预约办事”页面凭预约号和预约手机号办理。',
  checked_in: '您已签到，请在警务室等候叫号办理。',
  completed: '事项已办结，无需再做什么。感谢您的配合！',
  no_show: '您没有按时到场，这次预约已失效。如仍需办理，请重新预约。',
  cancelled: '这个预约已取消。如仍需办理，请重新预约。',
};

const ITEM_NEXT: Record<ItemStatus, string> = {
  new: '警务室已收到，民警会尽快处理。办公时间内一般当天回复，回复会发到您原来的对话里。',
  claimed: '民警正在处理。回复会发到您原来的对话里，请留意。',
  waiting: '民警在等您补充情况，请回到原来的对话里回复。',
  resolved: '事项已办结。如仍有问题，可以在原来的对话里继续留言。',
  closed: '事项已关闭。如有新情况，请重新咨询。',
};

const TIP_NEXT: Record<ItemStatus, string> = {
  new: '警务室已收到您的线索，民警会尽快核实。可凭编号和密码在“线索举报”页面补充情况。',
  claimed: '民警正在核实。如有新情况，可凭编号和密码在“线索举报”页面补充，也能看到民警的回复。',
  waiting: '民警在等您补充情况，请凭编号和密码到“线索举报”页面查看并回复。',
  resolved: '线索已处理完毕，感谢您的支持！',
  closed: '线索已关闭，感谢您的支持！',
};

function itemFacts(item: Item, zone: string) {
  const fmt = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy年M月d日 HH:mm');
  return [
    { label: '类型', value: ITEM_KIND_LABELS[item.kind as ItemKind] ?? item.kind },
    { label: '提交时间', value: fmt(item.createdAt) },
    { label: '最近更新', value: fmt(item.lastActivityAt) },
  ];
}

export async function lookUpStatus(props: { code: string; secret?: string | null; zone: string }): Promise<StatusLookup> {
  const code = normalizeCode(props.code);
  const kind = code ? codeKind(code) : null;
  if (!code || !kind) return { found: false, reason: 'not_found' };

  if (kind === 'appointment') {
    const f = await appointmentStatusFacts(code, props.zone);
    if (!f) return { found: false, reason: 'not_found' };
    // A 约访 whose talk became an item: its code, to look up next.
    const itemCode = (await visitItemCodes([code])).get(code) ?? null;
    return {
      found: true,
      answer: {
        kind: 'appointment',
        code,
        title: `预约 ${code}：${f.serviceName}`,
        state: f.statusLabel,
        nextStep: f.closedDayReason ?? APPOINTMENT_NEXT[f.status] ?? '',
        facts: [
          { label: '事项', value: f.serviceName },
          { label: '时间', value: f.when },
          { label: '地点', value: f.place },
          ...(itemCode ? [{ label: '已转为事项', value: `${itemCode}（输入此编号可查看办理进度）` }] : []),
        ],
        link:
          f.status === 'booked'
            ? { href: '/book/', text: '去取消或改约' }
            : f.closedDayReason
              ? { href: `/book/?room=${encodeURIComponent(f.room)}`, text: '重新预约' }
              : f.status === 'no_show' || f.status === 'cancelled'
                ? { href: '/book/', text: '重新预约' }
                : null,
      },
    };
  }

  if (kind === 'tip') {
    if (!props.secret) return { found: false, reason: 'secret_required' };
    const item = await openTip(code, props.secret);
    if (!item) return { found: false, reason: 'tip_not_found' };
    await recordAudit({ actor: { kind: 'tipster' }, action: 'tip.tipster_view', item, detail: '进度查询页' });
    const status = item.status as ItemStatus;
    return {
      found: true,
      answer: {
        kind: 'tip',
        code,
        title: `线索 ${code}`,
        state: ITEM_STATUS_LABELS[status] ?? item.status,
        nextStep: TIP_NEXT[status] ?? '',
        facts: itemFacts(item, props.zone),
        link: { href: '/tips/', text: '查看民警回复或补充情况' },
      },
    };
  }

  const item = await findItemByCode(code);
  if (!item || item.kind === 'tip') return { found: false, reason: 'not_found' };
  const status = item.status as ItemStatus;
  return {
    found: true,
    answer: {
      kind: 'item',
      code,
      title: `事项 ${code}`,
      state: ITEM_STATUS_LABELS[status] ?? item.status,
      nextStep: ITEM_NEXT[status] ?? '',
      facts: itemFacts(item, props.zone),
      link: status === 'waiting' || status === 'resolved' ? { href: `/?room=${encodeURIComponent(item.room)}`, text: '回到对话' } : null,
    },
  };
}
