// 民警工作台: the officers' inbox. Plain ES module, no build step, no CDN.
// Everything residents wrote is inserted with textContent only: resident text is hostile.
import { $, beijingDay, boot, createApi, el, formatDateTime, formatTime, handleLoginForm, SESSION_EXPIRED, signOut } from '/shared/toolkit.js';
import { watchBot } from './bot-status.js';
import { openInboxEvents } from './live.js';

const state = {
  me: null,
  csrf: null,
  items: [],
  selectedId: null,
  detail: null,
  mode: 'reply',
  canned: [],
  knownIds: new Set(),
  events: null,
  refreshTimer: null,
};

const api = createApi({ csrfToken: () => state.csrf, onUnauthorized: () => showLogin(SESSION_EXPIRED) });

// Beijing time; the day only when it is not today in Beijing.
const fmtTime = (iso) => (!iso ? '' : beijingDay(iso) === beijingDay() ? formatTime(iso) : formatDateTime(iso));

function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.classList.remove('hidden');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.add('hidden'), 2500);
}

// ------------------------------------------------------------------ session

function showLogin(message) {
  closeEvents();
  state.me = null;
  state.csrf = null;
  $('app-view').classList.add('hidden');
  ['me', 'logout', 'bot-status', 'live-status'].forEach((id) => $(id).classList.add('hidden'));
  $('login-view').classList.remove('hidden');
  const err = $('login-error');
  err.textContent = message || '';
  err.classList.toggle('hidden', !message);
  $('login-username').focus();
}

async function start(me, csrf) {
  state.me = me;
  state.csrf = csrf;
  $('login-view').classList.add('hidden');
  $('app-view').classList.remove('hidden');
  $('me').textContent = `${me.name}（${me.roleLabel || me.role}）`;
  $('me').classList.remove('hidden');
  $('logout').classList.remove('hidden');
  await loadRooms();
  await Promise.all([loadList(), loadCanned()]);
  openEvents();
  if (me.role === 'admin') watchBot($('bot-status'));
}

handleLoginForm(api, { onSignedIn: start, onError: (err) => showLogin(err.message) });

$('logout').addEventListener('click', async () => {
  try {
    await signOut(api);
  } finally {
    showLogin('已退出登录。');
  }
});

// ------------------------------------------------------------------ list

async function loadRooms() {
  const select = $('f-room');
  const rooms = await fetch('/api/rooms').then((r) => r.json()).then((d) => d.rooms || []).catch(() => []);
  const mine = state.me.role === 'officer' ? rooms.filter((r) => state.me.rooms.includes(r.code)) : rooms;
  select.replaceChildren(el('option', { value: '', text: '全部警务室' }), ...mine.map((r) => el('option', { value: r.code, text: r.name })));
  select.classList.toggle('hidden', mine.length <= 1);
}

function filterQuery() {
  const q = new URLSearchParams();
  q.set('status', $('f-status').value);
  if ($('f-room').value) q.set('room', $('f-room').value);
  if ($('f-kind').value) q.set('kind', $('f-kind').value);
  if ($('f-mine').checked) q.set('mine', 'true');
  if ($('f-breached').checked) q.set('breached', 'true');
  return q.toString();
}

async function loadList() {
  const data = await api('GET', `/api/inbox?${filterQuery()}`);
  const firstLoad = state.knownIds.size === 0;
  const fresh = new Set(data.items.filter((i) => !state.knownIds.has(i.id)).map((i) => i.id));
  data.items.forEach((i) => state.knownIds.add(i.id));
  state.items = data.items;
  renderList(firstLoad ? new Set() : fresh);
  $('list-info').textContent = data.items.length ? `共 ${data.items.length}${data.hasMore ? '+' : ''} 条` : '暂无事项';
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => loadList().catch(() => undefined), 250);
}

function statusBadge(item) {
  const cls = { new: 'amber', claimed: '', waiting: '', resolved: 'green', closed: 'green' }[item.status] ?? '';
  return el('span', { class: `badge ${cls}`, text: item.statusLabel });
}

