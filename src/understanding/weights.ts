/**
 * The precomputed weights of the statistical models (intent, service, emergency net), trained by
 * `npx tsx scripts/train-nlu.ts` from data/training.jsonl and shipped as data/model-weights.json.
 * The JSON is imported (resolveJsonModule), so `tsc` copies it into dist and start-up does no training
 * and reads no training data. A test checks the weights match the current training file (hash) and
 * what training on it produces.
 */
import { createHash } from 'node:crypto';
import shippedJson from './data/model-weights.json';
import { TextClassifier, type SerializedClassifier } from './model';
import type { Models } from './training';

export interface ShippedWeights {
  format: 1;
  /** sha256 of data/training.jsonl the models were trained from. */
  trainingSha256: string;
  examples: number;
  /** Emergency-net probability at or above which a message the rules let pass is an emergency. */
  emergencyThreshold: number;
  intent: SerializedClassifier | null;
  service: SerializedClassifier | null;
  emergency: SerializedClassifier | null;
  /** How the threshold was chosen (leave-one-file-out figures), for the record. */
  cv?: unknown;
}

/** Used when no threshold was shipped (a net trained in memory without cross-validation). */
export const DEFAULT_EMERGENCY_THRESHOLD = 0.5;

export function trainingHash(jsonl: string): string {
  return createHash('sha256').update(jsonl, 'utf8').digest('hex');
}

export function serializeModels(models: Models, meta: { trainingSha256: string; examples: number; emergencyThreshold: number; cv?: unknown }): ShippedWeights {
  return {
    format: 1,
    trainingSha256: meta.trainingSha256,
    examples: meta.examples,
    emergencyThreshold: meta.emergencyThreshold,
    intent: models.intent.toJSON(),
    service: models.service.toJSON(),
    emergency: models.emergency ? models.emergency.toJSON() : null,
    ...(meta.cv === undefined ? {} : { cv: meta.cv }),
  };
}

export function modelsFromWeights(w: ShippedWeights): Models | null {
  if (!w.intent || !w.service) return null;
  return {
    intent: TextClassifier.fromJSON(w.intent),
    service: TextClassifier.fromJSON(w.service),
    emergency: w.emergency ? TextClassifier.fromJSON(w.emergency) : null,
  };
}

export const SHIPPED_WEIGHTS = shippedJson as unknown as ShippedWeights;

let cached: Models | null | undefined;

/** The shipped models, built once from the JSON (null when the file holds no weights). */
export function shippedModels(): Models | null {
  if (cached === undefined) cached = modelsFromWeights(SHIPPED_WEIGHTS);
  return cached;
}

/** The shipped emergency threshold. */
export function shippedEmergencyThreshold(): number {
  return typeof SHIPPED_WEIGHTS.emergencyThreshold === 'number' ? SHIPPED_WEIGHTS.emergencyThreshold : DEFAULT_EMERGENCY_THRESHOLD;
}
