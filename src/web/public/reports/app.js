// The monthly assessment page: district overview, room page, officer page (?month=&room=&officer=).
import { $, createApi, el, formatTime, handleLoginForm, signOut } from '/shared/toolkit.js';
import { duration, fillTable, KIND_LABELS, monthLabel, percent, queryString, rate, workLogCells } from './format.js';

let csrf = null;
let scope = null;
// No onUnauthorized: start() shows the login form itself when /api/me answers 401.
const api = createApi({ csrfToken: () => csrf });

function params() {
  const q = new URLSearchParams(location.search);
  return { month: q.get('month') || '', room: q.get('room') || '', officer: q.get('officer') || '' };
}

function show(view) {
  $('login-view').classList.toggle('hidden', view !== 'login');
  $('report-view').classList.toggle('hidden', view !== 'report');
}

async function start() {
  try {
    const me = await api('GET', '/api/me');
    csrf = me.csrfToken;
    $('who').textContent = `${me.officer.name}（${me.officer.roleLabel || me.officer.role}）`;
    $('logout').classList.remove('hidden');
    scope = await api('GET', '/api/reports/scope');
    fillFilters();
    show('report');
    await load();
  } catch (err) {
    if (err.status === 401) {
      show('login');
      $('login-username').focus();
    } else {
      setStatus(err.message, true);
    }
  }
}

