// 工作日志: officers log field work from a phone. Every entry is first written to this browser's
// IndexedDB queue with a random idempotency key, then sent; with no signal it waits there and is sent
// when the browser comes back online (or on 立即重试). The server stores one entry per key, so an entry
// sent twice (the answer lost on the way back) is stored once; each photo goes to its own slot, once.
// The page itself opens without signal too: a service worker (sw.js) keeps its shell, and the last
// signed-in officer with the form's choices (rooms, areas, kinds; no resident's data) is remembered on
// this device, so the form comes up offline; the session is checked again before anything is sent.
import { $, beijingDay, boot, createApi, el, formatDateTime, formatTime, handleLoginForm, showError } from '/shared/toolkit.js';

const state = { csrf: null, officer: null, options: null, files: [] };
const api = createApi({ csrfToken: () => state.csrf, onUnauthorized: () => showLogin() });
const MAX_SIDE = 1600;

// ------------------------------------------------------------------ the queue (IndexedDB)

const DB_NAME = 'police-room-work-log';
let dbPromise = null;
function db() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('queue', { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}
async function store(mode, fn) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const tx = database.transaction('queue', mode);
    const req = fn(tx.objectStore('queue'));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
const queued = async () => ((await store('readonly', (s) => s.getAll())) || []).filter((r) => r.officer === state.officer?.id).sort((a, b) => a.queuedAt - b.queuedAt);
const save = (record) => store('readwrite', (s) => s.put(record));
const drop = (key) => store('readwrite', (s) => s.delete(key));

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `wl-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ------------------------------------------------------------------ sign-in and start

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/work-log/sw.js', { scope: '/work-log/' }).catch((err) => console.warn('工作日志离线功能未启用', err));
}

/** The last signed-in officer and the form's choices, to open the form without signal. */
const DEVICE_KEY = 'police-room-work-log:last-session';
const remember = () => localStorage.setItem(DEVICE_KEY, JSON.stringify({ officer: { id: state.officer.id, name: state.officer.name }, options: state.options }));
const forget = () => localStorage.removeItem(DEVICE_KEY);
function remembered() {
  try {
    const saved = JSON.parse(localStorage.getItem(DEVICE_KEY) ?? 'null');
    return saved?.officer?.id && saved.options ? saved : null;
  } catch {
    return null;
  }
}

function showLogin() {
  // The server says nobody is signed in here: the form no longer opens offline for the last officer.
  forget();
  $('login-view').classList.remove('hidden');
  $('log-view').classList.add('hidden');
}

handleLoginForm(api, { onSignedIn: start, onError: (err) => showError('error', err) });

async function start(officer, csrf) {
  state.officer = officer;
  state.csrf = csrf;
  $('who').textContent = officer.name;
  $('login-view').classList.add('hidden');
  showError('error', '');
  state.options = await api('GET', '/api/work-log/options');
  remember();
  showLogView();
  updateNet();
  await renderQueue();
  await loadMonth();
  flush();
}

/** Opened without signal: the remembered officer's form; entries wait in the queue until the session is checked online. */
async function startOffline() {
  const saved = remembered();
  if (!saved) {
    $('login-view').classList.remove('hidden');
    showError('error', '当前没有网络。请联网登录一次，之后没有信号也能打开本页记录。');
    return;
  }
  state.officer = saved.officer;
  state.options = saved.options;
  state.csrf = null;
  $('who').textContent = saved.officer.name;
  showLogView();
  updateNet();
  await renderQueue();
  $('counts').textContent = '没有网络：本月记录联网后显示。';
}

/** After an offline start: ask who is signed in (and for the CSRF token) before sending; false while still offline or signed out. */
async function reconnect() {
  let res;
  try {
    res = await fetch('/api/me', { credentials: 'same-origin' });
  } catch {
    return false;
  }
  if (!res.ok) {
    showLogin();
    return false;
  }
  const data = await res.json();
  state.csrf = data.csrfToken;
  state.officer = data.officer;
  $('who').textContent = data.officer.name;
  await loadMonth();
  return true;
}

function showLogView() {
  $('log-view').classList.remove('hidden');
  if (!state.options.canWrite) {
    $('log-form').classList.add('hidden');
    showError('error', '工作日志由社区民警本人填写；督导和管理员可在此查看本月记录。');
  } else fillForm();
}

function fillForm() {
  const { rooms, kinds } = state.options;
  $('room').replaceChildren(...rooms.map((r) => el('option', { value: r.code, text: r.name })));
  $('room-field').classList.toggle('hidden', rooms.length <= 1);
  $('kinds').replaceChildren(
    ...kinds.map((k, i) =>
      el('label', {}, [el('input', { type: 'radio', name: 'kind', value: k.key, checked: i === 0 ? true : null, on: { change: kindChanged } }), k.label]),
    ),
  );
  roomChanged();
  kindChanged();
  resetTime();
}

function roomChanged() {
  const room = state.options.rooms.find((r) => r.code === $('room').value);
  $('place').replaceChildren(...(room?.places ?? []).map((p) => el('option', { value: p, text: p })));
}
function kindChanged() {
  const kind = state.options.kinds.find((k) => k.key === selectedKind());
  $('count-label').textContent = `${kind?.countLabel ?? '户数/人数'}（可不填）`;
}
const selectedKind = () => document.querySelector('input[name=kind]:checked')?.value;
/** Now on the Beijing wall clock, for the datetime-local field (whatever this phone's zone). */
function resetTime() {
  $('at').value = `${beijingDay()}T${formatTime(new Date())}`;
}

// ------------------------------------------------------------------ photos

async function shrink(file) {
  // Re-drawn at most 1600 px on the long side as JPEG: smaller uploads, and the camera's EXIF (GPS) stays on the phone.
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob ?? file;
  } catch {
    return file; // the server checks and cleans it anyway
  }
}

$('photos').addEventListener('change', async () => {
  const picked = [...$('photos').files];
  const max = state.options.maxPhotos;
  if (state.files.length + picked.length > max) showError('form-error', `每条最多 ${max} 张照片，多出的未加入。`);
  for (const file of picked.slice(0, Math.max(0, max - state.files.length))) state.files.push(await shrink(file));
  $('photos').value = '';
  renderPreviews();
});

function renderPreviews() {
  $('previews').replaceChildren(
    ...state.files.map((blob, i) =>
      el('button', { type: 'button', class: 'link', 'aria-label': `移除第${i + 1}张照片`, on: { click: () => { state.files.splice(i, 1); renderPreviews(); } } }, el('img', { src: URL.createObjectURL(blob), alt: `第${i + 1}张照片` })),
    ),
  );
}

// ------------------------------------------------------------------ saving

$('room').addEventListener('change', roomChanged);

$('log-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError('form-error', '');
  const kind = selectedKind();
  const at = $('at').value;
  const count = $('count').value.trim();
  if (!kind) return showError('form-error', '请选择工作类别。');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(at)) return showError('form-error', '请填写时间。');
  if (count && !/^\d+$/.test(count)) return showError('form-error', '户数/人数应为整数。');
  const body = { kind, at: `${at.slice(0, 16)}:00+08:00`, place: $('place').value, note: $('note').value.trim() };
  if (count) body.count = Number(count);
  if (state.options.rooms.length > 1) body.room = $('room').value;
  const record = { key: newKey(), officer: state.officer.id, body, photos: state.files.slice(), sentPhotos: [], entryId: null, error: null, queuedAt: Date.now() };
  await save(record);
  // The form is ready for the next entry at once; the queue shows this one until it has arrived.
  $('note').value = '';
  $('count').value = '';
  state.files = [];
  renderPreviews();
  resetTime();
  await renderQueue();
  await flush();
});

let flushing = false;
/** Sends what waits in the queue, oldest first; stops at the first network failure (tried again later). */
async function flush() {
  if (flushing || !state.officer) return;
  flushing = true;
  let sent = 0;
  try {
    if (!state.csrf && !(await reconnect())) return;
    for (const record of await queued()) {
      if (record.error) continue; // refused by the server: the officer decides (shown in the queue)
      try {
        if (!record.entryId) {
          const res = await api('POST', '/api/work-log', record.body, { headers: { 'Idempotency-Key': record.key }, retryBusy: true });
          record.entryId = res.entry.id;
          await save(record);
        }
        for (let slot = 0; slot < record.photos.length; slot++) {
          if (record.sentPhotos.includes(slot)) continue;
          const form = new FormData();
          form.append('file', record.photos[slot], `photo-${slot}.jpg`);
          await api('PUT', `/api/work-log/${record.entryId}/photos/${slot}`, form, { retryBusy: true });
          record.sentPhotos.push(slot);
          await save(record);
        }
        await drop(record.key);
        sent++;
      } catch (err) {
        const transient = err.status === 0 || err.status === 401 || err.status === 408 || err.status === 429 || err.status >= 500;
        if (transient) break;
        record.error = err.message;
        await save(record);
      }
    }
  } finally {
    flushing = false;
  }
  await renderQueue();
  if (sent) await loadMonth();
}

async function renderQueue() {
  const records = state.officer ? await queued() : [];
  $('queue-card').classList.toggle('hidden', records.length === 0);
  $('queue-title').textContent = `待提交（${records.length}）`;
  $('queue').replaceChildren(
    ...records.map((r) => {
      const kind = state.options?.kinds.find((k) => k.key === r.body.kind)?.label ?? r.body.kind;
      const li = el('li', { dataset: { key: r.key } }, [
        el('strong', { text: `${kind} · ${r.body.place}` }),
        el('div', { class: 'meta', text: `${formatDateTime(r.body.at)}${r.body.count !== undefined ? ` · ${r.body.count}` : ''}${r.photos.length ? ` · 照片 ${r.photos.length} 张` : ''}` }),
        el('div', { class: `state${r.error ? ' failed' : ''}`, text: r.error ? `未能保存：${r.error}` : r.entryId ? `已保存，照片上传中（${r.sentPhotos.length}/${r.photos.length}）` : '等待网络，联网后自动提交' }),
      ]);
      if (r.error) li.append(el('button', { type: 'button', class: 'secondary', text: '删除这条', on: { click: async () => { await drop(r.key); await renderQueue(); } } }));
      return li;
    }),
  );
}

// ------------------------------------------------------------------ this month

async function loadMonth() {
  try {
    const month = await api('GET', '/api/work-log');
    const { kinds } = state.options;
    $('counts').textContent = kinds.filter((k) => month.counts[k.key]).map((k) => `${k.label} ${month.counts[k.key]}`).join(' · ') || '本月还没有记录。';
    $('entries').replaceChildren(
      ...month.entries.map((e) =>
        el('li', { dataset: { id: e.id } }, [
          el('strong', { text: `${e.kindLabel} · ${e.place}` }),
          el('div', { class: 'meta', text: `${formatDateTime(e.at)}${e.count !== null ? ` · ${e.count}` : ''} · ${e.officer.name}` }),
          e.note ? el('div', { text: e.note }) : null,
          e.photos.length ? el('div', { class: 'photos' }, e.photos.map((p, i) => el('a', { href: p.url, target: '_blank', rel: 'noopener', text: `照片${i + 1}` }))) : null,
        ]),
      ),
    );
  } catch (err) {
    if (err.status !== 0) showError('error', err);
  }
}

// ------------------------------------------------------------------ the connection

function updateNet() {
  const online = navigator.onLine;
  $('net').textContent = online ? '网络已连接：记录会立即提交。' : '当前没有网络：记录先保存在本机，联网后自动提交。';
  $('net').classList.toggle('offline', !online);
}
window.addEventListener('online', () => {
  updateNet();
  flush();
});
window.addEventListener('offline', updateNet);
$('retry').addEventListener('click', () => flush());
// A connection can come back without an 'online' event (a captive portal, a flaky cell): try now and then.
setInterval(() => {
  if (navigator.onLine) flush();
}, 30_000);

boot({ start, showLogin, offline: startOffline });
