// The pages' one small toolkit. Plain ES module, no build step, no dependencies:
//   import { $, el, createApi, formatDateTime, showError } from '/shared/toolkit.js';
//
// DOM
//   $(id)                          document.getElementById(id)
//   el(tag, props?, children?)     a new element. props: text (textContent, never HTML), class, dataset {…},
//                                  on {event: handler}, any other key → attribute (true → "", null/undefined/false
//                                  → left out). children: a node, a string (a text node) or an array of them;
//                                  null/undefined/false children are skipped. Untrusted text is always safe here.
// Fetch
//   createApi({ csrfToken?, onUnauthorized? }) → api(method, path, body?, { headers }?) → parsed JSON or null.
//                                  Same-origin cookies; non-GET requests carry X-CSRF-Token (when csrfToken()
//                                  returns one) and the body (FormData as is, anything else as JSON).
//                                  A failure throws ApiError {message (Chinese, from the server), status, code,
//                                  detail}; a network failure throws ApiError with status 0.
//   ApiError, SESSION_EXPIRED
// Beijing time (Asia/Shanghai, whatever the browser's zone)
//   formatDateTime(x)  "12月3日 15:30"        formatFullDateTime(x)  "2026年12月3日 15:30"
//   formatDate(x)      "12月3日 周四"          formatTime(x)          "15:30"
//   beijingDay(x?)     "2026-12-03" (calendar day in Beijing; now when x is omitted)
//   dayText("2026-12-03") "12月3日 周四" (a calendar date, no zone involved)
//   x: a Date, an ISO string or epoch milliseconds; null/undefined/'' → "—".
// Errors
//   showError(target, errorOrMessage)  target: an element or its id. Shows the message (an Error's .message)
//                                  in it with role="alert"; a falsy message hides it.   clearError(target).
// Officer pages' sign-in
//   boot({ start, showLogin, offline? }), handleLoginForm(api, { onSignedIn, onError }), signOut(api)
//                                  An officer who must change a first or temporary password is sent to /account/.
//                                  offline(): called instead of showLogin when the sign-in check fails for want
//                                  of a network (a page that works without signal, e.g. /work-log/).

export const SESSION_EXPIRED = '登录已过期，请重新登录。';
const LOGIN_PATH = '/api/auth/login';
const ZONE = 'Asia/Shanghai';
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

// ------------------------------------------------------------------ DOM

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// ------------------------------------------------------------------ fetch

/** A failed request: the server's {"error":{"code","message"}} (Chinese message first) and the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || (status ? `请求失败（${status}）` : '网络连接失败，请检查网络后重试。'));
    this.status = status;
    this.code = body?.error?.code;
    this.detail = body?.error?.detail;
  }
}

export function createApi({ csrfToken = () => null, onUnauthorized = null } = {}) {
  /**
   * `retryBusy`: a 503 (the database busy or restarting) is tried again, up to twice, after the
   * server's Retry-After (at most 2 s). GET requests always; a change only when the caller says
   * repeating it is harmless (taking the next item is: a second try takes one item, not two).
   */
  return async function api(method, path, body, { headers: extra = {}, retryBusy = method === 'GET' } = {}) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(method, path, body, extra);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 503 || !retryBusy || attempt > 2) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2, Math.max(0.2, err.retryAfter ?? 1)) * 1000));
      }
    }
  };

  async function once(method, path, body, extra) {
    const headers = { Accept: 'application/json', ...extra };
    const options = { method, headers, credentials: 'same-origin' };
    if (method !== 'GET') {
      const token = csrfToken();
      if (token) headers['X-CSRF-Token'] = token;
      if (body instanceof FormData) options.body = body;
      else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
      }
    }
    let res;
    try {
      res = await fetch(path, options);
    } catch {
      throw new ApiError(0, null);
    }
    const data = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : null;
    if (res.ok) return data;
    const error = new ApiError(res.status, data);
    const retryAfter = res.headers.get('retry-after');
    if (retryAfter !== null && /^\d+$/.test(retryAfter)) error.retryAfter = Number(retryAfter);
    if (res.status === 401 && path !== LOGIN_PATH && onUnauthorized) onUnauthorized(error);
    throw error;
  }
}

