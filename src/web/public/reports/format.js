// Shared formatting of the report pages (plain ES module; elements come from the toolkit).
import { el } from '/shared/toolkit.js';

export const KIND_LABELS = { question: '咨询', tip: '线索举报', dispute: '矛盾纠纷', complaint: '投诉', emergency: '紧急警情', followup: '回访跟进' };

/** Seconds → "35分钟" / "5.5小时" / "2.3天"; "—" for no value. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const minutes = seconds / 60;
  if (minutes < 90) return `${Math.round(minutes)}分钟`;
  const hours = minutes / 60;
  if (hours < 48) return `${(Math.round(hours * 10) / 10).toFixed(1)}小时`;
  return `${(Math.round((hours / 24) * 10) / 10).toFixed(1)}天`;
}

export function percent(value) {
  return value === null || value === undefined ? '—' : `${value}%`;
}

export function rate(value) {
  return value === null || value === undefined ? '—' : `${Math.round(value * 1000) / 10}%`;
}

export function monthLabel(month) {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}

/** Fills a <table> with a header row and body rows; each cell is {text, attrs} or a plain value. */
export function fillTable(table, headers, rows) {
  table.replaceChildren();
  const thead = el('thead');
  const tr = el('tr');
  for (const h of headers) tr.append(el('th', { scope: 'col', text: h }));
  thead.append(tr);
  const tbody = el('tbody');
  for (const row of rows) {
    const r = el('tr', row.attrs || {});
    for (const cell of row.cells) {
      const td = el('td');
      if (cell && typeof cell === 'object' && 'node' in cell) td.append(cell.node);
      else if (cell && typeof cell === 'object' && 'text' in cell) {
        td.textContent = cell.text;
        for (const [k, v] of Object.entries(cell.attrs || {})) if (v !== undefined && v !== null) td.setAttribute(k === 'class' ? 'class' : k, String(v));
      } else td.textContent = cell === null || cell === undefined ? '—' : String(cell);
      r.append(td);
    }
    tbody.append(r);
  }
  table.append(thead, tbody);
}

export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
}

/** A work-log figure against its target: "12/20" (⚠ when short), or "12" when there is no target. */
export function againstTarget(count, target) {
  if (target === null || target === undefined) return String(count);
  return `${count}/${target}${count < target ? ' ⚠' : ''}`;
}

/** The rows of a work-log table: one cell per kind, the total, and what fell short. */
export function workLogCells(kinds, w) {
  const short = kinds.filter((k) => w.belowTarget.includes(k.key)).map((k) => k.label);
  return [
    ...kinds.map((k) => ({ text: againstTarget(w.counts[k.key], w.targets[k.key]), attrs: { 'data-kind': k.key, class: w.belowTarget.includes(k.key) ? 'short' : null } })),
    { text: w.total, attrs: { 'data-col': 'worklog-total' } },
    { text: short.length ? short.join('、') : '—', attrs: { 'data-col': 'worklog-short' } },
  ];
}
