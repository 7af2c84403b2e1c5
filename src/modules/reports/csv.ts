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
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(headers: string[], rows: Cell[][]): string {
  return BOM + [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