function renderList(fresh) {
  const list = $('item-list');
  list.replaceChildren(
    ...state.items.map((item) => {
      const row = el('li', {
        class: `item-row${item.flagged ? ' flagged' : ''}${item.id === state.selectedId ? ' selected' : ''}${fresh.has(item.id) ? ' fresh' : ''}`,
        dataset: { id: item.id },
        tabindex: '-1',
      }, [
        el('div', { class: 'top' }, [
          el('span', { class: `badge${item.kind === 'emergency' ? ' red' : ''}`, text: item.kindLabel }),
          statusBadge(item),
          item.sla.overdue ? el('span', { class: 'badge red', text: '已超时' }) : null,
          el('span', { class: 'code', text: item.code }),
          el('span', { class: 'muted', text: item.room }),
        ]),
        el('div', { class: 'summary', text: item.summary }),
        el('div', { class: 'sub', text: [item.channelLabel, item.assignee ? `处理人：${item.assignee.name}` : '未领取', `更新 ${fmtTime(item.lastActivityAt)}`, item.labels.length ? `#${item.labels.join(' #')}` : ''].filter(Boolean).join(' · ') }),
      ]);
      row.addEventListener('click', () => select(item.id));
      return row;
    }),
  );
}

['f-status', 'f-room', 'f-kind', 'f-mine', 'f-breached'].forEach((id) => $(id).addEventListener('change', () => loadList().catch(showError)));
$('filters').addEventListener('submit', (e) => e.preventDefault());

async function takeNext() {
  try {
    const data = await api('POST', '/api/inbox/next', undefined, { retryBusy: true });
    if (!data.item) return toast(data.message || '队列中暂无可领取的事项');
    toast(`已领取 ${data.item.code}`);
    await loadList();
    await select(data.item.id);
  } catch (err) {
    showError(err);
  }
}
$('next-btn').addEventListener('click', takeNext);

// ------------------------------------------------------------------ detail

async function select(id) {
  state.selectedId = id;
  document.querySelectorAll('.item-row').forEach((row) => row.classList.toggle('selected', row.dataset.id === id));
  $('app-view').classList.add('show-detail');
  await loadDetail();
}

async function loadDetail() {
  if (!state.selectedId) return;
  try {
    const data = await api('GET', `/api/inbox/${state.selectedId}`);
    state.detail = data.item;
    renderDetail();
  } catch (err) {
    showError(err);
  }
}

function showError(err) {
  const box = $('d-error');
  box.textContent = err?.message || String(err);
  box.classList.remove('hidden');
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => box.classList.add('hidden'), 6000);
}

function renderDetail() {
  const item = state.detail;
  $('detail-empty').classList.add('hidden');
  $('detail').classList.remove('hidden');
  $('d-error').classList.add('hidden');
  $('d-title').textContent = `${item.kindLabel} ${item.code}`;
  $('d-meta').replaceChildren(
    statusBadge(item),
    item.sla.overdue ? el('span', { class: 'badge red', text: `已超时（应于 ${fmtTime(item.sla.dueAt)} 前响应）` }) : el('span', { class: 'muted', text: `响应时限 ${fmtTime(item.sla.dueAt)}` }),
    el('span', { class: 'muted', text: `${item.room} · ${item.channelLabel}${item.residentName ? ` · ${item.residentName}` : ''}` }),
    el('span', { class: 'muted', text: item.assignee ? `处理人：${item.assignee.name}${item.leaseUntil && item.status === 'claimed' ? `（至 ${fmtTime(item.leaseUntil)}）` : ''}` : '未领取' }),
  );
  $('d-labels').replaceChildren(...item.labels.map((l) => el('span', { class: 'badge', text: `#${l}` })));
  const contact = $('d-contact');
  contact.classList.toggle('hidden', !item.contact);
  contact.textContent = item.contact ? `联系方式（仅限本室民警）：${[item.contact.name, item.contact.phone].filter(Boolean).join(' ')}` : '';

  const open = ['new', 'claimed', 'waiting'].includes(item.status);
  const mine = Boolean(item.assignee?.isMe);
  const privileged = state.me.role !== 'officer';
  $('a-claim').classList.toggle('hidden', !(open && (!mine || item.status === 'claimed')));
  $('a-claim').textContent = mine ? '续期' : item.assignee && item.leaseLive ? '强制接管' : '领取';
  $('a-release').classList.toggle('hidden', !open || !(mine || (privileged && Boolean(item.assignee))));
  $('a-resolve').classList.toggle('hidden', !open || !(mine || privileged));
  $('a-reopen').classList.toggle('hidden', open);
  $('a-transfer').parentElement.classList.toggle('hidden', !open);
  $('a-transfer-to').replaceChildren(
    el('option', { value: '', text: '转交给…' }),
    ...item.transferTargets.filter((o) => o.id !== item.assignee?.id).map((o) => el('option', { value: o.id, text: `${o.name}${o.role === 'supervisor' ? '（督导）' : ''}` })),
  );

  $('thread').replaceChildren(...item.thread.map(renderMessage));
  $('reply-target').textContent = item.replyTargetLabel;
  const canned = state.canned.filter((c) => c.room === item.room);
  $('canned').replaceChildren(el('option', { value: '', text: canned.length ? '常用回复…' : '（本室暂无常用回复）' }), ...canned.map((c) => el('option', { value: c.id, text: c.title })));
  $('compose').classList.toggle('hidden', !open);
  setMode(state.mode);
  const thread = $('thread');
  thread.lastElementChild?.scrollIntoView({ block: 'nearest' });
}

