// 操作日志 (the audit log): filter by officer, action, item or tip code, room and date; export as CSV (UTF-8 with BOM).
import { el, formatFullDateTime, showError, clearError } from '/shared/toolkit.js';
import { startPage, field, options, errorLine } from '/admin/shell.js';

/** A Beijing calendar day → the instant it starts (whatever the browser's zone). */
const dayStart = (day) => (day ? new Date(`${day}T00:00:00+08:00`).toISOString() : null);
const dayEnd = (day) => (day ? new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 86_400_000).toISOString() : null);

startPage({
  roles: ['admin', 'supervisor'],
  async start({ api, main }) {
    const [{ rooms }, { officers }, first] = await Promise.all([api('GET', '/api/admin/rooms'), api('GET', '/api/officers'), api('GET', '/api/audit?limit=1')]);
    const f = {
      officer: field('民警', { id: 'a-officer' }, 'select'),
      action: field('操作', { id: 'a-action' }, 'select'),
      tip: field('事项或线索编号', { id: 'a-tip', maxlength: 8, placeholder: '如 J7K2M9QA' }),
      room: field('警务室', { id: 'a-room' }, 'select'),
      from: field('从（日期）', { id: 'a-from', type: 'date' }),
      to: field('到（日期）', { id: 'a-to', type: 'date' }),
    };
    options(f.officer.control, [['', '全部'], ...officers.map((o) => [o.id, `${o.name}（${o.username}）`])]);
    options(f.action.control, [['', '全部'], ...Object.entries(first.labels).map(([k, v]) => [k, v])]);
    options(f.room.control, [['', '全部'], ...rooms.map((r) => [r.code, r.name])]);
    const error = errorLine();
    const tbody = el('tbody', { id: 'audit-rows' });
    const info = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
    const csv = el('a', { class: 'button secondary', id: 'audit-csv', href: '/api/audit/export.csv', text: '导出 CSV（Excel 可直接打开）' });
    const form = el('form', { class: 'card', role: 'search', 'aria-label': '筛选操作日志' }, [
      el('div', { class: 'form-grid' }, [...Object.values(f).map((x) => x.node), el('div', {}, el('button', { type: 'submit', text: '筛选' }))]),
      el('div', { class: 'row' }, csv), error,
    ]);

    function params() {
      const p = new URLSearchParams();
      if (f.officer.control.value) p.set('officer', f.officer.control.value);
      if (f.action.control.value) p.set('action', f.action.control.value);
      if (f.tip.control.value.trim()) p.set('tip', f.tip.control.value.trim());
      if (f.room.control.value) p.set('room', f.room.control.value);
      if (f.from.control.value) p.set('from', dayStart(f.from.control.value));
      if (f.to.control.value) p.set('to', dayEnd(f.to.control.value));
      return p;
    }
    async function load() {
      clearError(error);
      const p = params();
      csv.href = `/api/audit/export.csv?${p}`;
      p.set('limit', '200');
      try {
        const { entries } = await api('GET', `/api/audit?${p}`);
        info.textContent = `共显示 ${entries.length} 条（最多 200 条，导出 CSV 可得更多）。`;
        tbody.replaceChildren(...entries.map((e) => el('tr', {}, [
          el('td', { text: formatFullDateTime(e.at) }),
          el('td', { text: e.actor.kind === 'officer' ? `${e.actor.name}（${e.actor.username}）` : e.actor.name }),
          el('td', { text: e.actionLabel }),
          el('td', { text: e.itemCode || e.itemCodes.join(' ') || '—' }),
          el('td', { text: e.room || '—' }),
          el('td', { text: e.detail || '' }),
        ])));
      } catch (err) {
        showError(error, err);
      }
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      load();
    });
    main.append(el('h1', { text: '操作日志' }), form, info, el('div', { class: 'table-wrap card' }, el('table', {}, [
      el('caption', { class: 'muted', text: '时间为北京时间' }),
      el('thead', {}, el('tr', {}, ['时间', '操作人', '操作', '事项编号', '警务室', '说明'].map((h) => el('th', { scope: 'col', text: h })))), tbody,
    ])));
    await load();
  },
});
