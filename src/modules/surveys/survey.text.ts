import type { ReplyOption } from '../../lib/messages';
import { RATING_LABELS, type RatingValue } from './survey.model';

/** What residents read and type in a satisfaction survey (pure). */

export const RATING_OPTIONS: ReplyOption[] = [
  { label: '满意', value: '1' },
  { label: '基本满意', value: '2' },
  { label: '不满意', value: '3' },
];

const toHalfWidth = (s: string) => s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

function normalize(text: string): string {
  return toHalfWidth(text)
    .replace(/@\S+/g, '')
    .replace(/[\s。.!！,，、~～…"“”'‘’()（）【】[\]]/g, '')
    .toLowerCase();
}

/** A survey answer: "1"/"2"/"3" (WeChat, the web buttons) or the words themselves; null when the text is something else. */
export function parseRatingAnswer(text: string, options: { digits?: boolean } = {}): RatingValue | null {
  const t = normalize(text);
  if (t.length === 0 || t.length > 8) return null;
  if (options.digits === false && /^[123]/.test(t)) return null;
  if (/^(1|1满意|满意|非常满意|很满意|挺满意)$/.test(t)) return 'satisfied';
  if (/^(2|2基本满意|基本满意|一般|还行|还可以)$/.test(t)) return 'basic';
  if (/^(3|3不满意|不满意|很不满意|非常不满意|不太满意)$/.test(t)) return 'unsatisfied';
  return null;
}

/** "No comment" answers after the rating. */
export function isDecline(text: string): boolean {
  return /^(不用了?|不用谢|没有了?|没了|无|算了|不需要|没意见|没有意见|没什么|没啥|no|n|谢谢|好的?|ok)$/.test(normalize(text));
}

export function surveyQuestion(props: { subjectType: 'item' | 'appointment'; code: string | null; serviceName?: string | null; windowHours: number }): string {
  const what =
    props.subjectType === 'appointment'
      ? `您预约办理的${props.serviceName ? `“${props.serviceName}”` : '事项'}${props.code ? `（预约号 ${props.code}）` : ''}已办结`
      : `您反映的事项${props.code ? `（编号 ${props.code}）` : ''}已办结`;
  return [
    `${what}。请您对本次服务进行评价：`,
    '1 满意',
    '2 基本满意',
    '3 不满意',
    `直接回复数字即可（${props.windowHours}小时内有效）。您的评价将用于警务室的月度考核。`,
  ].join('\n');
}

export function askComment(rating: RatingValue): string {
  const lead = rating === 'unsatisfied' ? '感谢您的评价，很抱歉这次没能让您满意。' : `感谢您的评价（${RATING_LABELS[rating]}）！`;
  return `${lead}如有意见或建议，可直接回复告诉我们（可选）；不需要请回复“不用了”。`;
}

export const COMMENT_OPTIONS: ReplyOption[] = [{ label: '不用了', value: '不用了' }];

export const TEXT = {
  thanks: '好的，感谢您对警务室工作的支持！',
  commentThanks: '已收到您的意见，感谢您的反馈！',
  commentFollowup: '已收到您的意见，所领导将安排回访跟进。感谢您的反馈！',
  alreadyRated: '该事项您已评价过，每件事项只计一次评价。感谢您的支持！',
  late: (hours: number) => `抱歉，该评价已超过有效期（${hours}小时），未能计入。感谢您的支持！`,
};
