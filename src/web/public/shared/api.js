// Shared by the officer pages (inbox, jobs, officer-day, reports): the JSON fetch helper and the
// sign-in bootstrap. Plain ES module, no build step; pages import it from '/shared/api.js'.

const LOGIN_PATH = '/api/auth/login';

/** Shown when a request comes back 401 after the officer had signed in. */
export const SESSION_EXPIRED = '登录已过期，请重新登录。';

/** A failed request: the server's {"error":{"code","message"}} (Chinese message first) and the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `请求失败（${status}）`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

/**
 * Makes api(method, path, body) → the parsed JSON answer (null when there is none).
 * Sends the session cookie (same-origin); a non-GET request also carries the X-CSRF-Token from csrfToken()
 * and its body: FormData as is (uploads), anything else as JSON. Failures throw ApiError; on a 401 other
 * than from the login itself, onUnauthorized(error) runs first (pages show their login form).
 */
export function createApi({ csrfToken = () => null, onUnauthorized = null } = {}) {
  return async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
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
    const res = await fetch(path, options);
    const data = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : null;
    if (res.ok) return data;
    const error = new ApiError(res.status, data);
    if (res.status === 401 && path !== LOGIN_PATH && onUnauthorized) onUnauthorized(error);
    throw error;
  };
}

/** Who am I: start(officer, csrfToken) when signed in; showLogin() when not, or when anything fails. */
export async function boot({ start, showLogin }) {
  try {
    const res = await fetch('/api/me', { credentials: 'same-origin' });
    if (!res.ok) return showLogin();
    const data = await res.json();
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
  const form = document.getElementById('login-form');
  const password = document.getElementById('login-password');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = e.submitter || form.querySelector('button');
    button.disabled = true;
    document.getElementById('login-error')?.classList.add('hidden');
    try {
      const username = document.getElementById('login-username').value.trim();
      const data = await api('POST', LOGIN_PATH, { username, password: password.value });
      password.value = '';
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
