/**
 * Server-rendered SVG charts (pure): no chart library, nothing from a CDN, works in print.
 * Every text is XML-escaped. Served as image/svg+xml and shown with <img>, so nothing in them
 * can run in the page.
 */
const FONT = "'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif";
const COLORS = { bar: '#2563eb', bar2: '#93c5fd', flagged: '#dc2626', target: '#d97706', grid: '#e5e7eb', text: '#374151', muted: '#6b7280' };

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const n2 = (v: number) => Math.round(v * 10) / 10;

function svg(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${xmlEscape(title)}" font-family="${FONT}">`,
    `<title>${xmlEscape(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function text(x: number, y: number, s: string, opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; fill?: string; weight?: string } = {}): string {
  return `<text x="${n2(x)}" y="${n2(y)}" font-size="${opts.size ?? 12}" text-anchor="${opts.anchor ?? 'start'}" fill="${opts.fill ?? COLORS.text}"${opts.weight ? ` font-weight="${opts.weight}"` : ''}>${xmlEscape(s)}</text>`;
}

/** Horizontal bars: satisfaction per room, the target line, bars under it in red. */
export function rankingChart(props: { title: string; rows: Array<{ label: string; percent: number | null; flagged: boolean }>; targetPercent: number }): string {
  const rowH = 26;
  const left = 150;
  const right = 60;
  const width = 640;
  const top = 34;
  const height = top + Math.max(1, props.rows.length) * rowH + 28;
  const plotW = width - left - right;
  const x = (p: number) => left + (Math.max(0, Math.min(100, p)) / 100) * plotW;
  const body: string[] = [text(8, 20, props.title, { size: 14, weight: 'bold' })];
  for (const tick of [0, 25, 50, 75, 100]) {
    body.push(`<line x1="${n2(x(tick))}" y1="${top - 4}" x2="${n2(x(tick))}" y2="${height - 24}" stroke="${COLORS.grid}"/>`);
    body.push(text(x(tick), height - 8, `${tick}%`, { size: 10, anchor: 'middle', fill: COLORS.muted }));
  }
  if (props.rows.length === 0) body.push(text(left, top + 16, '本月暂无评价数据', { fill: COLORS.muted }));
  props.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = r.label.length > 11 ? `${r.label.slice(0, 10)}…` : r.label;
    body.push(text(left - 8, y + 16, label, { anchor: 'end' }));
    if (r.percent === null) {
      body.push(text(left + 4, y + 16, '无评价', { fill: COLORS.muted, size: 11 }));
    } else {
      body.push(`<rect x="${left}" y="${y + 4}" width="${n2(x(r.percent) - left)}" height="${rowH - 10}" fill="${r.flagged ? COLORS.flagged : COLORS.bar}" rx="2"/>`);
      body.push(text(x(r.percent) + 4, y + 16, `${r.percent}%${r.flagged ? ' ⚠' : ''}`, { size: 11, fill: r.flagged ? COLORS.flagged : COLORS.text }));
    }
  });
  body.push(`<line x1="${n2(x(props.targetPercent))}" y1="${top - 8}" x2="${n2(x(props.targetPercent))}" y2="${height - 24}" stroke="${COLORS.target}" stroke-width="2" stroke-dasharray="5 3"/>`);
  body.push(text(x(props.targetPercent), top - 10, `${props.targetPercent}%考核线`, { size: 10, anchor: 'middle', fill: COLORS.target }));
  return svg(width, height, props.title, body);
}

/** A line of monthly satisfaction over 12 months, with the target line; months without answers leave a gap. */
export function trendChart(props: { title: string; points: Array<{ label: string; percent: number | null; flagged: boolean }>; targetPercent: number }): string {
  const width = 640;
  const height = 260;
  const left = 44;
  const right = 16;
  const top = 36;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const minP = Math.min(50, ...props.points.filter((p) => p.percent !== null).map((p) => Math.floor((p.percent as number) / 10) * 10));
  const y = (p: number) => top + plotH - ((p - minP) / (100 - minP)) * plotH;
  const step = props.points.length > 1 ? plotW / (props.points.length - 1) : 0;
  const x = (i: number) => left + i * step;
  const body: string[] = [text(8, 20, props.title, { size: 14, weight: 'bold' })];
  for (let p = minP; p <= 100; p += 10) {
    body.push(`<line x1="${left}" y1="${n2(y(p))}" x2="${width - right}" y2="${n2(y(p))}" stroke="${COLORS.grid}"/>`);
    body.push(text(left - 6, y(p) + 4, `${p}%`, { size: 10, anchor: 'end', fill: COLORS.muted }));
  }
  body.push(`<line x1="${left}" y1="${n2(y(props.targetPercent))}" x2="${width - right}" y2="${n2(y(props.targetPercent))}" stroke="${COLORS.target}" stroke-width="2" stroke-dasharray="5 3"/>`);
  body.push(text(width - right, y(props.targetPercent) - 4, `${props.targetPercent}%考核线`, { size: 10, anchor: 'end', fill: COLORS.target }));
  const segments: string[][] = [[]];
  props.points.forEach((pt, i) => {
    body.push(text(x(i), height - bottom + 16, pt.label, { size: 10, anchor: 'middle', fill: COLORS.muted }));
    if (pt.percent === null) {
      if (segments[segments.length - 1].length > 0) segments.push([]);
      return;
    }
    segments[segments.length - 1].push(`${n2(x(i))},${n2(y(pt.percent))}`);
  });
  for (const seg of segments) if (seg.length > 1) body.push(`<polyline points="${seg.join(' ')}" fill="none" stroke="${COLORS.bar}" stroke-width="2"/>`);
  props.points.forEach((pt, i) => {
    if (pt.percent === null) return;
    body.push(`<circle cx="${n2(x(i))}" cy="${n2(y(pt.percent))}" r="4" fill="${pt.flagged ? COLORS.flagged : COLORS.bar}"/>`);
    body.push(text(x(i), y(pt.percent) - 8, `${pt.percent}`, { size: 9, anchor: 'middle', fill: pt.flagged ? COLORS.flagged : COLORS.text }));
  });
  return svg(width, height, props.title, body);
}

/** Paired vertical bars per day: received and resolved. */
export function dailyChart(props: { title: string; days: string[]; received: number[]; resolved: number[] }): string {
  const width = 640;
  const height = 220;
  const left = 36;
  const right = 12;
  const top = 40;
  const bottom = 28;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...props.received, ...props.resolved);
  const niceMax = Math.ceil(max / 5) * 5 || 5;
  const slot = plotW / Math.max(1, props.days.length);
  const barW = Math.max(1, slot / 2 - 1);
  const y = (v: number) => top + plotH - (v / niceMax) * plotH;
  const body: string[] = [text(8, 20, props.title, { size: 14, weight: 'bold' })];
  body.push(`<rect x="${width - 170}" y="10" width="10" height="10" fill="${COLORS.bar}"/>`, text(width - 156, 19, '受理', { size: 11 }));
  body.push(`<rect x="${width - 110}" y="10" width="10" height="10" fill="${COLORS.bar2}"/>`, text(width - 96, 19, '办结', { size: 11 }));
  for (let i = 0; i <= 5; i++) {
    const v = (niceMax / 5) * i;
    body.push(`<line x1="${left}" y1="${n2(y(v))}" x2="${width - right}" y2="${n2(y(v))}" stroke="${COLORS.grid}"/>`);
    body.push(text(left - 4, y(v) + 4, String(Math.round(v)), { size: 10, anchor: 'end', fill: COLORS.muted }));
  }
  props.days.forEach((d, i) => {
    const x0 = left + i * slot;
    const r = props.received[i] ?? 0;
    const s = props.resolved[i] ?? 0;
    if (r > 0) body.push(`<rect x="${n2(x0 + 1)}" y="${n2(y(r))}" width="${n2(barW)}" height="${n2(y(0) - y(r))}" fill="${COLORS.bar}"/>`);
    if (s > 0) body.push(`<rect x="${n2(x0 + 1 + barW)}" y="${n2(y(s))}" width="${n2(barW)}" height="${n2(y(0) - y(s))}" fill="${COLORS.bar2}"/>`);
    const day = Number(d.slice(8, 10));
    if (day === 1 || day % 5 === 0) body.push(text(x0 + slot / 2, height - bottom + 14, String(day), { size: 10, anchor: 'middle', fill: COLORS.muted }));
  });
  return svg(width, height, props.title, body);
}
