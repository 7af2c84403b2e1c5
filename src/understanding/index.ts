/**
 * The offline Chinese understanding core: emergency detection, intent, service mapping and
 * FAQ retrieval. Pure (no I/O); the only state is the in-memory retrieval index.
 */
import { findCodeInText } from '../lib/codes';
import { detectEmergencyNormalized } from './emergency';
import { netEmergency } from './emergency-net';
import { appointmentAction, classifyIntent } from './intent';
import { features } from './model';
import { Retriever } from './retrieval';
import { normalize } from './segment';
import { scoreServices, SERVICE_MIN_SCORE } from './service';
import { NO_SERVICE, trainModels, type Models, type TrainingExample } from './training';
import { shippedEmergencyThreshold, shippedModels } from './weights';
import { INTENTS, type Analysis, type EmergencyInfo, type FaqEntry, type Hit, type Intent } from './types';
import type { ServiceKey } from '../lib/service-catalog';

export { INTENTS, isIntent } from './types';
export type { Analysis, AppointmentAction, EmergencyInfo, EmergencyKind, FaqEntry, Hit, Intent } from './types';
export { detectEmergency, EMERGENCY_NUMBERS } from './emergency';
export { normalize, segment } from './segment';
/** The bot's search words of a text (normalised, jieba search mode, stop words dropped): other searches use the same. */
export { tokenize } from './retrieval';
export { detectService } from './service';
export { FAQ_SEED } from './faq-seed';
export { loadTrainingData, parseTrainingData, type TrainingExample } from './training';

/**
 * Rules + safety net, for callers that check emergencies before anything else (the conversation
 * service): the rules' verdict, else the shipped net's at the shipped threshold.
 */
// The model may name a service the rules missed only when the text speaks of the police room's
// matters at all ("社保卡怎么办理" is another office's business, not residence_permit).
const SERVICE_DOMAIN_WORD = /户|身份|身分|居住|暂住|证|登记|迁|出生|新生|生娃|生孩|死|去世|走了|注销|分家|消防|火|电动车|电瓶|充电|丢|掉|捡|失物|出入境|护照|通行证|签注|港澳|台湾|出国|出租|租|房东|房客|犯罪|案底|临时|补办|补领|换|更正|改|民族|生日|簿|本/;

export function detectEmergencyWithNet(text: string): EmergencyInfo | null {
  const t = normalize(String(text ?? ''));
  const ruled = detectEmergencyNormalized(t);
  if (ruled || !t) return ruled;
  const net = shippedModels()?.emergency;
  return net ? netEmergency(net, t, shippedEmergencyThreshold()) : null;
}

export interface Understanding {
  analyze(text: string): Analysis;
  retrieve(text: string, k?: number): Hit[];
  setFaq(entries: FaqEntry[]): void;
}

/** Minimum BM25 score for an FAQ hit to decide the service when no rule fired. */
const FAQ_SERVICE_MIN_SCORE = 15;
const FAQ_HITS = 3;

/** How rule decisions and the statistical model are combined (tuned by cross-validation, see evaluate.ts). */
export interface BlendOptions {
  /** Rule decisions at or above this confidence win outright. */
  ruleWins: number;
  /** Weight of the rule's vote against the model's probabilities (0..1) below that confidence. */
  ruleWeight: number;
  /** Model probability needed to name a service no rule found. */
  serviceMinP: number;
  /** Rule-score gap under which the model breaks a tie between services. */
  serviceTieGap: number;
  /**
   * Emergency-net probability at or above which a message the rules let pass is treated as an emergency
   * (chosen by leave-one-file-out cross-validation, shipped with the weights); > 1 turns the net off.
   */
  emergencyNetMinP: number;
}

export const DEFAULT_BLEND: BlendOptions = {
  ruleWins: 0.9, ruleWeight: 0.5, serviceMinP: 0.7, serviceTieGap: 1, emergencyNetMinP: shippedEmergencyThreshold(),
};

export interface UnderstandingOptions {
  faq: FaqEntry[];
  /**
   * Labelled examples to train the statistical models on in memory (cross-validation); default: the
   * shipped precomputed weights (no training at start-up); false: rules only.
   */
  training?: readonly TrainingExample[] | false;
  blend?: Partial<BlendOptions>;
}

const MODEL_INTENTS = INTENTS.filter((i) => i !== 'emergency');

