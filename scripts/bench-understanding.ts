/**
 * Throughput of analyze() with the catalog plus FAQs of 100, 1,000 and 5,000 entries
 * (the seed FAQ padded with synthetic entries). Run: npx tsx scripts/bench-understanding.ts [--cv]
 * --cv also prints cross-validation of the statistical models: leave-one-author-out (train on the other labelled
 * batches, test on the one left out) and 5 random folds, each comparing rules alone with rules + model, and the
 * emergency safety net per file.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createUnderstanding, FAQ_SEED, type FaqEntry } from '../src/understanding';
import { SERVICE_KEYS } from '../src/lib/service-catalog';
import { crossValidateBySource, crossValidateKFold, emergencyNetFolds, formatFolds, formatNetFolds } from '../src/understanding/evaluate';
import { shippedEmergencyThreshold } from '../src/understanding/weights';
import { loadTrainingData, trainModels } from '../src/understanding/training';

const WORDS = ['身份证', '户口', '居住证', '预约', '材料', '证明', '登记', '迁移', '补办', '换领', '消防', '电动车', '护照', '签注',
  '派出所', '社区', '民警', '周末', '办理', '时间', '孩子', '老人', '房子', '出租', '丢失', '捡到', '诈骗', '举报', '调解', '邻居'];

function syntheticFaq(n: number): FaqEntry[] {
  const faq = FAQ_SEED.slice(0, Math.min(n, FAQ_SEED.length));
  let seed = 42;
  const rnd = (m: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % m; };
  for (let i = faq.length; i < n; i++) {
    const base = FAQ_SEED[i % FAQ_SEED.length];
    const extra = Array.from({ length: 4 }, () => WORDS[rnd(WORDS.length)]);
    faq.push({
      id: `synthetic-${i}`,
      question: `${base.question}（${extra.slice(0, 2).join('、')}）`,
      answer: `${base.answer} ${extra.join(' ')}`,
      keywords: [...(base.keywords ?? []), ...extra.slice(2)],
      service: SERVICE_KEYS[rnd(SERVICE_KEYS.length)],
    });
  }
  return faq;
}

function messages(): string[] {
  const file = join(__dirname, '..', 'test', 'fixtures', 'nlu.jsonl');
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
  }
  return ['孩子刚出生怎么上户口？', '身份证丢了咋办', '有人在撬我家门！', '想预约办居住证', '这个月18号开放日几点开始？'];
}

function main(): void {
  // Start-up: the shipped weights are imported JSON (no training); the first analyze() builds the models
  // and loads jieba's dictionary.
  const s0 = process.hrtime.bigint();
  createUnderstanding({ faq: FAQ_SEED }).analyze('预热');
  process.stdout.write(`start-up (shipped weights + jieba + seed FAQ, first analysis): ${(Number(process.hrtime.bigint() - s0) / 1e6).toFixed(0)} ms\n\n`);
  const msgs = messages();
  const rows: string[] = [];
  rows.push('FAQ size   build ms   analyses   msgs/s   mean µs   p99 µs');
  for (const size of [100, 1000, 5000]) {
    const faq = syntheticFaq(size);
    const t0 = process.hrtime.bigint();
    const u = createUnderstanding({ faq });
    u.analyze('预热');
    const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    for (let i = 0; i < 500; i++) u.analyze(msgs[i % msgs.length]); // warm up
    const n = 5000;
    const lat: number[] = new Array(n);
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      u.analyze(msgs[i % msgs.length]);
      lat[i] = Number(process.hrtime.bigint() - s) / 1e3;
    }
    const totalS = Number(process.hrtime.bigint() - start) / 1e9;
    lat.sort((a, b) => a - b);
    const mean = lat.reduce((a, b) => a + b, 0) / n;
    rows.push(`${String(size).padStart(8)} ${buildMs.toFixed(0).padStart(10)} ${String(n).padStart(10)} ${(n / totalS).toFixed(0).padStart(8)} ${mean.toFixed(0).padStart(9)} ${lat[Math.floor(n * 0.99)].toFixed(0).padStart(8)}`);
  }
  process.stdout.write(rows.join('\n') + '\n');

  const data = loadTrainingData();
  const t0 = process.hrtime.bigint();
  trainModels(data);
  process.stdout.write(`\nmodel training (scripts/train-nlu.ts only; start-up loads shipped weights): ${data.length} examples in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms\n`);
  if (process.argv.includes('--cv')) {
    process.stdout.write('\ncross-validation by author (train on the other batches, test on this one; rules were tuned on nlu and holdout):\n');
    process.stdout.write(formatFolds(crossValidateBySource(data)) + '\n');
    process.stdout.write('\nemergency safety net by file (rules alone vs rules + net vs net alone, shipped threshold):\n');
    process.stdout.write(formatNetFolds(emergencyNetFolds(data), shippedEmergencyThreshold()) + '\n');
    process.stdout.write('\n5-fold cross-validation (random, fixed seed):\n');
    process.stdout.write(formatFolds(crossValidateKFold(data, 5)) + '\n');
  }
}

main();