const AUTHOR = { resident: '群众', officer: '民警', system: '系统' };
function renderMessage(m) {
  const cls = m.kind === 'message' ? 'resident' : m.kind;
  const who = m.kind === 'note' ? `内部备注 · ${m.officer?.name ?? '民警'}` : m.kind === 'reply' ? `回复 · ${m.officer?.name ?? '民警'}` : AUTHOR[m.author];
  return el('li', { class: `msg ${cls}` }, [
    m.kind === 'event' ? null : el('span', { class: 'who', text: `${who} · ${fmtTime(m.at)}` }),
    el('span', { text: m.kind === 'event' ? `${fmtTime(m.at)} ${m.text}` : m.text }),
    ...m.attachments.map((a) =>
      a.playUrl ? renderVoice(a) : el('a', { href: a.url, target: '_blank', rel: 'noopener' }, el('img', { src: a.url, alt: '附件图片', loading: 'lazy' })),
    ),
  ]);
}

/**
 * A resident's voice message: the browser plays the server's WAV rendition (WeChat records AMR,
 * which no browser plays); the original recording stays downloadable. Nothing is fetched until
 * the officer presses play (each fetch is an audited view). Native controls: Tab to the player,
 * Space/Enter plays and pauses, arrow keys seek.
 */
function renderVoice(a) {
  const note = el('span', { class: 'voice-note', role: 'status' });
  const audio = el('audio', {
    controls: true,
    preload: 'none',
    src: a.playUrl,
    'aria-label': '播放居民语音',
    on: { error: () => (note.textContent = '这段语音无法在浏览器中播放，请下载原始录音收听。') },
  });
  return el('figure', { class: 'voice' }, [
    el('figcaption', { text: '🔊 居民语音' }),
    audio,
    el('a', { href: a.url, download: '', text: '下载原始录音（AMR）' }),
    note,
  ]);
}

async function act(path, body, message) {
  if (!state.detail) return;
  try {
    await api('POST', `/api/inbox/${state.detail.id}/${path}`, body);
    if (message) toast(message);
    await Promise.all([loadDetail(), loadList()]);
  } catch (err) {
    if (err.code === 'already_claimed' || err.code === 'not_holder') {
      if (state.me.role !== 'officer' && window.confirm(`${err.message}\n\n以督导/管理员身份强制执行？`)) return act(path, { ...body, force: true }, message);
    }
    showError(err);
  }
}

$('a-claim').addEventListener('click', () => act('claim', { force: Boolean(state.detail?.leaseLive && !state.detail?.assignee?.isMe) }, '已领取'));
$('a-release').addEventListener('click', () => act('release', {}, '已退回队列'));
$('a-resolve').addEventListener('click', () => act('resolve', {}, '已办结'));
$('a-reopen').addEventListener('click', () => act('reopen', {}, '已重新打开'));
$('a-transfer').addEventListener('click', () => {
  const officerId = $('a-transfer-to').value;
  if (!officerId) return showError(new Error('请选择转交对象'));
  act('transfer', { officerId }, '已转交');
});
$('a-labels').addEventListener('click', async () => {
  const value = window.prompt('标签（用逗号分隔，最多10个）：', state.detail.labels.join('，'));
  if (value === null) return;
  try {
    await api('PUT', `/api/inbox/${state.detail.id}/labels`, { labels: value.split(/[,，\s]+/).filter(Boolean) });
    await Promise.all([loadDetail(), loadList()]);
  } catch (err) {
    showError(err);
  }
});
$('back').addEventListener('click', () => $('app-view').classList.remove('show-detail'));

