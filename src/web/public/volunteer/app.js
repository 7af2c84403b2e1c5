// The volunteers' own page (四支队伍): 信息员 report named tips; 调解员 see and annotate the disputes
// given to them; 安全员 and 专管员 read the room's notices. Everything goes through textContent.
import { $, boot, createApi, el, formatDateTime, handleLoginForm, showError as showErrorIn, signOut } from '/shared/toolkit.js';

const state = { csrf: null, current: null };
const api = createApi({ csrfToken: () => state.csrf, onUnauthorized: () => showLogin() });
const showError = (message) => showErrorIn('error', message);

function showLogin() {
  $('login-view').classList.remove('hidden');
  $('home').classList.add('hidden');
  $('sign-out').classList.add('hidden');
}

handleLoginForm(api, { onSignedIn: start, onError: (err) => showError(err.message) });
$('sign-out').addEventListener('click', async () => {
  await signOut(api).catch(() => undefined);
  showLogin();
});

async function start(account, csrf) {
  state.csrf = csrf;
  showError('');
  if (account.role !== 'volunteer') {
    showLogin();
    return showError('此页面供警务志愿者使用，民警请使用工作台。');
  }
  // A temporary password (new account, or reset by an admin) is changed first, then back here.
  if (account.mustChangePassword) {
    location.href = `/account/?next=${encodeURIComponent('/volunteer/')}`;
    return;
  }
  const { volunteer } = await api('GET', '/api/volunteer/me');
  $('who').textContent = `${volunteer.name}（${volunteer.teamLabel}）`;
  $('title').textContent = `${volunteer.roomName} · ${volunteer.teamLabel}`;
  $('login-view').classList.add('hidden');
  $('home').classList.remove('hidden');
  $('sign-out').classList.remove('hidden');
  $('informant').classList.toggle('hidden', volunteer.team !== 'informant');
  $('mediator').classList.toggle('hidden', volunteer.team !== 'mediator');
  $('notices-box').classList.toggle('hidden', !['safety', 'specialist'].includes(volunteer.team));
  if (volunteer.team === 'informant') await loadTips();
  if (volunteer.team === 'mediator') await loadDisputes();
  if (['safety', 'specialist'].includes(volunteer.team)) await loadNotices();
}

async function loadTips() {
  const { tips } = await api('GET', '/api/volunteer/tips');
  $('tips').replaceChildren(...(tips.length ? tips.map((t) => el('li', { text: `${t.code} · ${t.statusText} · ${formatDateTime(t.createdAt)} · ${t.summary}` })) : [el('li', { class: 'muted', text: '还没有提交过线索。' })]));
}

$('tip-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError('');
  try {
    const { code } = await api('POST', '/api/volunteer/tips', { text: $('tip-text').value.trim() });
    $('tip-text').value = '';
    $('tip-done').textContent = `线索已提交，编号 ${code}。民警会尽快核实。`;
    $('tip-done').classList.remove('hidden');
    await loadTips();
  } catch (err) {
    showError(err.message);
  }
});

async function loadDisputes() {
  const { disputes } = await api('GET', '/api/volunteer/disputes');
  $('disputes').replaceChildren(
    ...(disputes.length
      ? disputes.map((d) => el('li', {}, [`${d.code} · ${d.statusText} · ${d.summary}`, el('button', { type: 'button', class: 'secondary', text: '查看', on: { click: () => openDispute(d.code) } })]))
      : [el('li', { class: 'muted', text: '暂时没有交给您的纠纷。' })]),
  );
}

async function openDispute(code) {
  showError('');
  try {
    const { dispute } = await api('GET', `/api/volunteer/disputes/${encodeURIComponent(code)}`);
    state.current = dispute.code;
    $('d-title').textContent = `纠纷 ${dispute.code}：${dispute.summary}`;
    $('d-state').textContent = dispute.statusText;
    $('d-thread').replaceChildren(...dispute.thread.map((m) => el('li', { text: `${formatDateTime(m.at)} ${m.from}：${m.text}` })));
    $('dispute').classList.remove('hidden');
  } catch (err) {
    showError(err.message);
  }
}

$('note-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!state.current) return;
  showError('');
  try {
    await api('POST', `/api/volunteer/disputes/${encodeURIComponent(state.current)}/notes`, { text: $('note-text').value.trim() });
    $('note-text').value = '';
    await openDispute(state.current);
  } catch (err) {
    showError(err.message);
  }
});

async function loadNotices() {
  const { notices } = await api('GET', '/api/volunteer/notices');
  $('notices').replaceChildren(...(notices.length ? notices.map((n) => el('li', { text: `${n.urgent ? '【紧急】' : ''}【${n.kindLabel}】${n.title} · ${formatDateTime(n.sentAt)}\n${n.text}` })) : [el('li', { class: 'muted', text: '暂无通知。' })]));
}

boot({ start, showLogin });
