/**
 * Triage resident messages from stdin, one JSON object per line: {"text": "..."}.
 * Writes one JSON line per input: {"intent","service","emergency","confidence"}; bad lines get {"error"}.
 * Blank lines are skipped. Nothing else is written to stdout. Decides exactly as the conversation core does
 * (the same function, src/modules/conversations/decide.ts), with the shipped catalog and FAQ.
 */
import { createInterface } from 'node:readline';
import { decide } from '../src/modules/conversations';
import { SERVICE_CATALOG } from '../src/lib/service-catalog';
import { createUnderstanding, FAQ_SEED } from '../src/understanding';

async function main(): Promise<void> {
  const understanding = createUnderstanding({ faq: FAQ_SEED });
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  const flush = async (): Promise<void> => {
    if (!out.length) return;
    const chunk = out.join('');
    out.length = 0;
    if (!process.stdout.write(chunk)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  };
  for await (const line of rl) {
    if (!line.trim()) continue;
    out.push(JSON.stringify(triageLine(line, understanding)) + '\n');
    if (out.length >= 256) await flush();
  }
  await flush();
}

function triageLine(line: string, understanding: ReturnType<typeof createUnderstanding>): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { error: 'invalid JSON' };
  }
  if (!input || typeof input !== 'object' || typeof (input as { text?: unknown }).text !== 'string') {
    return { error: 'expected an object with a string "text" field' };
  }
  try {
    // The conversation core's own decision (src/modules/conversations/decide.ts), on the shipped catalog and FAQ.
    const a = decide(understanding, (input as { text: string }).text, SERVICE_CATALOG);
    return { intent: a.intent, service: a.service, emergency: a.emergency !== null, confidence: a.confidence };
  } catch (err) {
    return { error: `analysis failed: ${(err as Error).message}` };
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`triage: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
