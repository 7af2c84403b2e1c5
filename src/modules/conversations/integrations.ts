/**
 * Hooks into modules other engineers own, loaded lazily so the core works (and its tests
 * run) whether or not those modules are present yet:
 *  - surveys: handleSurveyAnswer() from src/modules/surveys/survey.service.ts
 * Once the module is in place this can become a plain import.
 */
import type { InboundMessage, OutboundReply } from '../../channels/types';

export type HandleSurveyAnswer = (msg: InboundMessage) => Promise<OutboundReply[] | null>;

interface SurveyModule {
  handleSurveyAnswer?: HandleSurveyAnswer;
}

let surveys: SurveyModule | null | undefined;

function surveyModule(): SurveyModule | null {
  if (surveys === undefined) {
    try {
      surveys = require('../surveys/survey.service') as SurveyModule;
    } catch (err) {
      // Only "the surveys module is not there yet" is expected; a broken surveys module must fail loudly.
      const e = err as { code?: string; message?: string };
      if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('survey.service')) throw err;
      surveys = null;
    }
  }
  return surveys;
}

export function loadSurveyHook(): HandleSurveyAnswer | null {
  return surveyModule()?.handleSurveyAnswer ?? null;
}
