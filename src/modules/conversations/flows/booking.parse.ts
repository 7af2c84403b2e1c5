import { DateTime } from 'luxon';
import type { ReplyOption } from '../messages';
import { WEEKDAYS, isoWeekday, normalizeMobile, parseTimeWords, type SlotView } from '../../appointments';
import type { FlowContext } from './types';

/** Reading the resident's words in the booking flow (options picked by number, times, name + mobile) and the labels it shows. */

export const ABANDON = /^(算了|不用了|不约了|不办了|不预约了|退出|结束|返回|返回菜单|菜单)$/;
export const YES = /^(确认|确定|是|是的|对|好|好的|可以|没问题|确认预约|确认取消|已备齐|备齐了|齐了|有|都有|ok)$/i;
export const NO = /^(不|否|不是|不对|没有|还没|还没有|没备齐|不确认)$/;

/** What the flow keeps between messages; `offered` are the quick replies of the last question. */
export type Data = Record<string, unknown> & { offered?: ReplyOption[] };

/** A typed number picks an offered option ("2" → the second one). */
export function chosen(ctx: FlowContext, data: Data): string {
  const text = ctx.message.text.trim();
  const offered = data.offered ?? [];
  const n = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= offered.length) return offered[n - 1].value;
  const byLabel = offered.find((o) => o.label === text);
  return byLabel ? byLabel.value : text;
}

/** The offered slot start the resident picked: by number, by the value itself, or by a time in words ("9点半"). */
export function pickSlot(ctx: FlowContext, data: Data, zone: string): string | null {
  const text = chosen(ctx, data);
  const starts = (data.slots as string[] | undefined) ?? [];
  if (starts.includes(text)) return text;
  const minutes = parseTimeWords(text);
  if (minutes === null) return null;
  return starts.find((s) => {
    const t = DateTime.fromISO(s, { zone }).setZone(zone);
    return t.hour * 60 + t.minute === minutes;
  }) ?? null;
}

/** "张三 13800138000", "姓名：欧阳娜娜，电话138-1234-5678" → name and mobile (each null when missing). */
export function splitContact(text: string): { name: string | null; phone: string | null } {
  const m = /(\+?86[- ]?)?1[3-9]\d[\d\s-]{8,10}/.exec(text);
  const phone = m ? normalizeMobile(m[0]) : null;
  const rest = (m ? text.replace(m[0], ' ') : text).replace(/(姓名|名字|手机号?|电话|号码|我叫|我是)[:：]?/g, ' ').replace(/[，,。;；:：\s]+/g, ' ').trim();
  const name = rest && /^[\p{L}·•. ]{1,20}$/u.test(rest) ? rest.replace(/\s+/g, '') : null;
  return { name: name && name.length <= 20 ? name : null, phone };
}

export function dayLabel(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${WEEKDAYS[isoWeekday(date)]}`;
}

export function slotLabel(s: SlotView, zone: string): string {
  const a = DateTime.fromISO(s.start, { zone }).setZone(zone);
  const b = DateTime.fromISO(s.end, { zone }).setZone(zone);
  return `${a.toFormat('HH:mm')}–${b.toFormat('HH:mm')}（余${s.remaining}）`;
}
