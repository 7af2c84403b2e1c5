/**
 * Whether a model answer may be posted into a group chat (pure). Everyone in the group reads it, so it
 * must rest on the catalog or FAQ entries it cites and carry nothing a resident could be misled by:
 *  - no links at all;
 *  - no number of three or more digits except the room's own phone number;
 *  - most of its wording found in the cited entries (a model that wanders off its sources is not posted).
 * An answer that fails is not posted; the core answers from the catalog/FAQ itself instead.
 */
const LINK = /https?:\/\/|www\.|[a-z0-9-]+\.(com|cn|net|org|gov|top|xyz|cc|io|me)\b/i;
const NUMBER = /\d[\d\s-]{1,}\d/g;
// Share of the answer's Chinese character pairs that must occur in the cited entries.
const MIN_GROUNDING = 0.5;

function bigrams(text: string): string[] {
  const cjk = text.replace(/[^\u4e00-\u9fa5]/g, '');
  const out: string[] = [];
  for (let i = 0; i + 1 < cjk.length; i++) out.push(cjk.slice(i, i + 2));
  return out;
}

export function safeForGroup(answer: string, opts: { citedTexts: string[]; roomPhone?: string | null }): boolean {
  if (!opts.citedTexts.length || LINK.test(answer)) return false;
  const own = (opts.roomPhone ?? '').replace(/\D/g, '');
  for (const m of answer.matchAll(NUMBER)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length >= 3 && !(own && own.includes(digits))) return false;
  }
  const grams = bigrams(answer);
  if (!grams.length) return false;
  const source = new Set(bigrams(opts.citedTexts.join('\n')));
  const grounded = grams.filter((g) => source.has(g)).length / grams.length;
  return grounded >= MIN_GROUNDING;
}
