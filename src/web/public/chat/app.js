// 网上警务室 — resident web chat. Plain ES module, no build step. All resident/officer text is
// rendered with textContent (never innerHTML): it is untrusted.

import { $, createApi, el } from '/shared/toolkit.js';

const state = { room: null, conversationId: null, cursor: null, polling: null, sending: false };
const STORE = 'police-room-chat';

function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || '{}');
  } catch {
    return {};
  }
}
function save(patch) {
  localStorage.setItem(STORE, JSON.stringify({ ...saved(), ...patch }));
}


function scrollDown() {
  const main = $('chat');
  main.scrollTop = main.scrollHeight;
}

function addMessage(who, text, options) {
  const item = el('li', { class: `msg msg-${who}` });
  if (who === 'officer') item.appendChild(el('span', { class: 'msg-label', text: '民警回复' }));
  item.appendChild(el('div', { class: 'bubble', text }));
  if (options && options.length) {
    const box = el('div', { class: 'options' });
    for (const opt of options) {
      const b = el('button', { type: 'button', text: opt.label });
      b.addEventListener('click', () => send(opt.value, opt.label));
      box.appendChild(b);
    }
    item.appendChild(box);
  }
  $('messages').appendChild(item);
  scrollDown();
  return item;
}

const request = createApi();

async function send(text, shown) {
  const value = text.trim();
  if (!value || state.sending) return;
  state.sending = true;
  $('send').disabled = true;
  addMessage('me', shown || value);
  try {
    const body = await request('POST', '/api/chat/messages', { room: state.room.code, conversationId: state.conversationId || undefined, text: value });
    if (body.conversationId !== state.conversationId) {
      state.conversationId = body.conversationId;
      state.cursor = null;
      save({ [`conv:${state.room.code}`]: body.conversationId });
      startPolling();
    }
    for (const r of body.replies) addMessage('bot', r.text, r.options);
  } catch (err) {
    if (err.code === 'conversation_not_found') {
      state.conversationId = null;
      save({ [`conv:${state.room.code}`]: null });
    }
    addMessage('error', err.message);
  } finally {
    state.sending = false;
    $('send').disabled = false;
  }
}

async function poll() {
  if (!state.conversationId) return;
  try {
    const q = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : '';
    const body = await request('GET', `/api/chat/conversations/${encodeURIComponent(state.conversationId)}/messages${q}`);
    for (const m of body.messages) addMessage('officer', m.text, m.options);
    state.cursor = body.cursor;
  } catch {
    /* offline for a moment: try again at the next tick */
  }
}

function startPolling() {
  if (state.polling) window.clearInterval(state.polling);
  state.polling = window.setInterval(poll, 4000);
  poll();
}

function openRoom(room) {
  state.room = room;
  state.conversationId = saved()[`conv:${room.code}`] || null;
  state.cursor = null;
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
  if (state.conversationId) startPolling();
  const url = new URL(location.href);
  url.searchParams.set('room', room.code);
  history.replaceState(null, '', url);
}

async function showPicker(rooms) {
  $('room-picker').hidden = false;
  $('chat').hidden = true;
  $('composer').hidden = true;
  const list = $('room-list');
  list.textContent = '';
  for (const room of rooms) {
    const li = el('li');
    const b = el('button', { type: 'button' }, [room.name, el('small', { text: `${room.typeLabel} · ${room.address}` })]);
    b.addEventListener('click', () => openRoom(room));
    li.appendChild(b);
    list.appendChild(li);
  }
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
    send(text);
  });
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
}

main().catch(() => {
  document.body.appendChild(el('p', { class: 'chat-alert', text: '页面加载失败，请刷新重试。紧急情况请拨打110。' }));
});
