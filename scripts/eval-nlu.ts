/**
 * Evaluates the understanding core on a labelled JSONL file (like `rasa test nlu`):
 *   npm run eval:nlu -- test/fixtures/nlu.jsonl [--errors]
 * Lines: {"text": "...", "intent": "...", "service": "<key>|null", "emergency": true|false}.
 */
import { readFileSync } from 'node:fs';
import { createUnderstanding, FAQ_SEED, INTENTS, type Intent } from '../src/understanding';

interface Example {
  text: string;
  intent: Intent;
  service: string | null;
  emergency: boolean;
}

function pct(n: number, d: number): string {
  return d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const showErrors = args.includes('--errors');
  if (!file) {
    process.stderr.write('usage: npm run eval:nlu -- FILE.jsonl [--errors]\n');
    process.exit(2);
  }
  const examples: Example[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as Example;
      if (typeof e.text !== 'string' || !(INTENTS as readonly string[]).includes(e.intent)) throw new Error('bad fields');
      examples.push({ text: e.text, intent: e.intent, service: e.service ?? null, emergency: e.emergency === true });
    } catch (err) {
      process.stderr.write(`skipping line ${i + 1}: ${(err as Error).message}\n`);
    }
  });

  const u = createUnderstanding({ faq: FAQ_SEED });
  const confusion = new Map<string, number>();
  const key = (a: string, b: string): string => `${a}\u0000${b}`;
  let intentOk = 0;
  let serviceOk = 0;
  let serviceLabelled = 0;
  let serviceLabelledOk = 0;
  let emTp = 0, emFp = 0, emFn = 0;
  const errors: string[] = [];
  const started = process.hrtime.bigint();
  for (const e of examples) {
    const a = u.analyze(e.text);
    confusion.set(key(e.intent, a.intent), (confusion.get(key(e.intent, a.intent)) ?? 0) + 1);
    if (a.intent === e.intent) intentOk++;
    if (a.service === e.service) serviceOk++;
    if (e.service) { serviceLabelled++; if (a.service === e.service) serviceLabelledOk++; }
    const em = a.emergency !== null;
    if (em && e.emergency) emTp++; else if (em) emFp++; else if (e.emergency) emFn++;
    if (a.intent !== e.intent || a.service !== e.service || em !== e.emergency) {
      errors.push(`  ${e.intent}/${e.service ?? '-'} → ${a.intent}/${a.service ?? '-'}${em !== e.emergency ? ` (emergency ${em})` : ''}  ${e.text}`);
    }
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;

  const lines: string[] = [];
  lines.push(`NLU evaluation: ${file} (${examples.length} examples, ${ms.toFixed(0)} ms)`);
  lines.push('');
  lines.push('intent             precision  recall     f1  support');
  for (const intent of INTENTS) {
    let tp = 0, pred = 0, gold = 0;
    for (const [k, n] of confusion) {
      const [g, p] = k.split('\u0000');
      if (p === intent) pred += n;
      if (g === intent) gold += n;
      if (g === intent && p === intent) tp += n;
    }
    const prec = pred ? tp / pred : 0;
    const rec = gold ? tp / gold : 0;
    const f1 = prec + rec ? (2 * prec * rec) / (prec + rec) : 0;
    lines.push(`${intent.padEnd(18)} ${pct(tp, pred).padStart(9)} ${pct(tp, gold).padStart(7)} ${f1.toFixed(3).padStart(6)} ${String(gold).padStart(8)}`);
  }
  lines.push('');
  lines.push(`intent accuracy:          ${pct(intentOk, examples.length)} (${intentOk}/${examples.length})`);
  lines.push(`service accuracy (all):   ${pct(serviceOk, examples.length)} (${serviceOk}/${examples.length}, null must match null)`);
  lines.push(`service accuracy (keyed): ${pct(serviceLabelledOk, serviceLabelled)} (${serviceLabelledOk}/${serviceLabelled} examples labelled with a service)`);
  lines.push(`emergency recall:         ${pct(emTp, emTp + emFn)} (${emTp}/${emTp + emFn})`);
  lines.push(`emergency precision:      ${pct(emTp, emTp + emFp)} (${emTp}/${emTp + emFp})`);
  lines.push('');
  lines.push('confusion (rows = labelled, columns = predicted)');
  const abbrev = INTENTS.map((i) => i.slice(0, 7));
  lines.push(''.padEnd(18) + abbrev.map((a) => a.padStart(8)).join(''));
  for (const g of INTENTS) {
    lines.push(g.padEnd(18) + INTENTS.map((p) => String(confusion.get(key(g, p)) ?? 0).padStart(8)).join(''));
  }
  if (showErrors && errors.length) {
    lines.push('');
    lines.push(`errors (${errors.length}):`);
    lines.push(...errors);
  } else if (errors.length) {
    lines.push('');
    lines.push(`${errors.length} examples with an error; add --errors to list them.`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main();
