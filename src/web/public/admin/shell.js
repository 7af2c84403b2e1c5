// The admin console's and account page's frame, on the shared toolkit: the top bar and nav (built here,
// so each page's HTML is only its <head> and an empty <main id="main">), sign-in, the forced password
// change, the nav bar (by role), sign-out. Each page calls startPage({ roles, start(ctx) }).
import { $, el, createApi, boot, handleLoginForm, showError, signOut, SESSION_EXPIRED } from '/shared/toolkit.js';

const NAV = [
  { href: '/admin/', label: '首页', roles: ['admin'] },
  { href: '/admin/officers/', label: '民警账号', roles: ['admin', 'supervisor'] },
  { href: '/admin/rooms/', label: '警务室', roles: ['admin', 'supervisor'] },
  { href: '/admin/channels/', label: '接入渠道', roles: ['admin', 'supervisor'] },
  { href: '/admin/faq/', label: '常见问答', roles: ['admin'] },
  { href: '/admin/volunteers/', label: '志愿者', roles: ['admin', 'supervisor'] },
  { href: '/admin/work-log-targets/', label: '工作目标', roles: ['admin', 'supervisor'] },
  { href: '/admin/audit/', label: '操作日志', roles: ['admin', 'supervisor'] },
  { href: '/inbox/', label: '工作台', roles: ['officer', 'supervisor', 'admin'] },
  { href: '/account/', label: '我的账号', roles: ['officer', 'supervisor', 'admin'] },
];

let csrf = null;
export const api = createApi({ csrfToken: () => csrf, onUnauthorized: () => showLogin(SESSION_EXPIRED) });

function main() {
  return $('main');
}

function renderNav(officer) {
  const nav = $('admin-nav');
  const here = location.pathname;
  nav.replaceChildren(
    ...NAV.filter((n) => n.roles.includes(officer.role)).map((n) => el('a', { href: n.href, text: n.label, 'aria-current': here === n.href ? 'page' : null })),
  );
  nav.classList.remove('hidden');
  $('me').textContent = `${officer.name}（${officer.roleLabel}）`;
  $('me').classList.remove('hidden');
  $('logout').classList.remove('hidden');
}

export function showLogin(message) {
  csrf = null;
  $('admin-nav').classList.add('hidden');
  $('me').classList.add('hidden');
  $('logout').classList.add('hidden');
  const form = el('form', { id: 'login-form', class: 'card login-card', autocomplete: 'on' }, [
    el('h1', { text: '民警登录' }),
    el('label', { for: 'login-username', text: '用户名' }),
    el('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, maxlength: 64 }),
    el('label', { for: 'login-password', text: '密码' }),
    el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 }),
    el('p', { id: 'login-error', class: 'notice danger hidden', role: 'alert' }),
    el('div', { class: 'row' }, el('button', { type: 'submit', text: '登录' })),
    el('p', { class: 'muted', text: '本系统仅供警务室民警使用，所有查看和操作均记入操作日志。' }),
  ]);
  main().replaceChildren(form);
  if (message) showError('login-error', message);
  handleLoginForm(api, {
    onSignedIn: (officer, token) => begin(officer, token),
    onError: (err) => showError('login-error', err),
  });
  $('login-username').focus();
}

let pageOptions = null;

async function begin(officer, token) {
  csrf = token;
  // A first or temporary password must be changed before anything else (the server refuses the rest).
  if (officer.mustChangePassword && location.pathname !== '/account/') {
    location.href = `/account/?next=${encodeURIComponent(location.pathname + location.search)}`;
    return;
  }
  renderNav(officer);
  if (pageOptions.roles && !pageOptions.roles.includes(officer.role)) {
    main().replaceChildren(el('p', { class: 'notice danger', role: 'alert', text: '当前账号无权使用此页面。' }));
    return;
  }
  main().replaceChildren();
  await pageOptions.start({ officer, api, main: main() });
}

/** The top bar and the nav, before <main>: one copy for every page (a page that has its own keeps it). */
function frame() {
  if ($('admin-nav')) return;
  main().before(
    el('header', { class: 'topbar' }, [
      el('span', { class: 'brand', text: '网上警务室 · 管理' }),
      el('span', { class: 'spacer' }),
      el('span', { id: 'me', class: 'me hidden' }),
      el('button', { id: 'logout', class: 'link hidden', type: 'button', text: '退出' }),
    ]),
    el('nav', { id: 'admin-nav', class: 'admin-nav hidden', 'aria-label': '管理菜单' }),
  );
}

