import type { ServiceKey } from '../lib/service-catalog';

/** The intents the resident-facing bot distinguishes. Order is stable (used by reports and evaluation). */
export const INTENTS = [
  'emergency',
  'service_question',
  'appointment',
  'tip',
  'dispute',
  'complaint',
  'info',
  'status',
  'chitchat',
] as const;

export type Intent = (typeof INTENTS)[number];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

export type EmergencyKind = 'police' | 'fire' | 'medical' | 'fraud' | 'missing';

export interface EmergencyInfo {
  kind: EmergencyKind;
  /** Numbers to call, most relevant first (e.g. ['96110', '110'] for fraud in progress). */
  numbers: string[];
}

export interface FaqEntry {
  id: string;
  question: string;
  answer: string;
  keywords?: string[];
  service?: ServiceKey | null;
}

export interface Hit {
  kind: 'faq' | 'service';
  /** FAQ id or service key. */
  id: string;
  score: number;
}

export type AppointmentAction = 'book' | 'change' | 'cancel';

export interface Analysis {
  intent: Intent;
  service: ServiceKey | null;
  emergency: EmergencyInfo | null;
  /** 0..1; rule matches score high, retrieval-only guesses low. */
  confidence: number;
  /** A follow-up code (Y…/J…/S…) found in the text, normalised to upper case. */
  code: string | null;
  appointmentAction: AppointmentAction | null;
  faqHits: Hit[];
}
