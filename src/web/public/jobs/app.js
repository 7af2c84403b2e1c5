// 通知与计划任务: upcoming jobs and what each run sent, talk-day settings, mobile visits,
// broadcasts with per-group delivery, message templates. Plain ES module, no build step.
// All text from the server is inserted with textContent only.
import { $, boot, createApi, el, handleLoginForm, SESSION_EXPIRED, signOut } from '/shared/toolkit.js';

const state = { me: null, csrf: null, room: null, rooms: [], groups: [], templates: [], talkday: null };

const STATUS_LABELS = {
  running: '执行中', done: '已完成', failed: '失败', expired: '已过期/取消',
  pending: '待入队', queued: '排队中', sending: '发送中', sent: '已发送',
  scheduled: '已定时', due: '即将发送', missed: '错过（未发送）', cancelled: '已取消',
  awaiting: '等待民警确认发送', held: '暂存（等待居民再次发消息）',
};
const AUDIENCE_LABELS = { group: '群', resident: '居民', officer: '民警', volunteer: '志愿者' };

const api = createApi({ csrfToken: () => state.csrf, onUnauthorized: () => showLogin(SESSION_EXPIRED) });

const fmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
const when = (iso) => (iso ? fmt.format(new Date(iso)) : '—');

/** 'YYYY-MM-DDTHH:mm' (datetime-local, Beijing time) → ISO with +08:00. */
function localToIso(value) {
  return value ? `${value}:00+08:00` : null;
}

let flashTimer = null;
function flash(message, kind = 'ok') {
  const node = $('flash');
  node.textContent = message;
  node.className = `notice ${kind}`;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => node.classList.add('hidden'), 5000);
}

async function guarded(fn) {
  try {
    await fn();
  } catch (err) {
    if (err.status !== 401) flash(err.message, 'danger');
  }
}

// ------------------------------------------------------------------ login

function showLogin(message) {
  state.me = null;
  $('app-view').classList.add('hidden');
  $('logout').classList.add('hidden');
  $('who').textContent = '';
  $('login-view').classList.remove('hidden');
  const err = $('login-error');
  err.textContent = message || '';
  err.classList.toggle('hidden', !message);
}

handleLoginForm(api, { onSignedIn: start, onError: (err) => showLogin(err.message) });

$('logout').addEventListener('click', () => guarded(async () => {
  await signOut(api);
  showLogin();
}));

async function start(officer, csrf) {
  state.me = officer;
  state.csrf = csrf;
  $('login-view').classList.add('hidden');
  $('app-view').classList.remove('hidden');
  $('logout').classList.remove('hidden');
  $('who').textContent = `${officer.name}（${officer.roleLabel || officer.role}）`;
  const all = (await api('GET', '/api/rooms')).rooms;
  state.rooms = officer.role === 'officer' ? all.filter((r) => officer.rooms.includes(r.code)) : officer.role === 'supervisor' ? all.filter((r) => r.district === officer.district) : all;
  const select = $('room');
  select.replaceChildren(...state.rooms.map((r) => el('option', { value: r.code, text: `${r.name}（${r.code}）` })));
  state.room = state.rooms[0]?.code || null;
  await refreshAll();
}

$('room').addEventListener('change', () => {
  state.room = $('room').value;
  guarded(refreshAll);
});

// ------------------------------------------------------------------ tabs

for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
    for (const panel of document.querySelectorAll('.tab-panel')) panel.classList.toggle('hidden', panel.id !== `tab-${tab.dataset.tab}`);
  });
}

async function refreshAll() {
  state.groups = (await api('GET', '/api/broadcasts/groups')).groups;
  await Promise.all([loadJobs(), loadTalkDay(), loadVisits(), loadBroadcasts(), loadTemplates(), loadNotices()]);
}

// ------------------------------------------------------------------ jobs

