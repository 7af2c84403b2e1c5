// 网上警务室 — resident web chat. Plain ES module, no build step. All resident/officer text is
// rendered with textContent (never innerHTML): it is untrusted.
//
// Officers' replies and reminders arrive over server-sent events (/api/chat/conversations/:id/events);
// the browser reconnects by itself and sends Last-Event-ID, so nothing is missed. A message typed
// while offline is kept in localStorage and sent, in order, when the connection returns.
//
// Several tabs share localStorage. A queued message belongs to the tab it was typed in (that tab
// shows the answer); another tab sends it only once that tab is gone (closed before it could send).
// Sending is serialised across tabs with the Web Locks API, so a message is never sent twice.
import { $, createApi, el } from '/shared/toolkit.js';

const state = { room: null, conversationId: null, cursor: null, events: null, seen: new Set(), sending: false, retry: null };
const STORE = 'police-room-chat';
const request = createApi();

function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || '{}');
  } catch {
    return {};
  }
}
function save(patch) {
  try {
    localStorage.setItem(STORE, JSON.stringify({ ...saved(), ...patch }));
  } catch {
    /* storage full or disabled: the chat still works, it only forgets on reload */
  }
}
const pendingKey = () => `pending:${state.room.code}`;
const pending = () => saved()[pendingKey()] || [];
const setPending = (list) => save({ [pendingKey()]: list });

// This tab's identity (sessionStorage survives a reload of the same tab) and a lock held while it lives.
const TAB = (() => {
  try {
    const id = sessionStorage.getItem('police-room-tab') || `tab-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    sessionStorage.setItem('police-room-tab', id);
    return id;
  } catch {
    return `tab-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }
})();
const locks = navigator.locks;
if (locks) locks.request(`police-room-tab:${TAB}`, () => new Promise(() => {})).catch(() => {});

/** Tabs that are open now (null when the browser cannot tell: then this tab sends everything). */
async function liveTabs() {
  if (!locks) return null;
  try {
    const { held = [] } = await locks.query();
    return new Set(held.map((l) => l.name).filter((n) => n.startsWith('police-room-tab:')).map((n) => n.slice('police-room-tab:'.length)));
  } catch {
    return null;
  }
}

/** Runs fn while no other tab is sending (every tab still works, one at a time, where locks exist). */
const exclusively = (fn) => (locks ? locks.request(`police-room-send:${state.room.code}`, fn) : fn());

function scrollDown() {
  const main = $('main');
  main.scrollTop = main.scrollHeight;
}

function addMessage(who, text, options, label) {
  const item = el('li', { class: `msg msg-${who}` }, [
    who === 'officer' ? el('span', { class: 'msg-label', text: label || '民警回复' }) : null,
    el('div', { class: 'bubble', text }),
  ]);
  if (options && options.length) {
    item.append(el('div', { class: 'options' }, options.map((opt) => el('button', { type: 'button', text: opt.label, on: { click: () => send(opt.value, opt.label) } }))));
  }
  $('messages').append(item);
  scrollDown();
  return item;
}

function netStatus(text) {
  $('net-status').textContent = text || '';
  $('net-status').hidden = !text;
}

// ------------------------------------------------------------------ sending (and the offline queue)

function send(text, shown) {
  const value = text.trim();
  if (!value) return;
  const entry = { text: value, shown: shown || value, id: `${Date.now()}-${Math.random().toString(36).slice(2)}`, tab: TAB };
  setPending([...pending(), entry]);
  showPendingBubble(entry);
  flush();
}

function showPendingBubble(entry) {
  const item = addMessage('me', entry.shown);
  item.dataset.pending = entry.id;
  item.classList.add('msg-pending');
  item.append(el('span', { class: 'msg-label', text: '等待发送…' }));
}

function markSent(id) {
  const item = document.querySelector(`[data-pending="${window.CSS.escape(id)}"]`);
  if (!item) return;
  item.classList.remove('msg-pending');
  item.querySelector('.msg-label')?.remove();
  delete item.dataset.pending;
}

/** The next queued message this tab should send: its own, or one left by a tab that is gone. */
async function nextToSend() {
  const queue = pending();
  if (!queue.length) return null;
  const live = await liveTabs();
  return queue.find((p) => !live || !p.tab || p.tab === TAB || !live.has(p.tab)) || null;
}

/** Sends the queued messages one by one; stops at the first network failure and tries again later. */
async function flush() {
  if (state.sending) return;
  state.sending = true;
  try {
    await exclusively(sendQueued);
    netStatus('');
  } catch (err) {
    netStatus(err.status === 429 ? err.message : '网络已断开：您的消息已保存，联网后会自动发送。紧急情况请直接拨打110。');
    clearTimeout(state.retry);
    state.retry = setTimeout(flush, 5000);
  } finally {
    state.sending = false;
  }
}

