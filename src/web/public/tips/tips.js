// Residents' tip page: submit (anonymously or not), save code + secret, follow up.
// Resident and officer text is inserted with textContent only.

import { $, createApi, el, formatDateTime, showError } from '/shared/toolkit.js';

const api = createApi();
const show = (id, on = true) => $(id).classList.toggle('hidden', !on);
let current = null; // { code, secret }

const error = (id, message) => showError(id, message);
const call = (method, path, { body, secret, form } = {}) => api(method, path, form ?? body, { headers: secret ? { 'X-Tip-Secret': secret } : {} });

function tab(which) {
  $('tab-submit').classList.toggle('active', which === 'submit');
  $('tab-check').classList.toggle('active', which === 'check');
  $('tab-submit').setAttribute('aria-pressed', String(which === 'submit'));
  $('tab-check').setAttribute('aria-pressed', String(which === 'check'));
  show('submit-form', which === 'submit');
  show('receipt', false);
  show('check-form', which === 'check');
  if (which === 'submit') show('tip', false);
}
$('tab-submit').addEventListener('click', () => tab('submit'));
$('tab-check').addEventListener('click', () => tab('check'));

async function loadRooms() {
  const { rooms } = await call('GET', '/api/rooms');
  const select = $('room');
  select.replaceChildren(...rooms.map((r) => el('option', { value: r.code, text: `${r.name}（${r.districtName}）` })));
  const wanted = new URLSearchParams(location.search).get('room');
  if (wanted) select.value = wanted.toUpperCase();
}

$('text').addEventListener('input', () => ($('count').textContent = String($('text').value.length)));
$('anonymous').addEventListener('change', () => show('contact', !$('anonymous').checked));

$('submit-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('submit-error');
  const anonymous = $('anonymous').checked;
  const body = { room: $('room').value, text: $('text').value, anonymous };
  if (!anonymous) body.contact = { name: $('name').value.trim() || undefined, phone: $('phone').value.trim() || undefined };
  const button = e.submitter;
  button.disabled = true;
  try {
    const data = await call('POST', '/api/tips', { body });
    current = { code: data.code, secret: data.secret };
    $('r-code').textContent = data.code;
    $('r-secret').textContent = data.secret;
    $('r-message').textContent = data.message;
    $('submit-form').reset();
    show('submit-form', false);
    show('receipt', true);
  } catch (err) {
    error('submit-error', err.message);
  } finally {
    button.disabled = false;
  }
});

const receiptText = () => `网上警务室 线索查询\n查询编号：${current.code}\n查询密码：${current.secret}\n查询地址：${location.origin}/tips/\n`;
$('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(receiptText());
    $('copy').textContent = '已复制';
  } catch {
    $('copy').textContent = '复制失败，请手动抄写';
  }
});
$('download').addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([receiptText()], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `线索查询-${current.code}.txt`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});
$('goto-check').addEventListener('click', () => {
  tab('check');
  $('c-code').value = current.code;
  $('c-secret').value = current.secret;
  $('check-form').requestSubmit();
});

async function loadTip() {
  const { tip } = await call('GET', `/api/tips/${encodeURIComponent(current.code)}`, { secret: current.secret });
  $('t-title').textContent = `线索 ${tip.code} · ${tip.roomName ?? tip.room}`;
  $('t-status').textContent = `当前状态：${tip.statusLabel}`;
  $('t-thread').replaceChildren(...tip.messages.map((m) => el('li', { class: m.from }, [
    el('span', { class: 'who', text: `${m.from === 'police' ? '民警' : '我'} · ${formatDateTime(m.at)}` }),
    m.images ? `${m.text}（图片 ${m.images} 张）` : m.text,
  ])));
  show('tip', true);
}

$('check-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('check-error');
  current = { code: $('c-code').value.trim(), secret: $('c-secret').value.trim() };
  try {
    await loadTip();
  } catch (err) {
    show('tip', false);
    error('check-error', err.message);
  }
});

$('reply-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('reply-error');
  try {
    await call('POST', `/api/tips/${encodeURIComponent(current.code)}/messages`, { body: { text: $('reply').value }, secret: current.secret });
    $('reply').value = '';
    await loadTip();
  } catch (err) {
    error('reply-error', err.message);
  }
});

$('upload').addEventListener('change', async () => {
  const file = $('upload').files[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file);
  try {
    await call('POST', `/api/tips/${encodeURIComponent(current.code)}/attachments`, { form, secret: current.secret });
    await loadTip();
  } catch (err) {
    error('reply-error', err.message);
  } finally {
    $('upload').value = '';
  }
});

loadRooms().catch(() => error('submit-error', '无法加载警务室列表，请刷新重试。'));