export function createUnderstanding(opts: UnderstandingOptions): Understanding {
  const retriever = new Retriever(opts.faq ?? []);
  const blend: BlendOptions = { ...DEFAULT_BLEND, ...(opts.blend ?? {}) };
  const models: Models | null = opts.training === false ? null : opts.training ? trainModels(opts.training) : shippedModels();

  function analyze(text: string): Analysis {
    const raw = typeof text === 'string' ? text : String(text ?? '');
    const t = normalize(raw);
    const code = findCodeInText(raw.normalize('NFKC'));
    const faqHits = retriever.search(t, FAQ_HITS, 'faq');
    const strip = (h: { kind: Hit['kind']; id: string; score: number }): Hit => ({ kind: h.kind, id: h.id, score: h.score });

    // Emergency first, always: nothing below may downgrade it. The rules decide; when they find nothing,
    // the safety net may still flag the message (never the reverse).
    const feats = models ? features(t) : null;
    const ruled = detectEmergencyNormalized(t);
    const emergency = ruled ?? (models?.emergency && feats ? netEmergency(models.emergency, t, blend.emergencyNetMinP, feats) : null);
    if (emergency) {
      return {
        intent: 'emergency', service: null, emergency, confidence: ruled ? 0.95 : 0.6, code, appointmentAction: null, faqHits: faqHits.map(strip),
      };
    }

    const ranked = scoreServices(t);
    const topScore = ranked[0]?.score ?? 0;
    const runnerUp = ranked[1]?.score ?? 0;
    const decision = classifyIntent(t, { serviceScore: topScore, hasCode: code !== null });
    let intent: Exclude<Intent, 'emergency'> = decision.intent;
    let confidence = decision.confidence;
    let service: ServiceKey | null = topScore >= SERVICE_MIN_SCORE ? ranked[0].service : null;

    // Below the rules' sure decisions, the rule votes with the model's probabilities.
    if (models && feats && code === null && confidence < blend.ruleWins) {
      const p = models.intent.probabilitiesOf(feats);
      const labels = models.intent.labels;
      const other = (1 - confidence) / (MODEL_INTENTS.length - 1);
      let best = intent;
      let bestScore = -1;
      for (const candidate of MODEL_INTENTS) {
        const li = labels.indexOf(candidate);
        const pm = li < 0 ? 0 : p[li];
        const s = blend.ruleWeight * (candidate === decision.intent ? confidence : other) + (1 - blend.ruleWeight) * pm;
        if (s > bestScore) { bestScore = s; best = candidate; }
      }
      if (best !== intent) { intent = best; confidence = Math.min(0.75, bestScore); }
    }

    const wantsService = intent === 'service_question' || intent === 'appointment' || intent === 'status';
    if (models && feats && wantsService) {
      const ps = models.service.probabilitiesOf(feats);
      const prob = (k: string): number => { const i = models.service.labels.indexOf(k); return i < 0 ? 0 : ps[i]; };
      if (service && runnerUp > 0 && topScore - runnerUp < blend.serviceTieGap) {
        // Close rule scores: the model breaks the tie among the services the rules found.
        const close = ranked.filter((r) => topScore - r.score < blend.serviceTieGap);
        service = close.reduce((a, b) => (prob(b.service) > prob(a.service) ? b : a)).service;
      } else if (!service && !(decision.general && intent === decision.intent)) {
        let bestKey = NO_SERVICE;
        let bestP = 0;
        models.service.labels.forEach((k, i) => { if (ps[i] > bestP) { bestP = ps[i]; bestKey = k; } });
        if (bestKey !== NO_SERVICE && bestP >= blend.serviceMinP && SERVICE_DOMAIN_WORD.test(t)) {
          service = bestKey as ServiceKey;
          confidence = Math.min(confidence, 0.6);
        }
      }
    }
    if (intent === 'service_question' && !service) {
      const top = faqHits[0];
      if (top && top.service && top.score >= FAQ_SERVICE_MIN_SCORE) {
        service = top.service;
        confidence = Math.min(confidence, 0.55);
      }
    }
    if (!wantsService) service = null;
    if (service && runnerUp > 0 && topScore - runnerUp < 2) confidence = Math.max(0.3, confidence - 0.15);

    return {
      intent,
      service,
      emergency: null,
      confidence: Math.round(confidence * 100) / 100,
      code,
      appointmentAction: intent === 'appointment' ? (decision.intent === 'appointment' ? decision.appointmentAction : appointmentAction(t)) : null,
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