// ------------------------------------------------------------------ Beijing time

const formatters = new Map();
function fmt(options) {
  const key = JSON.stringify(options);
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, hour12: false, ...options }));
  return formatters.get(key);
}
function toDate(x) {
  if (x === null || x === undefined || x === '') return null;
  const d = x instanceof Date ? x : new Date(x);
  return Number.isNaN(d.getTime()) ? null : d;
}
function parts(d) {
  const out = {};
  for (const p of fmt({ year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', weekday: 'short' }).formatToParts(d)) out[p.type] = p.value;
  if (out.hour === '24') out.hour = '00';
  return out;
}

export function formatTime(x) {
  const d = toDate(x);
  if (!d) return '—';
  const p = parts(d);
  return `${p.hour}:${p.minute}`;
}
export function formatDateTime(x) {
  const d = toDate(x);
  if (!d) return '—';
  const p = parts(d);
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}
export function formatFullDateTime(x) {
  const d = toDate(x);
  if (!d) return '—';
  const p = parts(d);
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}
export function beijingDay(x = new Date()) {
  const d = toDate(x);
  if (!d) return '';
  const p = parts(d);
  return `${p.year}-${p.month.padStart(2, '0')}-${p.day.padStart(2, '0')}`;
}
export function dayText(date) {
  const [y, m, d] = date.split('-').map(Number);
  return `${m}月${d}日 ${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`;
}
export function formatDate(x) {
  const d = toDate(x);
  return d ? dayText(beijingDay(d)) : '—';
}

// ------------------------------------------------------------------ errors

function target(t) {
  return typeof t === 'string' ? $(t) : t;
}
export function showError(t, error) {
  const node = target(t);
  if (!node) return;
  const message = error instanceof Error ? error.message : error;
  node.setAttribute('role', 'alert');
  node.textContent = message || '';
  node.classList.toggle('hidden', !message);
}
export function clearError(t) {
  showError(t, '');
}

// ------------------------------------------------------------------ officer sign-in

/**
 * An officer signed in with a first or temporary password is sent to the account page to change it
 * (the server refuses everything else until then); true when the page is being left.
 */
function toPasswordChange(officer) {
  if (!officer?.mustChangePassword || location.pathname === '/account/') return false;
  location.href = `/account/?next=${encodeURIComponent(location.pathname + location.search)}`;
  return true;
}

/** Who am I: start(officer, csrfToken) when signed in; showLogin() when not, or when anything fails. */
export async function boot({ start, showLogin, offline = null }) {
  let res;
  try {
    res = await fetch('/api/me', { credentials: 'same-origin' });
  } catch {
    return offline ? offline() : showLogin();
  }
  try {
    if (!res.ok) return showLogin();
    const data = await res.json();
    if (toPasswordChange(data.officer)) return;
    await start(data.officer, data.csrfToken);
  } catch {
    showLogin();
  }
}

/**
 * Wires the page's #login-form (#login-username, #login-password): POST /api/auth/login, clear the
 * password, then onSignedIn(officer, csrfToken); any failure goes to onError(error). While the request
 * runs the submit button is disabled and #login-error (if the page has one) is hidden.
 */
export function handleLoginForm(api, { onSignedIn, onError }) {
  const form = $('login-form');
  const password = $('login-password');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = e.submitter || form.querySelector('button');
    button.disabled = true;
    $('login-error')?.classList.add('hidden');
    try {
      const username = $('login-username').value.trim();
      const data = await api('POST', LOGIN_PATH, { username, password: password.value });
      password.value = '';
      if (toPasswordChange(data.officer)) return;
      await onSignedIn(data.officer, data.csrfToken);
    } catch (err) {
      onError(err);
    } finally {
      button.disabled = false;
    }
  });
}

/** Ends the session on the server (POST /api/auth/logout); the page decides what to show next. */
export function signOut(api) {
  return api('POST', '/api/auth/logout');
}
