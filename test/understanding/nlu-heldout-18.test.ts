import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createUnderstanding, FAQ_SEED } from '../../src/understanding';
import { detectEmergency } from '../../src/understanding/emergency';
import { score } from '../../src/understanding/evaluate';
import { parseTrainingData } from '../../src/understanding/training';
import { normalize } from '../../src/understanding/segment';

/**
 * Understanding measured honestly (issue #18): `test/fixtures/eval/nlu-heldout-18.jsonl` was
 * written after the models were trained, by someone who did not read the training data, and is
 * never fed to scripts/train-nlu.ts. This test proves it shares no line with anything the models
 * learn from, and asserts its figures (thresholds a little under what was measured when the file
 * was written: intent 96.5 %, service 95.3 %, emergency recall 95 % / precision 95 %).
 */
const root = path.resolve(__dirname, '..', '..');
const HELDOUT = path.join(root, 'test/fixtures/eval/nlu-heldout-18.jsonl');
const read = (p: string) => parseTrainingData(readFileSync(p, 'utf8'));
const heldout = read(HELDOUT);

/** Everything the models are trained from: the shipped training data and every fixture train-nlu reads. */
const trainingFiles = [
  path.join(root, 'src/understanding/data/training.jsonl'),
  ...readdirSync(path.join(root, 'test/fixtures'))
    .filter((f) => /^nlu.*\.jsonl$/.test(f))
    .map((f) => path.join(root, 'test/fixtures', f)),
];
// Compared after the same normalisation the models apply (width, case, punctuation, spaces).
const key = (text: string) => normalize(text).replace(/[\s\p{P}]/gu, '');

describe('held-out understanding set (nlu-heldout-18)', () => {
  it('is a real held-out set: no line of it appears in any training file', () => {
    expect(heldout.length).toBeGreaterThanOrEqual(80);
    const seen = new Set<string>();
    for (const f of trainingFiles) for (const e of read(f)) seen.add(key(e.text));
    expect(seen.size).toBeGreaterThan(1000);
    const shared = heldout.filter((e) => seen.has(key(e.text))).map((e) => e.text);
    expect(shared).toEqual([]);
    // and no line twice within itself
    expect(new Set(heldout.map((e) => key(e.text))).size).toBe(heldout.length);
  });

  it('meets its thresholds: intent ≥ 92 %, service ≥ 90 %, emergency recall ≥ 90 % and precision ≥ 90 %', () => {
    const s = score(createUnderstanding({ faq: FAQ_SEED }), heldout);
    expect(s.n).toBe(heldout.length);
    expect(s.intent).toBeGreaterThanOrEqual(0.92);
    expect(s.service).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('the emergency classifier is live: it catches held-out emergencies the rules miss, and rules-only recall is lower', () => {
    const withNet = score(createUnderstanding({ faq: FAQ_SEED }), heldout);
    const rulesOnly = score(createUnderstanding({ faq: FAQ_SEED, blend: { emergencyNetMinP: 2 } }), heldout);
    expect(withNet.emergencyTp).toBeGreaterThan(rulesOnly.emergencyTp);
    const u = createUnderstanding({ faq: FAQ_SEED });
    const netOnly = heldout.filter((e) => e.emergency && detectEmergency(e.text) === null && u.analyze(e.text).emergency !== null);
    expect(netOnly.length).toBeGreaterThanOrEqual(1);
  });
});
