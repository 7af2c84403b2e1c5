/**
 * Pure template rendering: `{{room.name}}`-style placeholders replaced by values. Lines that
 * end up empty because an optional placeholder was empty (e.g. `{{moved_note}}` when the date
 * did not move) are dropped, so texts never carry blank gaps.
 */
const PLACEHOLDER = /\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}/g;

export type TemplateValues = Record<string, string | number | null | undefined>;

export function renderTemplate(text: string, values: TemplateValues): string {
  const lines = text.split('\n').map((line) => {
    const hadPlaceholder = PLACEHOLDER.test(line);
    PLACEHOLDER.lastIndex = 0;
    const rendered = line.replace(PLACEHOLDER, (_, name: string) => {
      const v = values[name];
      return v === null || v === undefined ? '' : String(v);
    });
    return { rendered, drop: hadPlaceholder && rendered.trim() === '' };
  });
  return lines
    .filter((l) => !l.drop)
    .map((l) => l.rendered)
    .join('\n')
    .trim();
}

/** Placeholder names a text uses. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}
