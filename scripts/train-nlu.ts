/**
 * Regenerates the shipped training data and the precomputed model weights:
 *   npx tsx scripts/train-nlu.ts [--check]
 * 1. src/understanding/data/training.jsonl ← every labelled fixture (test/fixtures/nlu*.jsonl), tagged by
 *    file (source) for leave-one-file-out cross-validation.
 * 2. Chooses the emergency safety net's threshold by leave-one-file-out cross-validation: the lowest
 *    probability at which rules + net keep precision ≥ 90% on every held-out file.
 * 3. Trains the intent, service and emergency models on everything and writes
 *    src/understanding/data/model-weights.json (imported by the code: start-up does no training).
 * --check: changes nothing, exits 1 when the shipped files are not what this script would write.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chooseEmergencyThreshold, emergencyNetFolds, formatNetFolds, netScores } from '../src/understanding/evaluate';
import { parseTrainingData, trainModels } from '../src/understanding/training';
import { serializeModels, trainingHash } from '../src/understanding/weights';

const ROOT = join(__dirname, '..');
const FIXTURES: Array<[file: string, source: string]> = [
  ['test/fixtures/nlu.jsonl', 'nlu'],
  ['test/fixtures/nlu-holdout.jsonl', 'holdout'],
  ['test/fixtures/nlu-holdout-2.jsonl', 'holdout-2'],
  ['test/fixtures/nlu-holdout-3.jsonl', 'holdout-3'],
];
const DATA_DIR = join(ROOT, 'src', 'understanding', 'data');
const TRAINING = join(DATA_DIR, 'training.jsonl');
const WEIGHTS = join(DATA_DIR, 'model-weights.json');
const MIN_PRECISION = 0.9;

/** The training file's text: one normalised-key JSON object a line, in fixture order. */
export function buildTrainingJsonl(root = ROOT): string {
  const lines: string[] = [];
  for (const [file, source] of FIXTURES) {
    const path = join(root, file);
    if (!existsSync(path)) throw new Error(`missing fixture ${file}`);
    for (const e of parseTrainingData(readFileSync(path, 'utf8'), source)) {
      lines.push(JSON.stringify({ text: e.text, intent: e.intent, service: e.service, emergency: e.emergency, source }));
    }
  }
  return lines.join('\n') + '\n';
}

function main(): void {
  const check = process.argv.includes('--check');
  const started = Date.now();
  const jsonl = buildTrainingJsonl();
  const data = parseTrainingData(jsonl);
  const log = (s: string): void => { process.stdout.write(s + '\n'); };
  log(`training data: ${data.length} examples, ${data.filter((e) => e.emergency).length} emergencies, from ${FIXTURES.length} files`);

  const folds = emergencyNetFolds(data);
  const threshold = chooseEmergencyThreshold(folds, MIN_PRECISION);
  log('\nemergency safety net, leave-one-file-out (net trained on the other files):');
  log(formatNetFolds(folds, threshold));

  const models = trainModels(data);
  if (!models) throw new Error('too little training data');
  const cv = {
    method: `leave-one-file-out; lowest threshold with rules+net precision >= ${MIN_PRECISION} on every held-out file`,
    folds: folds.map((f) => {
      const r = netScores(f.items, 2);
      const b = netScores(f.items, threshold);
      return { file: f.fold, n: f.items.length, rules: { recall: r.recall, precision: r.precision }, rulesPlusNet: { recall: b.recall, precision: b.precision } };
    }),
  };
  const weights = JSON.stringify(serializeModels(models, { trainingSha256: trainingHash(jsonl), examples: data.length, emergencyThreshold: threshold, cv }));
  log(`\ntrained in ${Date.now() - started} ms; weights ${(weights.length / 1024).toFixed(0)} KiB; emergency threshold ${threshold}`);

  if (check) {
    const same = existsSync(TRAINING) && readFileSync(TRAINING, 'utf8') === jsonl && existsSync(WEIGHTS) && readFileSync(WEIGHTS, 'utf8') === weights;
    log(same ? 'shipped files are up to date' : 'shipped files are OUT OF DATE: run npx tsx scripts/train-nlu.ts');
    process.exit(same ? 0 : 1);
  }
  writeFileSync(TRAINING, jsonl);
  writeFileSync(WEIGHTS, weights);
  log(`wrote ${TRAINING} and ${WEIGHTS}`);
}

if (require.main === module) main();
