// 网上课堂: officers ask questions about the work; supervisors and admins answer; an answer can be
// proposed for the residents' FAQ and an admin (not the proposer) approves or rejects it.
// All text from the server goes in through textContent (the toolkit's el).
import { $, boot, clearError, createApi, el, formatDateTime, handleLoginForm, showError } from '/shared/toolkit.js';

const state = { csrf: null, options: null, page: 1, total: 0, filters: { q: '', category: '', status: '' }, current: null };
const api = createApi({ csrfToken: () => state.csrf, onUnauthorized: () => showLogin() });

function showLogin() {
  $('login-view').classList.remove('hidden');
  $('board-view').classList.add('hidden');
  $('question-view').classList.add('hidden');
}

handleLoginForm(api, { onSignedIn: start, onError: (err) => showError('error', err) });
boot({ start, showLogin });

async function start(officer, csrf) {
  state.csrf = csrf;
  $('who').textContent = officer.name;
  $('login-view').classList.add('hidden');
  clearError('error');
  try {
    state.options = await api('GET', '/api/classroom/options');
  } catch (err) {
    showError('error', err);
    return;
  }
  const o = state.options;
  $('ask-category').replaceChildren(...o.categories.map((c) => el('option', { value: c.key, text: c.label })));
  $('filter-category').replaceChildren(el('option', { value: '', text: '全部类别' }), ...o.categories.map((c) => el('option', { value: c.key, text: c.label })));
  if (o.rooms.length > 1) {
    $('ask-room').replaceChildren(...o.rooms.map((r) => el('option', { value: r.code, text: r.name })));
    $('ask-room-field').classList.remove('hidden');
  }
  $('board-view').classList.remove('hidden');
  await loadList();
  if (o.canReview) await loadProposals();
}

// ------------------------------------------------------------------ the list

async function loadList() {
  const params = new URLSearchParams({ page: String(state.page) });
  for (const [k, v] of Object.entries(state.filters)) if (v) params.set(k, v);
  $('list-status').textContent = '正在加载…';
  try {
    const data = await api('GET', `/api/classroom/questions?${params}`);
    state.total = data.total;
    const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
    $('list-status').textContent = data.total ? `共 ${data.total} 个问题，第 ${data.page}/${pages} 页` : '没有找到问题。';
    $('questions').replaceChildren(...data.questions.map(questionItem));
    $('prev').disabled = data.page <= 1;
    $('next').disabled = data.page >= pages;
  } catch (err) {
    $('list-status').textContent = '';
    showError('error', err);
  }
}

function questionItem(q) {
  return el('li', { dataset: { id: q.id } }, [
    el('button', { type: 'button', class: 'open', text: q.title, on: { click: () => openQuestion(q.id) } }),
    el('p', { class: 'meta' }, [
      el('span', { class: `badge ${q.firstAnsweredAt ? 'answered' : 'waiting'}`, text: q.firstAnsweredAt ? `已解答 ${q.answers}` : '待解答' }),
      `${q.categoryLabel} · ${q.askedBy.name}${q.room ? `（${q.room}）` : ''} · ${formatDateTime(q.createdAt)}`,
    ]),
    el('p', { class: 'muted', text: q.excerpt }),
  ]);
}

$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.filters = { q: $('q').value.trim(), category: $('filter-category').value, status: $('filter-status').value };
  state.page = 1;
  loadList();
});
$('prev').addEventListener('click', () => {
  state.page = Math.max(1, state.page - 1);
  loadList();
});
$('next').addEventListener('click', () => {
  state.page += 1;
  loadList();
});

// ------------------------------------------------------------------ asking

$('ask-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError('ask-error');
  const button = $('ask-submit');
  button.disabled = true;
  try {
    const body = { category: $('ask-category').value, title: $('ask-title-input').value, body: $('ask-body').value };
    if (state.options.rooms.length > 1) body.room = $('ask-room').value;
    await api('POST', '/api/classroom/questions', body);
    $('ask-title-input').value = '';
    $('ask-body').value = '';
    state.filters = { q: '', category: '', status: '' };
    $('q').value = '';
    $('filter-category').value = '';
    $('filter-status').value = '';
    state.page = 1;
    await loadList();
    $('list-status').textContent = `问题已提交。${$('list-status').textContent}`;
  } catch (err) {
    showError('ask-error', err);
  } finally {
    button.disabled = false;
  }
});

// ------------------------------------------------------------------ one question

async function openQuestion(id) {
  clearError('error');
  try {
    const { question } = await api('GET', `/api/classroom/questions/${id}`);
    state.current = question;
    renderQuestion(question);
    $('board-view').classList.add('hidden');
    $('question-view').classList.remove('hidden');
    $('q-title').focus();
  } catch (err) {
    showError('error', err);
  }
}

