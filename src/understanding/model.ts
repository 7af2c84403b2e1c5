/**
 * A small statistical text classifier that generalises on surface features where the hand-written
 * rules have no pattern: multinomial logistic regression over character 1–3-grams and jieba words,
 * trained by scripts/train-nlu.ts and shipped as precomputed weights (src/understanding/data/model-weights.json),
 * so start-up does no training. Pure TypeScript.
 *
 * The intent and service models rank the other intents and break ties between services; the emergency
 * net (a binary model, see emergency-net.ts) may only ADD an emergency the rules missed, never remove one.
 */
import { segment } from './segment';

export interface LabelledText {
  /** Normalised text (see normalize() in segment.ts). */
  text: string;
  label: string;
  /** features(text), when the caller already extracted them (several models over the same texts). */
  features?: readonly string[];
}

export interface TrainOptions {
  epochs?: number;
  /** Adagrad learning rate. */
  rate?: number;
  /** L2 penalty per update (weight decay). */
  l2?: number;
}

const BOUNDARY = /[\s\p{P}\p{S}]+/gu;

/** Features of normalised text: character 1–3-grams within punctuation-free runs, plus jieba words. */
export function features(t: string): string[] {
  const out = new Set<string>();
  const runs = t.split(BOUNDARY).filter(Boolean);
  for (const run of runs) {
    const chars = Array.from(run);
    const padded = ['^', ...chars, '$'];
    for (let i = 0; i < padded.length; i++) {
      if (i > 0 && i < padded.length - 1) out.add(padded[i]);
      if (i + 1 < padded.length) out.add(padded[i] + padded[i + 1]);
      if (i + 2 < padded.length) out.add(padded[i] + padded[i + 1] + padded[i + 2]);
    }
  }
  for (const w of segment(t)) if (w.length > 1) out.add('w:' + w);
  // Message shape: question marks and exclamations carry intent (questions vs. reports vs. cries).
  if (/[?]/.test(t)) out.add('#q');
  if (/!/.test(t)) out.add('#!');
  const len = runs.join('').length;
  out.add(len <= 6 ? '#short' : len <= 16 ? '#mid' : '#long');
  return [...out];
}

/** A trained classifier as plain JSON data: weights row-major, one row of `labels.length` per feature. */
export interface SerializedClassifier {
  labels: string[];
  vocabulary: string[];
  bias: number[];
  weights: number[];
}

export interface Prediction {
  label: string;
  p: number;
}

/** Softmax regression over sparse binary features. */
export class TextClassifier {
  readonly labels: string[];
  private readonly index = new Map<string, number>();
  private readonly weights: Float64Array; // [feature][label]
  private readonly bias: Float64Array;

  private constructor(labels: string[], vocabulary: string[]) {
    this.labels = labels;
    vocabulary.forEach((f, i) => this.index.set(f, i));
    this.weights = new Float64Array(vocabulary.length * labels.length);
    this.bias = new Float64Array(labels.length);
  }

