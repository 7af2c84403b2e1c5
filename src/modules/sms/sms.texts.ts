import type { SmsPurpose } from './sms.types';

/**
 * The full text of each purpose as the resident reads it, from the same parameters the
 * template gets. The approved templates at the provider must say the same thing; the webhook
 * gateway and the outbox (for officers and logs) carry this text.
 */
const RENDER: Record<SmsPurpose, (p: Record<string, string>) => string> = {
  verify: (p) => `验证码${p.code}，${p.minutes}分钟内有效，仅用于网上警务室预约。请勿告诉他人，民警不会向您索要验证码。`,
  booking: (p) => `预约成功：${p.service}，${p.time}，预约受理号${p.code}。地址：${p.address}。请携带：${p.materials}。到窗口出示受理号即可。`,
  reminder: (p) => `提醒：您预约的${p.service}在${p.time}，地址：${p.address}，预约受理号${p.code}。`,
  reply: (p) => `民警已回复您反映的事项 ${p.item}，请查看 ${p.link}`,
  notice: (p) => `${p.room}发布${p.kind}：${p.title}。请登录志愿者页面查看全文：${p.link}`,
  cancel: (p) => `很抱歉，${p.room}${p.date}暂停办公，您预约的${p.service}（预约受理号${p.code}）已取消，请另约时间。`,
};

export function smsText(purpose: SmsPurpose, params: Record<string, string>, signName: string): string {
  return `【${signName}】${RENDER[purpose](params)}`;
}