// ------------------------------------------------------------------ compose

function setMode(mode) {
  state.mode = mode;
  $('tab-reply').classList.toggle('active', mode === 'reply');
  $('tab-note').classList.toggle('active', mode === 'note');
  $('compose').classList.toggle('note-mode', mode === 'note');
  $('send').textContent = mode === 'reply' ? '发送回复' : '保存备注';
  $('compose-text').placeholder = mode === 'reply' ? '输入给群众的回复，Ctrl+Enter 发送' : '内部备注仅民警可见，不会发送给群众';
  $('reply-target').classList.toggle('hidden', mode !== 'reply');
}
$('tab-reply').addEventListener('click', () => setMode('reply'));
$('tab-note').addEventListener('click', () => setMode('note'));
$('canned').addEventListener('change', () => {
  const c = state.canned.find((x) => x.id === $('canned').value);
  if (c) {
    const box = $('compose-text');
    box.value = box.value ? `${box.value}\n${c.text}` : c.text;
    box.focus();
  }
  $('canned').value = '';
});

async function loadCanned() {
  state.canned = (await api('GET', '/api/inbox/canned').catch(() => ({ cannedReplies: [] }))).cannedReplies;
}

$('compose').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('compose-text').value.trim();
  if (!text || !state.detail) return;
  $('send').disabled = true;
  try {
    const path = state.mode === 'reply' ? 'reply' : 'notes';
    const data = await api('POST', `/api/inbox/${state.detail.id}/${path}`, { text });
    $('compose-text').value = '';
    toast(state.mode === 'reply' ? (data.delivery ? '回复已加入发送队列' : '回复已保存到会话') : '备注已保存');
    await Promise.all([loadDetail(), loadList()]);
  } catch (err) {
    showError(err);
  } finally {
    $('send').disabled = false;
  }
});
$('compose-text').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('compose').requestSubmit();
});
$('upload').addEventListener('change', async () => {
  const file = $('upload').files[0];
  if (!file || !state.detail) return;
  const form = new FormData();
  form.append('file', file);
  try {
    await api('POST', `/api/inbox/${state.detail.id}/attachments`, form);
    toast('图片已上传（仅民警可见）');
    await loadDetail();
  } catch (err) {
    showError(err);
  } finally {
    $('upload').value = '';
  }
});

// ------------------------------------------------------------------ live updates

function openEvents() {
  closeEvents();
  state.events = openInboxEvents({
    badge: $('live-status'),
    onItem(event) {
      if (event.type === 'item.created') toast('有新的事项');
      scheduleRefresh();
      if (event.item === state.selectedId) loadDetail();
    },
    onSignedOut: () => showLogin('您已退出登录（或账号已被停用、密码已更改），请重新登录。'),
  });
}

function closeEvents() {
  state.events?.close();
  state.events = null;
}

// ------------------------------------------------------------------ keyboard

function moveSelection(delta) {
  if (!state.items.length) return;
  const index = state.items.findIndex((i) => i.id === state.selectedId);
  const next = Math.max(0, Math.min(state.items.length - 1, index + delta));
  const id = state.items[index === -1 ? 0 : next].id;
  state.selectedId = id;
  document.querySelectorAll('.item-row').forEach((row) => row.classList.toggle('selected', row.dataset.id === id));
  document.querySelector('.item-row.selected')?.scrollIntoView({ block: 'nearest' });
}

document.addEventListener('keydown', (e) => {
  if (!state.me || e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
  if (e.key === 'Escape') {
    document.activeElement?.blur();
    $('app-view').classList.remove('show-detail');
    return;
  }
  if (typing) return;
  const open = state.detail && ['new', 'claimed', 'waiting'].includes(state.detail.status);
  const actions = {
    j: () => moveSelection(1),
    k: () => moveSelection(-1),
    Enter: () => state.selectedId && select(state.selectedId),
    o: () => state.selectedId && select(state.selectedId),
    n: takeNext,
    c: () => open && $('a-claim').click(),
    u: () => open && $('a-release').click(),
    e: () => open && $('a-resolve').click(),
    r: () => open && (setMode('reply'), $('compose-text').focus()),
    m: () => open && (setMode('note'), $('compose-text').focus()),
    '/': () => $('f-status').focus(),
  };
  const action = actions[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});

// ------------------------------------------------------------------ boot

boot({ start, showLogin });
