/**
 * Honest measurement of the understanding core: scores on labelled examples, and cross-validation
 * by author (train the model on all batches but one, test on the one left out) or by k random folds.
 * Used by scripts/bench-understanding.ts (--cv) and the tests; no I/O here.
 */
import { detectEmergencyNormalized, isNotLive } from './emergency';
import { emergencyProbability } from './emergency-net';
import { FAQ_SEED } from './faq-seed';
import { createUnderstanding, type BlendOptions, type Understanding } from './index';
import { features } from './model';
import { normalize } from './segment';
import { trainModels, type TrainingExample } from './training';
import type { FaqEntry } from './types';

export interface Scores {
  n: number;
  intent: number;
  /** Service exact match over all examples (null must match null). */
  service: number;
  emergencyTp: number;
  emergencyFp: number;
  emergencyFn: number;
  recall: number;
  precision: number;
}

export function score(u: Understanding, examples: readonly TrainingExample[]): Scores {
  let intentOk = 0, serviceOk = 0, tp = 0, fp = 0, fn = 0;
  for (const e of examples) {
    const a = u.analyze(e.text);
    if (a.intent === e.intent) intentOk++;
    if (a.service === e.service) serviceOk++;
    const em = a.emergency !== null;
    if (em && e.emergency) tp++; else if (em) fp++; else if (e.emergency) fn++;
  }
  const n = examples.length || 1;
  return {
    n: examples.length,
    intent: intentOk / n,
    service: serviceOk / n,
    emergencyTp: tp,
    emergencyFp: fp,
    emergencyFn: fn,
    recall: tp + fn ? tp / (tp + fn) : 1,
    precision: tp + fp ? tp / (tp + fp) : 1,
  };
}

export interface FoldResult {
  fold: string;
  rules: Scores;
  blended: Scores;
}

/** Leave-one-source-out: for each source, rules alone vs. rules + a model trained on the other sources. */
export function crossValidateBySource(
  data: readonly TrainingExample[],
  opts: { faq?: FaqEntry[]; blend?: Partial<BlendOptions> } = {},
): FoldResult[] {
  const faq = opts.faq ?? FAQ_SEED;
  const rulesOnly = createUnderstanding({ faq, training: false });
  const sources = [...new Set(data.map((e) => e.source))];
  return sources.map((source) => {
    const test = data.filter((e) => e.source === source);
    const train = data.filter((e) => e.source !== source);
    const blended = createUnderstanding({ faq, training: train, blend: opts.blend });
    return { fold: source, rules: score(rulesOnly, test), blended: score(blended, test) };
  });
}