async function sendQueued() {
  for (let entry = await nextToSend(); entry; entry = await nextToSend()) {
    if (!document.querySelector(`[data-pending="${window.CSS.escape(entry.id)}"]`)) showPendingBubble(entry);
    let body;
    try {
      body = await request('POST', '/api/chat/messages', { room: state.room.code, conversationId: state.conversationId || undefined, text: entry.text });
    } catch (err) {
      if (err.status === 0 || err.status >= 500 || err.status === 429) throw err;
      // Refused for good (e.g. too long): drop it from the queue and say why.
      setPending(pending().filter((p) => p.id !== entry.id));
      markSent(entry.id);
      if (err.code === 'conversation_not_found') {
        state.conversationId = null;
        save({ [`conv:${state.room.code}`]: null });
      }
      addMessage('error', err.message);
      continue;
    }
    setPending(pending().filter((p) => p.id !== entry.id));
    markSent(entry.id);
    if (body.conversationId !== state.conversationId) {
      state.conversationId = body.conversationId;
      state.cursor = null;
      save({ [`conv:${state.room.code}`]: body.conversationId });
      listen();
    }
    for (const r of body.replies) addMessage('bot', r.text, r.options);
  }
}

window.addEventListener('online', () => flush());
// Another tab sent (or queued) something: settle the bubbles of messages that are no longer waiting.
window.addEventListener('storage', (e) => {
  if (e.key !== STORE || !state.room) return;
  const waiting = new Set(pending().map((p) => p.id));
  for (const item of document.querySelectorAll('[data-pending]')) if (!waiting.has(item.dataset.pending)) markSent(item.dataset.pending);
});

// ------------------------------------------------------------------ officers' replies (server-sent events)

function listen() {
  state.events?.close();
  state.events = null;
  if (!state.conversationId) return;
  const q = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : '';
  const source = new EventSource(`/api/chat/conversations/${encodeURIComponent(state.conversationId)}/events${q}`);
  state.events = source;
  source.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    state.cursor = e.lastEventId || state.cursor;
    if (state.seen.has(m.id)) return;
    state.seen.add(m.id);
    addMessage('officer', m.text, m.options, m.purpose === 'reply' ? '民警回复' : '警务室通知');
  });
  source.addEventListener('open', () => {
    document.body.dataset.live = 'open';
    if (pending().length) flush();
  });
  source.addEventListener('error', () => {
    document.body.dataset.live = 'reconnecting';
    // The browser retries by itself (with Last-Event-ID); when it gives up, start again from our cursor.
    if (source.readyState === EventSource.CLOSED && state.events === source) setTimeout(() => state.events === source && listen(), 3000);
  });
}

// ------------------------------------------------------------------ rooms

function openRoom(room) {
  state.room = room;
  state.conversationId = saved()[`conv:${room.code}`] || null;
  state.cursor = null;
  state.seen.clear();
  save({ room: room.code });
  $('room-name').textContent = room.name;
  $('room-picker').hidden = true;
  $('chat').hidden = false;
  $('composer').hidden = false;
  $('switch-room').hidden = false;
  $('messages').textContent = '';
  addMessage('bot', `您好，这里是${room.name}网上警务室。可以问我办事材料、预约办理、查询进度，也可以反映线索和邻里纠纷。\n办公时间：${room.hoursText}`, [
    { label: '办事指南', value: '办事指南' },
    { label: '预约办理', value: '我要预约' },
    { label: '查询进度', value: '查询进度' },
    { label: '举报线索', value: '我要举报' },
    { label: '邻里纠纷', value: '邻里纠纷' },
    { label: '警务室信息', value: '警务室信息' },
  ]);
  listen();
  for (const entry of pending()) showPendingBubble(entry);
  if (pending().length) flush();
  const url = new URL(location.href);
  url.searchParams.set('room', room.code);
  history.replaceState(null, '', url);
}

function showPicker(rooms) {
  state.events?.close();
  state.events = null;
  $('room-picker').hidden = false;
  $('chat').hidden = true;
  $('composer').hidden = true;
  $('room-list').replaceChildren(
    ...rooms.map((room) => el('li', {}, el('button', { type: 'button', on: { click: () => openRoom(room) } }, [room.name, el('small', { text: `${room.typeLabel} · ${room.address}` })]))),
  );
}

function grow() {
  const t = $('text');
  t.style.height = 'auto';
  t.style.height = `${t.scrollHeight + 4}px`;
}

async function main() {
  const { rooms } = await request('GET', '/api/rooms');
  const wanted = (new URLSearchParams(location.search).get('room') || saved().room || '').toUpperCase();
  const room = rooms.find((r) => r.code === wanted);
  if (room) openRoom(room);
  else showPicker(rooms);
  $('switch-room').addEventListener('click', () => showPicker(rooms));
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value;
    $('text').value = '';
    grow();
    send(text);
  });
  $('text').addEventListener('input', grow);
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
}

main().catch(() => {
  $('main').append(el('p', { class: 'emergency', role: 'alert', text: '页面加载失败，请刷新重试。紧急情况请拨打110。' }));
});