function renderQuestion(q) {
  const o = state.options;
  $('q-meta').textContent = `${q.categoryLabel} · ${q.askedBy.name}${q.room ? `（${q.room}）` : ''} · ${formatDateTime(q.createdAt)}`;
  $('q-title').textContent = q.title;
  $('q-body').textContent = q.body;
  $('answers').replaceChildren(
    ...(q.answerList.length
      ? q.answerList.map((a) =>
          el('li', {}, [
            el('p', { class: 'meta', text: `${a.by.name}（${a.by.role === 'admin' ? '管理员' : '督导'}） · ${formatDateTime(a.createdAt)}${q.firstAnswer && a === q.answerList[0] ? ' · 首次解答' : ''}` }),
            el('p', { class: 'body', text: a.body }),
          ]),
        )
      : [el('li', { class: 'muted', text: '还没有解答。督导或管理员解答后会显示在这里。' })]),
  );
  $('answer-form').classList.toggle('hidden', !o.canAnswer);
  $('propose-form').classList.toggle('hidden', !(o.canPropose && q.firstAnswer));
  if (o.canPropose && q.firstAnswer && !$('propose-question').value) $('propose-question').value = q.title;
  $('q-proposals-card').classList.toggle('hidden', q.proposals.length === 0);
  $('q-proposals').replaceChildren(...q.proposals.map(proposalItem));
}

const STATUS_TEXT = { pending: '待审核', approved: '已通过，已加入群众问答', rejected: '未通过' };

function proposalItem(p) {
  const items = [
    el('p', { class: 'meta', text: `${p.proposedBy.name} 提议 · ${formatDateTime(p.createdAt)} · ${STATUS_TEXT[p.status]}${p.decision ? `（${p.decision.by.name}${p.decision.reason ? `：${p.decision.reason}` : ''}）` : ''}` }),
    el('p', { class: 'body' }, [el('strong', { text: '问：' }), p.faqQuestion]),
    el('p', { class: 'body' }, [el('strong', { text: '答：' }), p.faqAnswer]),
  ];
  return el('li', { dataset: { id: p.id } }, items);
}

$('back').addEventListener('click', async () => {
  $('question-view').classList.add('hidden');
  $('board-view').classList.remove('hidden');
  state.current = null;
  $('propose-question').value = '';
  $('propose-answer').value = '';
  await loadList();
  $('list-title').focus?.();
});

$('answer-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError('answer-error');
  try {
    await api('POST', `/api/classroom/questions/${state.current.id}/answers`, { body: $('answer-body').value });
    $('answer-body').value = '';
    await openQuestion(state.current.id);
  } catch (err) {
    showError('answer-error', err);
  }
});

$('propose-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError('propose-error');
  try {
    await api('POST', `/api/classroom/questions/${state.current.id}/faq-proposals`, { faqQuestion: $('propose-question').value, faqAnswer: $('propose-answer').value });
    $('propose-answer').value = '';
    await openQuestion(state.current.id);
    if (state.options.canReview) await loadProposals();
  } catch (err) {
    showError('propose-error', err);
  }
});

// ------------------------------------------------------------------ review (admins)

async function loadProposals() {
  $('proposals-card').classList.remove('hidden');
  try {
    const { proposals } = await api('GET', '/api/classroom/faq-proposals?status=pending');
    $('proposals').replaceChildren(
      ...(proposals.length
        ? proposals.map((p) => {
            const li = proposalItem(p);
            const mine = p.proposedBy.id === state.options.me.id;
            const reason = el('input', { id: `reason-${p.id}`, maxlength: '300' });
            li.append(
              el('p', { class: 'meta', text: `来自问题：${p.question.title}` }),
              mine
                ? el('p', { class: 'muted', text: '这是您提交的提议，需由另一位管理员审核。' })
                : el('div', {}, [
                    el('label', { for: `reason-${p.id}`, text: '审核意见（不通过时请说明）' }),
                    reason,
                    el('div', { class: 'decide' }, [
                      el('button', { type: 'button', text: '通过，加入群众问答', on: { click: () => decide(p.id, 'approve', reason.value) } }),
                      el('button', { type: 'button', class: 'secondary', text: '不通过', on: { click: () => decide(p.id, 'reject', reason.value) } }),
                    ]),
                  ]),
            );
            return li;
          })
        : [el('li', { class: 'muted', text: '没有待审核的提议。' })]),
    );
  } catch (err) {
    showError('proposals-error', err);
  }
}

async function decide(id, decision, reason) {
  clearError('proposals-error');
  try {
    await api('POST', `/api/classroom/faq-proposals/${id}/decision`, { decision, reason: reason.trim() });
    await loadProposals();
  } catch (err) {
    showError('proposals-error', err);
  }
}