/** k random folds (a fixed shuffle), same comparison as crossValidateBySource. */
export function crossValidateKFold(
  data: readonly TrainingExample[],
  k = 5,
  opts: { faq?: FaqEntry[]; blend?: Partial<BlendOptions> } = {},
): FoldResult[] {
  const faq = opts.faq ?? FAQ_SEED;
  const rulesOnly = createUnderstanding({ faq, training: false });
  const order = data.map((_, i) => i);
  let seed = 7;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const results: FoldResult[] = [];
  for (let f = 0; f < k; f++) {
    const inFold = new Set(order.filter((_, i) => i % k === f));
    const test = data.filter((_, i) => inFold.has(i));
    const train = data.filter((_, i) => !inFold.has(i));
    const blended = createUnderstanding({ faq, training: train, blend: opts.blend });
    results.push({ fold: `fold ${f + 1}/${k}`, rules: score(rulesOnly, test), blended: score(blended, test) });
  }
  return results;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`.padStart(6);

/** A fixed-width table of fold results. */
export function formatFolds(results: readonly FoldResult[]): string {
  const rows = ['fold            n   intent rules→blend   service rules→blend   em. recall   em. precision'];
  const sum = (pick: (r: FoldResult) => Scores, f: (s: Scores) => number): number =>
    results.reduce((a, r) => a + f(pick(r)) * pick(r).n, 0) / results.reduce((a, r) => a + pick(r).n, 0);
  const line = (name: string, n: number, ri: number, bi: number, rs: number, bs: number, rec: string, prec: string): string =>
    `${name.padEnd(12)} ${String(n).padStart(4)}   ${pct(ri)} → ${pct(bi)}     ${pct(rs)} → ${pct(bs)}    ${rec.padStart(10)}   ${prec.padStart(12)}`;
  for (const r of results) {
    const b = r.blended;
    rows.push(line(r.fold, r.rules.n, r.rules.intent, b.intent, r.rules.service, b.service,
      `${pct(b.recall)} ${b.emergencyTp}/${b.emergencyTp + b.emergencyFn}`, `${pct(b.precision)} ${b.emergencyTp}/${b.emergencyTp + b.emergencyFp}`));
  }
  const tp = results.reduce((a, r) => a + r.blended.emergencyTp, 0);
  const fn = results.reduce((a, r) => a + r.blended.emergencyFn, 0);
  const fp = results.reduce((a, r) => a + r.blended.emergencyFp, 0);
  rows.push(line('all', results.reduce((a, r) => a + r.rules.n, 0),
    sum((r) => r.rules, (s) => s.intent), sum((r) => r.blended, (s) => s.intent),
    sum((r) => r.rules, (s) => s.service), sum((r) => r.blended, (s) => s.service),
    `${pct(tp + fn ? tp / (tp + fn) : 1)} ${tp}/${tp + fn}`, `${pct(tp + fp ? tp / (tp + fp) : 1)} ${tp}/${tp + fp}`));
  return rows.join('\n');
}

// --- The emergency safety net: leave-one-file-out, and the choice of its threshold.

export interface NetItem {
  gold: boolean;
  /** The rules flagged it. */
  rule: boolean;
  /** The net's probability (trained without this example's file). */
  p: number;
  /** The net may not fire: the message is framed as not happening now (isNotLive). */
  veto: boolean;
}

export interface NetFold {
  fold: string;
  items: NetItem[];
}

/** For each source: rules' verdicts and the probabilities of a net trained on the other sources. */
export function emergencyNetFolds(data: readonly TrainingExample[]): NetFold[] {
  const sources = [...new Set(data.map((e) => e.source))];
  return sources.map((source) => {
    const net = trainModels(data.filter((e) => e.source !== source))?.emergency ?? null;
    const items = data.filter((e) => e.source === source).map((e) => {
      const t = normalize(e.text);
      return { gold: e.emergency, rule: detectEmergencyNormalized(t) !== null, p: net ? emergencyProbability(net, features(t)) : 0, veto: isNotLive(t) };
    });
    return { fold: source, items };
  });
}

export interface RecallPrecision {
  tp: number;
  fp: number;
  fn: number;
  recall: number;
  precision: number;
}

/** Recall and precision of rules (+ net at threshold t; t > 1: rules alone; useRules false: net alone). */
export function netScores(items: readonly NetItem[], t: number, useRules = true): RecallPrecision {
  let tp = 0, fp = 0, fn = 0;
  for (const it of items) {
    const em = (useRules && it.rule) || (!it.veto && it.p >= t);
    if (em && it.gold) tp++; else if (em) fp++; else if (it.gold) fn++;
  }
  return { tp, fp, fn, recall: tp + fn ? tp / (tp + fn) : 1, precision: tp + fp ? tp / (tp + fp) : 1 };
}

/**
 * The threshold: the lowest t (most recall) at which rules + net keep precision ≥ minPrecision on EVERY
 * held-out file (an acceptance set is one such file), ties broken towards recall; 1.01 (net off) if none.
 */
export function chooseEmergencyThreshold(folds: readonly NetFold[], minPrecision = 0.9): number {
  for (let i = 1; i <= 99; i++) {
    const t = i / 100;
    if (folds.every((f) => netScores(f.items, t).precision >= minPrecision)) return t;
  }
  return 1.01;
}

/** A fixed-width table: per file, rules alone vs. rules + net vs. net alone at threshold t. */
export function formatNetFolds(folds: readonly NetFold[], t: number): string {
  const rp = (s: RecallPrecision): string =>
    `${pct(s.recall)} ${String(s.tp).padStart(3)}/${String(s.tp + s.fn).padEnd(3)} ${pct(s.precision)} ${String(s.tp).padStart(3)}/${String(s.tp + s.fp).padEnd(3)}`;
  const rows = [`threshold t = ${t}`, 'file          n    rules: recall      precision      rules+net: recall   precision      net alone: recall   precision'];
  const all = folds.flatMap((f) => f.items);
  for (const f of [...folds, { fold: 'all', items: all }]) {
    rows.push(`${f.fold.padEnd(11)} ${String(f.items.length).padStart(4)}   ${rp(netScores(f.items, 2))}   ${rp(netScores(f.items, t))}   ${rp(netScores(f.items, t, false))}`);
  }
  return rows.join('\n');
}
