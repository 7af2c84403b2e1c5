import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createUnderstanding, FAQ_SEED } from '../../src/understanding';
import { parseTrainingData } from '../../src/understanding/training';
import { normalize } from '../../src/understanding/segment';

/**
 * Issue #17: a report of a crime that is not a danger right now is a tip, not an emergency, and no real
 * emergency is lost on the way. `test/fixtures/eval/nlu-crime-tips-17.jsonl` holds resident lines written
 * for this issue (emergencies and non-imminent crime reports, three batches a/b/c written one after the
 * other; b and c were measured before the rules saw them). It is never fed to scripts/train-nlu.ts.
 */
const root = path.resolve(__dirname, '..', '..');
const SET = path.join(root, 'test/fixtures/eval/nlu-crime-tips-17.jsonl');
const read = (p: string) => parseTrainingData(readFileSync(p, 'utf8'));
const set = read(SET);
const key = (text: string) => normalize(text).replace(/[\s\p{P}]/gu, '');

const trainingFiles = [
  path.join(root, 'src/understanding/data/training.jsonl'),
  ...readdirSync(path.join(root, 'test/fixtures')).filter((f) => /^nlu.*\.jsonl$/.test(f)).map((f) => path.join(root, 'test/fixtures', f)),
];

describe('non-imminent crime reports are tips (issue #17)', () => {
  const u = createUnderstanding({ faq: FAQ_SEED });

  it('the set is unseen: no line of it is in any training file, none twice, both kinds well represented', () => {
    const seen = new Set<string>();
    for (const f of trainingFiles) for (const e of read(f)) seen.add(key(e.text));
    expect(seen.size).toBeGreaterThan(1000);
    expect(set.filter((e) => seen.has(key(e.text))).map((e) => e.text)).toEqual([]);
    expect(new Set(set.map((e) => key(e.text))).size).toBe(set.length);
    expect(set.filter((e) => e.emergency).length).toBeGreaterThanOrEqual(100);
    expect(set.filter((e) => !e.emergency).length).toBeGreaterThanOrEqual(100);
  });

  it('emergency recall is 100 % and precision at least 95 %', () => {
    let tp = 0, fp = 0;
    const missed: string[] = [];
    for (const e of set) {
      const flagged = u.analyze(e.text).emergency !== null;
      if (flagged && e.emergency) tp++;
      else if (flagged) fp++;
      else if (e.emergency) missed.push(e.text);
    }
    expect(missed).toEqual([]);
    const precision = tp / (tp + fp);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });

  it('the crime reports are taken as tips (at least 90 %)', () => {
    const reports = set.filter((e) => !e.emergency);
    const tips = reports.filter((e) => u.analyze(e.text).intent === 'tip');
    expect(tips.length / reports.length).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    '后山坡上有人种了一片大烟，好几年了',
    '楼下超市老板拉了个群让人做任务返现，我觉得是骗人的',
    '有人自称是派出所的，在业主群里收办证的钱',
  ])('the issue\'s own line "%s" is a tip, not an emergency', (text) => {
    const a = u.analyze(text);
    expect(a.emergency).toBeNull();
    expect(a.intent).toBe('tip');
  });

  it.each([
    '有人正在撬隔壁的门，人还在楼道里',
    '骗子让我把钱转到安全账户，我正在转',
    '有人冒充公安打电话，让我马上转账',
    '卖假酒的那家店着火了，火很大',
  ])('a crime with a danger now stays an emergency: "%s"', (text) => {
    expect(u.analyze(text).emergency).not.toBeNull();
  });
});
