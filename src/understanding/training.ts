/**
 * The labelled examples the statistical models learn from, shipped with the code in
 * `src/understanding/data/training.jsonl` (one JSON object a line: text, intent, service, emergency,
 * source = who wrote the batch, used to cross-validate by author). Regenerated from the labelled fixtures by
 * scripts/train-nlu.ts, which also trains the models and ships their weights (data/model-weights.json):
 * the product does not read this file at start-up; scripts and tests do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_KEYS, type ServiceKey } from '../lib/service-catalog';
import { trainEmergencyNet } from './emergency-net';
import { features, TextClassifier } from './model';
import { normalize } from './segment';
import { isIntent, type Intent } from './types';

export interface TrainingExample {
  text: string;
  intent: Intent;
  service: ServiceKey | null;
  emergency: boolean;
  source: string;
}

/** Where the shipped file lives: next to this module, or (compiled build in dist/) in the source tree. */
function defaultPath(): string | null {
  const candidates = [
    join(__dirname, 'data', 'training.jsonl'),
    resolve(__dirname, '..', '..', '..', 'src', 'understanding', 'data', 'training.jsonl'),
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Parses JSONL training text; malformed lines and unknown labels are skipped. */
export function parseTrainingData(jsonl: string, defaultSource = 'data'): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    let e: Partial<TrainingExample>;
    try {
      e = JSON.parse(line) as Partial<TrainingExample>;
    } catch {
      continue;
    }
    if (typeof e.text !== 'string' || !isIntent(e.intent)) continue;
    const service = typeof e.service === 'string' && (SERVICE_KEYS as readonly string[]).includes(e.service) ? e.service : null;
    out.push({ text: e.text, intent: e.intent, service, emergency: e.emergency === true, source: e.source ?? defaultSource });
  }
  return out;
}

let cached: TrainingExample[] | null = null;

/** The shipped training examples (empty when the file is missing: the rules then work alone). */
export function loadTrainingData(path?: string): TrainingExample[] {
  if (!path && cached) return cached;
  const p = path ?? defaultPath();
  const data = p && existsSync(p) ? parseTrainingData(readFileSync(p, 'utf8')) : [];
  if (!path) cached = data;
  return data;
}

/** Label of the service model for examples without a service. */
export const NO_SERVICE = 'none';

export interface Models {
  intent: TextClassifier;
  service: TextClassifier;
  /** The emergency safety net (emergency vs. not), null when the data has too few emergencies. */
  emergency: TextClassifier | null;
}

/**
 * Trains the intent model (non-emergency intents only: emergencies are the rules' job), the service
 * model (service key, or NO_SERVICE) and the emergency safety net (all examples, emergency vs. not).
 * Returns null when there is too little data to learn from.
 */
export function trainModels(examples: readonly TrainingExample[]): Models | null {
  const all = examples.map((e) => { const t = normalize(e.text); return { ...e, t, f: features(t) }; });
  const norm = all.filter((e) => e.intent !== 'emergency');
  if (norm.length < 20 || new Set(norm.map((e) => e.intent)).size < 2) return null;
  const intent = TextClassifier.train(norm.map((e) => ({ text: e.t, features: e.f, label: e.intent })));
  const service = TextClassifier.train(norm.map((e) => ({ text: e.t, features: e.f, label: e.service ?? NO_SERVICE })));
  const emergency = trainEmergencyNet(all.map((e) => ({ text: e.t, features: e.f, emergency: e.emergency })));
  return { intent, service, emergency };
}