async function loadJobs() {
  const [upcoming, runs] = await Promise.all([api('GET', '/api/jobs/upcoming'), api('GET', '/api/jobs/runs?limit=40')]);
  const rows = upcoming.jobs.filter((j) => j.next.length > 0).map((j) =>
    el('tr', {}, [
      el('td', { text: j.label }),
      el('td', {}, j.next.map((s) => el('div', { text: `${when(s.at)} · ${s.label || ''}` }))),
    ]));
  $('upcoming').replaceChildren(rows.length ? el('table', { class: 'table' }, [el('thead', {}, el('tr', {}, [el('th', { text: '任务' }), el('th', { text: '下次执行' })])), el('tbody', {}, rows)]) : el('p', { class: 'muted', text: '暂无计划。' }));

  const list = runs.runs.map((r) =>
    el('details', { class: 'run' }, [
      el('summary', {}, [
        el('span', { class: `badge ${r.status === 'done' ? 'green' : r.status === 'running' ? 'amber' : 'red'}`, text: STATUS_LABELS[r.status] || r.status }),
        ' ',
        el('strong', { text: r.jobLabel }),
        el('span', { class: 'muted', text: ` · ${when(r.slotAt)} · 发送 ${r.deliveries.length} 条${r.catchUp ? '（补发）' : ''}${r.attempt > 0 ? `（第${r.attempt + 1}次执行）` : ''}` }),
      ]),
      r.error ? el('p', { class: 'notice danger', text: r.error }) : null,
      r.deliveries.length
        ? el('ul', { class: 'deliveries' }, r.deliveries.map((d) =>
          el('li', {}, [
            el('span', { class: 'badge', text: AUDIENCE_LABELS[d.audience] || d.audience }),
            ` ${d.recipient} · `,
            el('span', { class: 'muted', text: `${STATUS_LABELS[d.status] || d.status}${d.sentAt ? ` ${when(d.sentAt)}` : d.notBefore ? `（${when(d.notBefore)} 起发送）` : ''}${d.error && d.status !== 'sent' ? ` · ${d.error}` : ''}` }),
          ])))
        : el('p', { class: 'muted', text: '本次没有需要发送的对象。' }),
    ]));
  $('runs').replaceChildren(...(list.length ? list : [el('p', { class: 'muted', text: '还没有执行记录。' })]));
}

// ------------------------------------------------------------------ talk day

function monthRow(m = {}) {
  const row = el('div', { class: 'month-row' }, [
    el('input', { class: 'm-month', type: 'month', value: m.month || '', 'aria-label': '月份', required: true }),
    el('input', { class: 'm-place', value: m.place || '', placeholder: '地点（不变可留空）', maxlength: 200, 'aria-label': '地点' }),
    el('input', { class: 'm-start', type: 'time', value: m.startTime || '', 'aria-label': '开始时间' }),
    el('input', { class: 'm-topic', value: m.topic || '', placeholder: '主题（不变可留空）', maxlength: 200, 'aria-label': '主题' }),
    el('label', { class: 'check' }, [el('input', { class: 'm-cancelled', type: 'checkbox', checked: m.cancelled || false }), ' 当月取消']),
    el('button', { type: 'button', class: 'link m-remove', text: '删除' }),
  ]);
  row.querySelector('.m-remove').addEventListener('click', () => row.remove());
  return row;
}

