import { findCodeInText } from '../../lib/codes';
import { detectEmergencyWithNet, type Analysis, type EmergencyInfo, type Understanding } from '../../understanding';
import { COMMANDS } from './replies';

/**
 * The one decision path for a resident's message: what the conversation core acts on and what
 * `npm run triage` reports. Both call these functions, so a plain "我要预约" is a booking in both.
 *
 *  1. emergency: the local rules, then the shipped safety net (pure, no I/O: it runs before anything
 *     else and must answer even when the database does not);
 *  2. the menu commands (the quick-reply buttons' own words) force their intent;
 *  3. a message that is exactly a service's name asks about that service;
 *  4. otherwise the understanding core decides.
 */

/** Quick-reply words that name their intent outright. */
const FORCED_INTENT: Record<string, Analysis['intent']> = {
  [COMMANDS.book]: 'appointment',
  [COMMANDS.status]: 'status',
  [COMMANDS.tip]: 'tip',
  [COMMANDS.dispute]: 'dispute',
  [COMMANDS.complaint]: 'complaint',
  [COMMANDS.info]: 'info',
};

/** Step 1: the emergency check (rules, then the safety net). */
export function decideEmergency(text: string): EmergencyInfo | null {
  return detectEmergencyWithNet(text.trim());
}

/** Steps 2–4, for a message the emergency check let pass. `services`: the catalog's keys and names. */
export function decideIntent(und: Understanding, text: string, services: ReadonlyArray<{ key: string; name: string }>): Analysis {
  const t = text.trim();
  const exact = t.length <= 20 ? services.find((s) => s.name === t) : undefined;
  const analysis: Analysis = exact
    ? { intent: 'service_question', service: exact.key as Analysis['service'], emergency: null, confidence: 1, code: null, appointmentAction: null, faqHits: [] }
    : und.analyze(t);
  const forced = FORCED_INTENT[t];
  if (forced) {
    analysis.intent = forced;
    analysis.emergency = null;
    analysis.confidence = 1;
    analysis.appointmentAction = forced === 'appointment' ? 'book' : null;
    if (forced !== 'appointment' && forced !== 'status') analysis.service = null;
  }
  return analysis;
}

/** The whole decision for one message (what triage reports). */
export function decide(und: Understanding, text: string, services: ReadonlyArray<{ key: string; name: string }>): Analysis {
  const emergency = decideEmergency(text);
  if (emergency) {
    return { intent: 'emergency', service: null, emergency, confidence: 0.95, code: findCodeInText(text.normalize('NFKC')), appointmentAction: null, faqHits: [] };
  }
  return decideIntent(und, text, services);
}
