/**
 * CSV for Excel (pure): UTF-8 with a byte-order mark so Excel reads Chinese correctly, CRLF
 * line ends, RFC 4180 quoting. Cells that a spreadsheet would run as a formula (= + - @ …) are
 * prefixed with an apostrophe: names come from people.
 */
export const BOM = '\uFEFF';

export type Cell = string | number | boolean | null | undefined;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'boolean' ? (value ? '是' : '否') : value;
  // Full-width ＝ ＋ － ＠ (and other compatibility forms) count too: spreadsheets take them as formulas.
  if (typeof value === 'string' && /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\uFE6B\u2212]/.test(s.normalize('NFKC').slice(0, 1) || s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(headers: string[], rows: Cell[][]): string {
  return BOM + [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