async function loadTalkDay() {
  if (!state.room) return;
  const data = await api('GET', `/api/rooms/${encodeURIComponent(state.room)}/talk-day`);
  state.talkday = data;
  const s = data.settings;
  $('talkday-state').textContent = data.configured ? (s.enabled ? '已启用：将按下面的安排自动通知本室绑定的群。' : '已停用：不会发送通知。') : '尚未设置：保存后才会发送通知。';
  $('td-enabled').checked = s.enabled || !data.configured;
  $('td-place').value = s.place;
  $('td-start').value = s.startTime;
  $('td-end').value = s.endTime || '';
  $('td-topic').value = s.topic;
  $('td-rule').replaceChildren(...data.rules.map((r) => el('option', { value: r.value, text: r.label, selected: r.value === s.rule })));
  $('td-days').value = s.daysBefore;
  $('td-months').replaceChildren(...s.months.map(monthRow));
  // A district supervisor reads the talk day; only the room's officers and admins change it (the API refuses too).
  if (state.me?.role === 'supervisor') {
    $('talkday-state').textContent += '（督导账号只读：如需修改，请联系本室民警或管理员。）';
    for (const c of $('talkday-form').querySelectorAll('input, select, button')) c.disabled = true;
  }
  $('td-upcoming').replaceChildren(...data.upcoming.map((o) =>
    el('div', { class: 'occurrence' }, [
      el('strong', { text: `${o.date}（${o.weekday}）${o.time}` }),
      o.cancelled ? el('span', { class: 'badge red', text: '取消' }) : null,
      o.moved ? el('span', { class: 'badge amber', text: '顺延' }) : null,
      el('div', { text: `${o.place} · ${o.topic}` }),
      o.movedNote ? el('div', { class: 'muted', text: o.movedNote }) : o.reasonText ? el('div', { class: 'muted', text: `${o.reasonText}，按规则照常举行。` }) : null,
      el('div', { class: 'muted', text: `预告：${when(o.announce.before)}；当天提醒：${when(o.announce.day)}` }),
    ])));
}

$('td-add-month').addEventListener('click', () => $('td-months').append(monthRow()));

$('talkday-form').addEventListener('submit', (e) => {
  e.preventDefault();
  guarded(async () => {
    const months = [...document.querySelectorAll('#td-months .month-row')].map((row) => ({
      month: row.querySelector('.m-month').value,
      place: row.querySelector('.m-place').value.trim() || null,
      startTime: row.querySelector('.m-start').value || null,
      topic: row.querySelector('.m-topic').value.trim() || null,
      cancelled: row.querySelector('.m-cancelled').checked,
    }));
    await api('PUT', `/api/rooms/${encodeURIComponent(state.room)}/talk-day`, {
      enabled: $('td-enabled').checked,
      place: $('td-place').value,
      startTime: $('td-start').value,
      endTime: $('td-end').value || null,
      topic: $('td-topic').value,
      rule: $('td-rule').value,
      daysBefore: Number($('td-days').value),
      months,
    });
    flash('恳谈日安排已保存。');
    await Promise.all([loadTalkDay(), loadJobs()]);
  });
});

// ------------------------------------------------------------------ mobile visits

function checkList(container, items, name) {
  container.replaceChildren(...items.map((it) =>
    el('label', { class: 'check' }, [el('input', { type: 'checkbox', name, value: it.value }), ` ${it.label}`])));
}

const checked = (container) => [...container.querySelectorAll('input:checked')].map((i) => i.value);

async function loadVisits() {
  const district = state.rooms.find((r) => r.code === state.room)?.district;
  const rooms = (await api('GET', `/api/rooms?district=${encodeURIComponent(district || '')}`)).rooms;
  checkList($('v-rooms'), rooms.map((r) => ({ value: r.code, label: r.name })), 'v-room');
  checkList($('v-groups'), state.groups.map((g) => ({ value: g.groupId, label: `${g.topic || '（未命名群）'}（${g.room}）` })), 'v-group');
  const { visits } = await api('GET', '/api/mobile-visits');
  $('visits').replaceChildren(...(visits.length ? visits.map((v) =>
    el('div', { class: 'visit' }, [
      el('strong', { text: `${when(v.start)} 至 ${when(v.end)} · ${v.place}` }),
      v.cancelledAt ? el('span', { class: 'badge red', text: '已取消' }) : el('span', { class: 'badge', text: `通知：${STATUS_LABELS[v.notice.status] || v.notice.status}${v.notice.groups ? `，${v.notice.groups}个群` : ''}` }),
      el('div', { class: 'muted', text: `${v.room} · 通知：${[...v.targetRooms, ...v.targetGroups.map(() => '单独选择的群')].join('、')}${v.notice.at ? ` · ${when(v.notice.at)} 发送` : ''}` }),
      v.note ? el('div', { text: v.note }) : null,
      !v.cancelledAt ? cancelVisitButton(v) : null,
    ])) : [el('p', { class: 'muted', text: '暂无停靠安排。' })]));
}