function fillFilters() {
  const p = params();
  $('f-month').value = p.month || scope.month;
  $('f-month').max = scope.month;
  const room = $('f-room');
  room.replaceChildren(el('option', { value: '', text: scope.officer.role === 'officer' ? '我的警务室（总览）' : '全部（总览）' }));
  for (const r of scope.rooms) room.append(el('option', { value: r.code, text: `${r.name}（${r.code}）` }));
  room.value = p.room;
  const officer = $('f-officer');
  officer.replaceChildren(el('option', { value: '', text: '—' }));
  for (const o of scope.officers) officer.append(el('option', { value: o.id, text: o.name }));
  officer.value = p.officer;
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

async function load() {
  const p = params();
  const query = queryString({ month: p.month || scope.month, room: p.room, officer: p.officer });
  setStatus('正在加载……');
  let report;
  try {
    report = await api('GET', `/api/reports/monthly?${query}`);
  } catch (err) {
    setStatus(err.message, true);
    return;
  }
  setStatus('');
  render(report, query);
  // Sections that render themselves from the same report (e.g. volunteers.js: the four volunteer teams).
  document.dispatchEvent(new window.CustomEvent('report:rendered', { detail: report }));
}

function kpi(key, label, value, sub, flagged) {
  const box = el('div', { class: `kpi${flagged ? ' flagged' : ''}`, 'data-kpi': key });
  box.append(el('div', { class: 'kpi-label', text: label }), el('div', { class: 'kpi-value', 'data-kpi-value': key, text: value }));
  if (sub) box.append(el('div', { class: 'kpi-sub', text: sub }));
  return box;
}

function render(r, query) {
  document.title = `${r.scope.label} ${monthLabel(r.month)} 考核 · 网上警务室`;
  $('title').textContent = `${r.scope.label} · ${monthLabel(r.month)}考核`;
  const c = r.coverage;
  $('coverage').textContent = [
    c.complete ? '本月已结束。' : '本月进行中，数据截至当前。',
    c.rolledUpThrough ? `日汇总截至 ${c.rolledUpThrough}` : '暂无日汇总，全部实时计算',
    c.liveFrom ? `；${c.liveFrom} 起为实时数据${c.liveAsOf ? `（${formatTime(c.liveAsOf)} 更新）` : ''}` : '',
  ].join('');
  const t = r.totals;
  const flagged = t.satisfaction.flagged;
  $('flag').classList.toggle('hidden', !flagged);
  $('flag').textContent = flagged ? `满意率 ${percent(t.satisfaction.percent)}，低于 ${r.targetPercent}% 考核线。` : '';
  $('kpis').replaceChildren(
    kpi('received', '受理', t.items.received, `办结 ${t.items.resolved}`),
    kpi('satisfaction', '满意率', percent(t.satisfaction.percent), `评价 ${t.surveys.answered} / 回访 ${t.surveys.sent}`, flagged),
    kpi('frt', '首次响应（中位）', duration(t.firstResponse.calendar.median), `P90 ${duration(t.firstResponse.calendar.p90)} · 工作时 ${duration(t.firstResponse.business.median)}`),
    kpi('res', '办结时长（中位）', duration(t.resolution.calendar.median), `P90 ${duration(t.resolution.calendar.p90)} · 工作时 ${duration(t.resolution.business.median)}`),
    kpi('sla', '超时未响应', t.sla.breached, `应响应 ${t.sla.due} · ${rate(t.sla.breachRate)}`, t.sla.breached > 0),
    kpi('appointments', '预约办结', t.appointments.completed, `预约 ${t.appointments.booked} · 爽约 ${t.appointments.noShow}`),
    kpi('tips', '线索', t.tips.received, `办结 ${t.tips.resolved}`),
    kpi('yearly', '近12个月满意率', percent(r.yearly.percent), `评价 ${r.yearly.answers}`, r.yearly.flagged),
    kpi('worklog', '工作日志', r.workLog.totals.total, r.workLog.totals.belowTarget.length ? `${r.workLog.totals.belowTarget.length} 类未达目标` : '各类均达目标或未设目标', r.workLog.totals.belowTarget.length > 0),
  );

  const chartQuery = query;
  const overview = r.scope.type === 'overview';
  $('ranking-card').classList.toggle('hidden', r.scope.type === 'officer');
  $('daily-card').classList.toggle('hidden', r.scope.type === 'officer');
  $('chart-ranking').classList.toggle('hidden', !overview);
  if (overview) $('chart-ranking').src = `/api/reports/chart/ranking.svg?${chartQuery}`;
  $('chart-trend').src = `/api/reports/chart/trend.svg?${chartQuery}`;
  if (r.scope.type !== 'officer') $('chart-daily').src = `/api/reports/chart/daily.svg?${chartQuery}`;
  for (const a of document.querySelectorAll('a.csv')) a.href = `/api/reports/monthly.csv?${chartQuery}&table=${a.dataset.table}`;
  $('print-link').href = `bulletin.html?${chartQuery}`;

  const month = r.month;
  fillTable(
    $('rooms-table'),
    ['排名', '警务室', '受理', '办结', '首响中位', '超时', '预约办结', '评价数', '满意率'],
    r.rooms.map((room) => {
      const link = el('a', { href: `?${queryString({ month, room: room.code })}`, text: room.name });
      return {
        attrs: { 'data-room': room.code, class: room.satisfaction.flagged ? 'flagged' : '' },
        cells: [
          room.rank ?? '—',
          { node: link },
          { text: room.items.received, attrs: { 'data-col': 'received' } },
          { text: room.items.resolved, attrs: { 'data-col': 'resolved' } },
          duration(room.firstResponse.calendar.median),
          { text: room.sla.breached, attrs: { 'data-col': 'breached' } },
          room.appointments.completed,
          { text: room.surveys.answered, attrs: { 'data-col': 'answers' } },
          { text: percent(room.satisfaction.percent) + (room.satisfaction.flagged ? ' ⚠' : ''), attrs: { 'data-col': 'satisfaction' } },
        ],
      };
    }),
  );
  $('officers-card').classList.toggle('hidden', r.officers.length === 0);
  fillTable(
    $('officers-table'),
    ['民警', '警务室', '受理', '办结', '首响中位', '办结中位', '超时', '评价数', '满意率'],
    r.officers.map((o) => ({
      attrs: { 'data-officer': o.id, class: o.satisfaction.flagged ? 'flagged' : '' },
      cells: [
        { node: el('a', { href: `?${queryString({ month, officer: o.id })}`, text: o.name }) },
        o.rooms.join('、'),
        { text: o.items.received, attrs: { 'data-col': 'received' } },
        o.items.resolved,
        duration(o.firstResponse.calendar.median),
        duration(o.resolution.calendar.median),
        o.sla.breached,
        o.surveys.answered,
        { text: percent(o.satisfaction.percent) + (o.satisfaction.flagged ? ' ⚠' : ''), attrs: { 'data-col': 'satisfaction' } },
      ],
    })),
  );
  const kinds = r.workLog.kinds;
  const wlHeads = [...kinds.map((k) => k.label), '合计', '未达标'];
  $('worklog-rooms').classList.toggle('hidden', r.rooms.length === 0);
  fillTable(
    $('worklog-rooms'),
    ['警务室', ...wlHeads],
    r.rooms.map((room) => ({ attrs: { 'data-room': room.code, class: room.workLog.belowTarget.length ? 'flagged' : '' }, cells: [room.name, ...workLogCells(kinds, room.workLog)] })),
  );
  $('worklog-officers').classList.toggle('hidden', r.officers.length === 0);
  fillTable(
    $('worklog-officers'),
    ['民警', ...wlHeads],
    r.officers.map((o) => ({ attrs: { 'data-officer': o.id, class: o.workLog.belowTarget.length ? 'flagged' : '' }, cells: [o.name, ...workLogCells(kinds, o.workLog)] })),
  );
  const ct = r.classroom.totals;
  $('classroom-summary').textContent = `提问 ${ct.asked} 个 · 首次解答 ${ct.answered} 个 · 解答 ${ct.answers} 条 · 首次解答中位时长 ${ct.medianMinutesToFirstAnswer === null ? '—' : duration(ct.medianMinutesToFirstAnswer * 60)}（按首次解答所在月份统计）`;
  const classroomHeads = ['提问', '已解答', '首次解答中位时长'];
  const classroomCells = (x) => [x.asked, x.answered, x.medianMinutesToFirstAnswer === null ? '—' : duration(x.medianMinutesToFirstAnswer * 60)];
  $('classroom-rooms').classList.toggle('hidden', r.rooms.length === 0);
  fillTable($('classroom-rooms'), ['警务室', ...classroomHeads], r.rooms.map((room) => ({ attrs: { 'data-room': room.code }, cells: [room.name, ...classroomCells(room.classroom)] })));
  $('classroom-officers').classList.toggle('hidden', r.officers.length === 0);
  fillTable($('classroom-officers'), ['民警', ...classroomHeads], r.officers.map((o) => ({ attrs: { 'data-officer': o.id }, cells: [o.name, ...classroomCells(o.classroom)] })));
  $('classroom-answerers').classList.toggle('hidden', r.classroom.answerers.length === 0);
  fillTable($('classroom-answerers'), ['解答人', '解答条数', '其中首次解答'], r.classroom.answerers.map((a) => ({ attrs: { 'data-answerer': a.id }, cells: [a.name, a.answers, a.firstAnswers] })));
  fillTable(
    $('trend-table'),
    ['月份', '受理', '办结', '评价数', '满意率'],
    r.trend.map((m) => ({
      attrs: { class: m.flagged ? 'flagged' : '', 'data-month': m.month },
      cells: [monthLabel(m.month) + (m.complete ? '' : '（不完整）'), m.received, m.resolved, m.answers, percent(m.percent) + (m.flagged ? ' ⚠' : '')],
    })),
  );
  fillTable(
    $('kinds-table'),
    ['类别', '受理', '办结'],
    Object.keys(KIND_LABELS).map((k) => ({ cells: [KIND_LABELS[k], t.items.receivedByKind[k], t.items.resolvedByKind[k]] })),
  );
  $('precision').textContent = r.precision.text;
}

$('filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const next = queryString({ month: $('f-month').value, room: $('f-room').value, officer: $('f-room').value ? '' : $('f-officer').value });
  history.pushState(null, '', `?${next}`);
  load();
});
$('f-room').addEventListener('change', () => {
  if ($('f-room').value) $('f-officer').value = '';
});
$('f-officer').addEventListener('change', () => {
  if ($('f-officer').value) $('f-room').value = '';
});
window.addEventListener('popstate', () => {
  fillFilters();
  load();
});

handleLoginForm(api, {
  onSignedIn: () => start(),
  onError: (err) => {
    $('login-error').textContent = err.message;
    $('login-error').classList.remove('hidden');
  },
});

$('logout').addEventListener('click', async () => {
  await signOut(api).catch(() => undefined);
  location.reload();
});

start();