/** Boots a page: the sign-in form until signed in, then start({ officer, api, main }). */
export function startPage(options) {
  pageOptions = options;
  frame();
  $('logout').addEventListener('click', async () => {
    try {
      await signOut(api);
    } finally {
      showLogin('已退出登录。');
    }
  });
  boot({ start: begin, showLogin: () => showLogin() });
}

// ------------------------------------------------------------------ small helpers shared by the pages

/** A labelled input (or select/textarea when `tag` says so), for the form grids. */
export function field(label, props = {}, tag = 'input') {
  const id = props.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  const control = el(tag, { ...props, id });
  return { node: el('label', { for: id, class: props.wide ? 'wide' : null }, [label, control]), control };
}

export function options(select, list, selected) {
  select.replaceChildren(...list.map(([value, label]) => el('option', { value, text: label, selected: String(value) === String(selected ?? '') ? true : null })));
}

/** A status line (role=status) that announces saves to screen readers. */
export function statusLine() {
  return el('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
}

export function errorLine() {
  return el('p', { class: 'notice danger hidden', role: 'alert' });
}

export const WEEKDAY_LABELS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/**
 * The box that shows a one-time temporary password after creating an account or resetting its
 * sign-in (`show(person, password, note)`), focused so the admin reads it before it is closed.
 */
export function secretPanel() {
  const node = el('div', { id: 'temp-password-box', class: 'card hidden', role: 'status', 'aria-live': 'assertive' });
  function show(person, password, note) {
    node.replaceChildren(
      el('h2', { text: `${person.name}（${person.username}）的临时密码` }),
      el('p', {}, el('span', { class: 'secret', id: 'temp-password', text: password })),
      el('p', { text: note }),
      el('button', { type: 'button', class: 'secondary', text: '我已记下，关闭', on: { click: () => node.classList.add('hidden') } }),
    );
    node.classList.remove('hidden');
    node.querySelector('button').focus();
  }
  return { node, show };
}

/**
 * An add / edit form for accounts (officers, volunteers): "新增<noun>" until a row's 编辑 fills it,
 * then "编辑：<name>" with 保存修改 and 取消编辑. The username is fixed once created.
 *  - fields: { username, name, … } made with field(); `extra` nodes go below the grid.
 *  - fill(record): puts a record into the controls; onReset(): what else to clear.
 *  - save(editing, username): reads the controls and saves (editing is the record or null);
 *    an error is shown in the form and nothing is reset.
 */
export function accountForm({ id, noun, fields, extra = [], fill, onReset = () => {}, save }) {
  const formError = errorLine();
  const title = el('h2', { id: `${id}-title`, text: `新增${noun}` });
  const submit = el('button', { type: 'submit', text: '新增并生成临时密码' });
  const cancel = el('button', { type: 'button', class: 'secondary hidden', text: '取消编辑' });
  const form = el('form', { class: 'card', id, 'aria-labelledby': `${id}-title` }, [
    title,
    el('div', { class: 'form-grid' }, Object.values(fields).map((x) => x.node)),
    ...extra,
    formError,
    el('div', { class: 'row' }, [submit, cancel]),
  ]);
  let editing = null;

  function edit(record) {
    editing = record;
    title.textContent = `编辑：${record.name}`;
    submit.textContent = '保存修改';
    cancel.classList.remove('hidden');
    fields.username.control.value = record.username;
    fields.username.control.disabled = true;
    fill(record);
    fields.name.control.focus();
  }
  function reset() {
    editing = null;
    form.reset();
    fields.username.control.disabled = false;
    title.textContent = `新增${noun}`;
    submit.textContent = '新增并生成临时密码';
    cancel.classList.add('hidden');
    onReset();
  }
  cancel.addEventListener('click', reset);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(formError, '');
    try {
      await save(editing, fields.username.control.value.trim());
      reset();
    } catch (err) {
      showError(formError, err);
    }
  });
  return { form, edit };
}