function cancelVisitButton(v) {
  const b = el('button', { type: 'button', class: 'link', text: '取消停靠' });
  b.addEventListener('click', () => guarded(async () => {
    if (!confirm('确定取消这次停靠吗？')) return;
    await api('DELETE', `/api/mobile-visits/${encodeURIComponent(v.id)}`);
    flash('已取消。');
    await loadVisits();
  }));
  return b;
}

$('visit-form').addEventListener('submit', (e) => {
  e.preventDefault();
  guarded(async () => {
    await api('POST', '/api/mobile-visits', {
      room: state.room,
      place: $('v-place').value,
      start: localToIso($('v-start').value),
      end: localToIso($('v-end').value),
      note: $('v-note').value.trim(),
      targetRooms: checked($('v-rooms')),
      targetGroups: checked($('v-groups')),
    });
    $('visit-form').reset();
    flash('停靠已保存，将在前一天通知所选群。');
    await Promise.all([loadVisits(), loadJobs()]);
  });
});

// ------------------------------------------------------------------ broadcasts

function broadcastInput() {
  return { room: state.room, kind: $('bc-kind').value, title: $('bc-title').value, body: $('bc-body').value };
}

async function loadBroadcasts() {
  checkList($('bc-groups'), state.groups.map((g) => ({ value: g.groupId, label: `${g.topic || '（未命名群）'}（${g.room}）` })), 'bc-group');
  const { broadcasts } = await api('GET', '/api/broadcasts');
  $('broadcasts').replaceChildren(...(broadcasts.length ? broadcasts.map((b) =>
    el('details', { class: 'run' }, [
      el('summary', {}, [
        el('span', { class: `badge ${b.state === 'sent' ? 'green' : b.state === 'scheduled' || b.state === 'due' ? 'amber' : 'red'}`, text: STATUS_LABELS[b.state] || b.state }),
        ' ',
        el('strong', { text: `【${b.kindLabel}】${b.title}` }),
        el('span', { class: 'muted', text: ` · ${when(b.sendAt)} · ${b.createdBy || ''}${b.urgent ? ' · 紧急' : ''}` }),
      ]),
      el('pre', { class: 'preview', text: b.text }),
      el('ul', { class: 'deliveries' }, b.deliveries.map((d) =>
        el('li', {}, [`${d.topic || '（未命名群）'}（${d.room}） · `, el('span', { class: 'muted', text: `${STATUS_LABELS[d.status] || d.status}${d.sentAt ? ` ${when(d.sentAt)}` : d.notBefore ? `（${when(d.notBefore)} 起发送）` : ''}${d.error ? ` · ${d.error}` : ''}` })]))),
      b.state === 'scheduled' ? cancelBroadcastButton(b) : null,
    ])) : [el('p', { class: 'muted', text: '还没有群发记录。' })]));
}

function cancelBroadcastButton(b) {
  const button = el('button', { type: 'button', class: 'link', text: '取消定时发送' });
  button.addEventListener('click', () => guarded(async () => {
    await api('POST', `/api/broadcasts/${encodeURIComponent(b.id)}/cancel`);
    flash('已取消。');
    await loadBroadcasts();
  }));
  return button;
}

$('bc-preview').addEventListener('click', () => guarded(async () => {
  const sendAt = localToIso($('bc-when').value);
  const { text } = await api('POST', '/api/broadcasts/preview', { ...broadcastInput(), ...(sendAt ? { date: sendAt } : {}) });
  const pre = $('bc-preview-text');
  pre.textContent = text;
  pre.classList.remove('hidden');
}));

