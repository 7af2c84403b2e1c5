import { createUnderstanding } from '../../understanding';
import type { FaqEntry } from '../../understanding/types';
import { SERVICE_CATALOG } from '../../lib/service-catalog';
import { FAQ_ANSWER_MIN_SCORE } from './conversation.service';
import { decide } from './decide';
import { emergencyReply } from './replies';

const INTENT_LABELS: Record<string, string> = {
  emergency: '紧急警情',
  service_question: '办事咨询',
  appointment: '预约',
  status: '查询进度',
  tip: '线索举报',
  dispute: '矛盾纠纷',
  complaint: '投诉',
  info: '警务室信息',
  chitchat: '闲聊',
};

export interface UnderstandingPreview {
  intent: string;
  intentLabel: string;
  service: string | null;
  serviceName: string | null;
  emergency: boolean;
  confidence: number;
  /** Which FAQ entry would answer (score at or above the answering threshold), if any. */
  faq: { id: string; question: string; score: number } | null;
  /** What the resident would be told first, in short. */
  answer: string;
}

/**
 * How a sample message is understood against a given FAQ (the stored one, or a draft with an
 * edit applied), for the admins' "试一试" box: intent, service, emergency, and the answer it
 * would get — the same understanding core and the same FAQ threshold the conversation uses.
 */
export function previewUnderstanding(text: string, faq: FaqEntry[]): UnderstandingPreview {
  const understanding = createUnderstanding({ faq });
  // The conversation's own decision (decide.ts), on the shipped catalog.
  const a = decide(understanding, text, SERVICE_CATALOG);
  const entries = new Map(faq.map((e) => [e.id, e]));
  const top = a.faqHits.find((h) => h.kind === 'faq' && h.score >= FAQ_ANSWER_MIN_SCORE && entries.has(h.id));
  const entry = top ? entries.get(top.id)! : null;
  const service = a.service ? SERVICE_CATALOG.find((s) => s.key === a.service) ?? null : null;
  let answer: string;
  if (a.emergency) answer = emergencyReply(a.emergency, null).text;
  else if (entry) answer = entry.answer;
  else if (service) answer = `（回复“${service.name}”的办理说明：所需材料、办理方式和时限）`;
  else answer = '（没有匹配的问答，机器人会请对方换个说法，或转给民警）';
  return {
    intent: a.intent,
    intentLabel: INTENT_LABELS[a.intent] ?? a.intent,
    service: a.service,
    serviceName: service?.name ?? null,
    emergency: Boolean(a.emergency),
    confidence: Math.round(a.confidence * 100) / 100,
    faq: entry && top ? { id: entry.id, question: entry.question, score: Math.round(top.score * 10) / 10 } : null,
    answer,
  };
}
