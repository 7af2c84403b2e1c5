/**
 * The offline Chinese understanding core: emergency detection, intent, service mapping and
 * FAQ retrieval. Pure (no I/O); the only state is the in-memory retrieval index.
 */
import { findCodeInText } from '../lib/codes';
import { detectEmergencyNormalized } from './emergency';
import { classifyIntent } from './intent';
import { Retriever } from './retrieval';
import { normalize } from './segment';
import { detectService } from './service';
import type { Analysis, FaqEntry, Hit } from './types';

export { INTENTS, isIntent } from './types';
export type { Analysis, AppointmentAction, EmergencyInfo, EmergencyKind, FaqEntry, Hit, Intent } from './types';
export { detectEmergency, EMERGENCY_NUMBERS } from './emergency';
export { normalize, segment } from './segment';
export { detectService } from './service';
export { FAQ_SEED } from './faq-seed';

export interface Understanding {
  analyze(text: string): Analysis;
  retrieve(text: string, k?: number): Hit[];
  setFaq(entries: FaqEntry[]): void;
}

/** Minimum BM25 score for an FAQ hit to decide the service when no rule fired. */
const FAQ_SERVICE_MIN_SCORE = 15;
const FAQ_HITS = 3;

export function createUnderstanding(opts: { faq: FaqEntry[] }): Understanding {
  const retriever = new Retriever(opts.faq ?? []);

  function analyze(text: string): Analysis {
    const raw = typeof text === 'string' ? text : String(text ?? '');
    const t = normalize(raw);
    const code = findCodeInText(raw.normalize('NFKC'));
    const faqHits = retriever.search(t, FAQ_HITS, 'faq');
    const strip = (h: { kind: Hit['kind']; id: string; score: number }): Hit => ({ kind: h.kind, id: h.id, score: h.score });

    // Emergency first, always: nothing below may downgrade it.
    const emergency = detectEmergencyNormalized(t);
    if (emergency) {
      return { intent: 'emergency', service: null, emergency, confidence: 0.95, code, appointmentAction: null, faqHits: faqHits.map(strip) };
    }

    const svc = detectService(t);
    const decision = classifyIntent(t, { serviceScore: svc.score, hasCode: code !== null });
    let service = svc.service;
    let confidence = decision.confidence;
    if (decision.intent === 'service_question' && !service) {
      const top = faqHits[0];
      if (top && top.service && top.score >= FAQ_SERVICE_MIN_SCORE) {
        service = top.service;
        confidence = Math.min(confidence, 0.55);
      }
    }
    if (decision.intent !== 'service_question' && decision.intent !== 'appointment' && decision.intent !== 'status') service = null;
    if (service && svc.runnerUp > 0 && svc.score - svc.runnerUp < 2) confidence = Math.max(0.3, confidence - 0.15);

    return {
      intent: decision.intent,
      service,
      emergency: null,
      confidence: Math.round(confidence * 100) / 100,
      code,
      appointmentAction: decision.intent === 'appointment' ? decision.appointmentAction : null,
      faqHits: faqHits.map(strip),
    };
  }

  return {
    analyze,
    retrieve(text: string, k = 5): Hit[] {
      return retriever.search(normalize(String(text ?? '')), k).map((h) => ({ kind: h.kind, id: h.id, score: h.score }));
    },
    setFaq(entries: FaqEntry[]): void {
      retriever.setFaq(entries ?? []);
    },
  };
}