$('bc-form').addEventListener('submit', (e) => {
  e.preventDefault();
  guarded(async () => {
    const groups = checked($('bc-groups'));
    if (groups.length === 0) throw new Error('请至少选择一个群。');
    const sendAt = localToIso($('bc-when').value);
    if (!confirm(`确定${sendAt ? '定时' : '立即'}发送到 ${groups.length} 个群吗？`)) return;
    await api('POST', '/api/broadcasts', { ...broadcastInput(), groups, sendAt, urgent: $('bc-urgent').checked });
    $('bc-form').reset();
    $('bc-preview-text').classList.add('hidden');
    flash(sendAt ? '已定时。' : '已提交发送，机器人在线时即发出。');
    await Promise.all([loadBroadcasts(), loadJobs()]);
  });
});

// ------------------------------------------------------------------ templates

async function loadTemplates() {
  if (!state.room) return;
  const { templates } = await api('GET', `/api/templates?room=${encodeURIComponent(state.room)}`);
  state.templates = templates;
  const select = $('tpl-key');
  const current = select.value;
  select.replaceChildren(...templates.map((t) => el('option', { value: t.key, text: t.label, selected: t.key === current })));
  showTemplate();
}

function showTemplate() {
  const t = state.templates.find((x) => x.key === $('tpl-key').value) || state.templates[0];
  if (!t) return;
  $('tpl-text').value = t.text;
  $('tpl-source').textContent = { room: '本室自定义版本', global: '全局版本（管理员设置）', default: '系统默认版本' }[t.source];
  $('tpl-placeholders').textContent = `可用占位符：${t.placeholders.join(' ')}`;
  $('tpl-preview-text').classList.add('hidden');
}

$('tpl-key').addEventListener('change', showTemplate);

$('tpl-preview').addEventListener('click', () => guarded(async () => {
  const key = $('tpl-key').value;
  const body = { room: state.room, text: $('tpl-text').value };
  if ($('tpl-date').value) body.date = $('tpl-date').value;
  const { text } = await api('POST', `/api/templates/${encodeURIComponent(key)}/preview`, body);
  const pre = $('tpl-preview-text');
  pre.textContent = text;
  pre.classList.remove('hidden');
}));

$('tpl-save').addEventListener('click', () => guarded(async () => {
  await api('PUT', `/api/templates/${encodeURIComponent($('tpl-key').value)}`, { room: state.room, text: $('tpl-text').value });
  flash('模板已保存。');
  await loadTemplates();
}));

$('tpl-reset').addEventListener('click', () => guarded(async () => {
  await api('DELETE', `/api/templates/${encodeURIComponent($('tpl-key').value)}?room=${encodeURIComponent(state.room)}`);
  flash('已恢复。');
  await loadTemplates();
}));

// ------------------------------------------------------------------ notifications

async function loadNotices() {
  const { notifications, unread } = await api('GET', '/api/jobs/notifications');
  $('unread').textContent = String(unread);
  $('unread').classList.toggle('hidden', unread === 0);
  $('notices').replaceChildren(...(notifications.length ? notifications.map((n) => {
    const item = el('div', { class: `notice-item${n.readAt ? ' read' : ''}` }, [
      el('div', { class: 'muted', text: when(n.at) }),
      el('pre', { class: 'preview', text: n.text }),
    ]);
    if (!n.readAt) {
      const b = el('button', { type: 'button', class: 'link', text: '标为已读' });
      b.addEventListener('click', () => guarded(async () => {
        await api('POST', `/api/jobs/notifications/${encodeURIComponent(n.id)}/read`);
        await loadNotices();
      }));
      item.append(b);
    }
    return item;
  }) : [el('p', { class: 'muted', text: '没有提醒。' })]));
}

// ------------------------------------------------------------------ boot

boot({ start, showLogin });