  static train(examples: LabelledText[], opts: TrainOptions = {}): TextClassifier {
    const epochs = opts.epochs ?? 8;
    const rate = opts.rate ?? 0.5;
    const l2 = opts.l2 ?? 1e-4;
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const docs = examples.map((e) => e.features ?? features(e.text));
    // Features seen once are noise for a corpus this size.
    const df = new Map<string, number>();
    for (const d of docs) for (const f of d) df.set(f, (df.get(f) ?? 0) + 1);
    const vocabulary = [...df.entries()].filter(([, n]) => n >= 2).map(([f]) => f);
    const model = new TextClassifier(labels, vocabulary);
    const k = labels.length;
    const x = docs.map((d) => Int32Array.from(d.map((f) => model.index.get(f) ?? -1).filter((i) => i >= 0)));
    const y = examples.map((e) => labelIndex.get(e.label) ?? 0);
    const gw = new Float64Array(model.weights.length).fill(1e-8);
    const gb = new Float64Array(k).fill(1e-8);
    const probs = new Float64Array(k);
    // A fixed shuffle (deterministic training, reproducible evaluation).
    const order = x.map((_, i) => i);
    let seed = 1234567;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const n of order) {
        const xi = x[n];
        model.scoresInto(xi, probs);
        softmaxInPlace(probs);
        for (let c = 0; c < k; c++) {
          const g = probs[c] - (c === y[n] ? 1 : 0);
          // Classes the example already rules out barely move: skipping them keeps training sparse and fast.
          if (g > -1e-3 && g < 1e-3) continue;
          gb[c] += g * g;
          model.bias[c] -= (rate * g) / Math.sqrt(gb[c]);
          for (let q = 0; q < xi.length; q++) {
            const w = xi[q] * k + c;
            const gg = g + l2 * model.weights[w];
            gw[w] += gg * gg;
            model.weights[w] -= (rate * gg) / Math.sqrt(gw[w]);
          }
        }
      }
    }
    return model;
  }

  private scoresInto(xi: Int32Array, out: Float64Array): void {
    const k = this.labels.length;
    for (let c = 0; c < k; c++) out[c] = this.bias[c];
    for (let q = 0; q < xi.length; q++) {
      const base = xi[q] * k;
      for (let c = 0; c < k; c++) out[c] += this.weights[base + c];
    }
  }

  /** Probabilities of every label for normalised text, in the order of `labels`. */
  probabilities(t: string): Float64Array {
    return this.probabilitiesOf(features(t));
  }

  /** Same as probabilities() for features already extracted with features(). */
  probabilitiesOf(feats: readonly string[]): Float64Array {
    const idx: number[] = [];
    for (const f of feats) {
      const i = this.index.get(f);
      if (i !== undefined) idx.push(i);
    }
    const out = new Float64Array(this.labels.length);
    this.scoresInto(Int32Array.from(idx), out);
    softmaxInPlace(out);
    return out;
  }

  /**
   * Plain data for shipping precomputed weights (see scripts/train-nlu.ts). Weights are rounded to
   * `decimals` places and features whose weights all round to zero are dropped (they change nothing).
   */
  toJSON(decimals = 4): SerializedClassifier {
    const k = this.labels.length;
    const f = 10 ** decimals;
    const round = (x: number): number => Math.round(x * f) / f || 0;
    const vocabulary: string[] = [];
    const weights: number[] = [];
    for (const [feature, i] of this.index) {
      const row = Array.from(this.weights.subarray(i * k, i * k + k), round);
      if (row.every((w) => w === 0)) continue;
      vocabulary.push(feature);
      weights.push(...row);
    }
    return { labels: [...this.labels], vocabulary, bias: Array.from(this.bias, round), weights };
  }

  /** The inverse of toJSON(). */
  static fromJSON(s: SerializedClassifier): TextClassifier {
    const k = s.labels.length;
    if (s.bias.length !== k || s.weights.length !== s.vocabulary.length * k) throw new Error('malformed classifier weights');
    const model = new TextClassifier([...s.labels], s.vocabulary);
    model.weights.set(s.weights);
    model.bias.set(s.bias);
    return model;
  }

  /** Labels ranked by probability. */
  predict(t: string): Prediction[] {
    const p = this.probabilities(t);
    return this.labels.map((label, i) => ({ label, p: p[i] })).sort((a, b) => b.p - a.p);
  }

  /** Probability of one label (0 for a label the model never saw). */
  probabilityOf(t: string, label: string): number {
    const i = this.labels.indexOf(label);
    return i < 0 ? 0 : this.probabilities(t)[i];
  }
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const s of v) if (s > max) max = s;
  let sum = 0;
  for (let i = 0; i < v.length; i++) { v[i] = Math.exp(v[i] - max); sum += v[i]; }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}
