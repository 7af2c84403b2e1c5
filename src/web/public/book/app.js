// Residents' booking page: room → service → day → slot → name + mobile → materials → confirm,
// and look-up / cancel / reschedule by code + mobile. All text from the server goes through textContent.
import { $, createApi, dayText, el, formatDateTime, showError as showErrorIn } from '/shared/toolkit.js';
import { elderMode } from '/shared/elder.js';

const state = { room: null, service: null, date: null, slot: null, days: [], leaderDays: [], found: null, codesRequired: false, manageToken: null, current: 'step-room' };
/** 约访: a conversation with the room's officer (or a leader on the talk day), booked like a service. */
const TALK = 'talk_with_officer';
const isTalk = () => state.service?.key === TALK;

const api = createApi();
const showError = (message) => showErrorIn('error', message);

function choice(container, label, sub, onClick) {
  const b = el('button', { type: 'button' }, [label, sub ? el('span', { class: 'sub', text: sub }) : null]);
  b.addEventListener('click', () => {
    for (const other of container.querySelectorAll('button')) other.classList.remove('selected');
    b.classList.add('selected');
    onClick();
  });
  container.append(b);
  return b;
}

const hhmm = (iso) => iso.slice(11, 16);
function when(a) {
  return `${a.start.slice(0, 10)} ${hhmm(a.start)}–${hhmm(a.end)}`;
}
// The flow's screens. Normally the steps so far show one under the other and the last part (name,
// mobile, SMS code, materials, confirm) shows as one form; in 长辈模式 (CSS) only the current step
// shows: one question per screen, with 下一步 / 上一步.
const STEPS = ['step-room', 'step-service', 'step-day', 'step-slot', 'step-topic', 'step-name', 'step-phone', 'step-code', 'step-materials', 'step-confirm'];
const CONTACT = STEPS.slice(STEPS.indexOf('step-topic'));
/** The steps this booking goes through (the SMS code only where it is required; 约访: a topic, no materials). */
const activeSteps = () =>
  STEPS.filter((id) => (id !== 'step-code' || state.codesRequired) && (id !== 'step-topic' || isTalk()) && (id !== 'step-materials' || !isTalk()));

/** Numbers the steps in order ("1. 选择警务室"…), skipping the ones this booking does not need. */
function renumber() {
  activeSteps().forEach((id, i) => {
    const h = $(id).querySelector('h2');
    h.textContent = `${i + 1}. ${h.textContent.replace(/^\d+\.\s*/, '')}`;
  });
}

/** Shows the steps up to `upTo` (all of the last form once it is reached); in 长辈模式 only `upTo` itself. */
function showSteps(upTo) {
  state.current = upTo;
  const steps = activeSteps();
  const at = steps.indexOf(upTo);
  const inForm = CONTACT.includes(upTo);
  for (const id of STEPS) {
    const i = steps.indexOf(id);
    $(id).classList.toggle('hidden', i < 0 || (i > at && !(inForm && CONTACT.includes(id))));
    $(id).classList.toggle('current', id === upTo);
  }
  $('step-contact').classList.toggle('hidden', !inForm);
  $('done').classList.add('hidden');
  if (inForm) $('summary').textContent = summaryText();
  if (elderMode()) {
    window.scrollTo(0, 0);
    $(upTo).querySelector('h2')?.focus();
  }
}

/** What the step asks is answered well enough to go on; else shows why and returns false. */
function answered(id) {
  const problem = {
    'step-topic': () => (!$('topic').value.trim() ? '请填写约访事由。' : null),
    'step-name': () => (!$('name').value.trim() ? '请填写预约人姓名。' : null),
    'step-phone': () => (!/^1[3-9]\d{9}$/.test($('phone').value.replace(/[\s-]/g, '')) ? '请填写正确的11位手机号。' : null),
    'step-code': () => (!/^\d{6}$/.test($('code').value.trim()) ? '请先点击“获取验证码”，再填写短信里的6位数字。' : null),
    'step-materials': () => (!$('materials-ok').checked ? '请先确认已备齐所需材料。' : null),
  }[id]?.();
  showError(problem ?? '');
  if (problem) $(id).querySelector('input')?.focus();
  return !problem;
}

function nextStep() {
  if (!answered(state.current)) return;
  const steps = activeSteps();
  showSteps(steps[steps.indexOf(state.current) + 1]);
}

function previousStep(id) {
  const steps = activeSteps();
  showError('');
  showSteps(steps[Math.max(0, steps.indexOf(id) - 1)]);
}

// 长辈模式: each step after the first can go back one screen, and the form's steps go on with 下一步.
STEPS.forEach((id, i) => {
  if (i === 0) return;
  $(id).querySelector('h2')?.setAttribute('tabindex', '-1');
  const next = CONTACT.includes(id) && id !== 'step-confirm' ? el('button', { type: 'button', class: 'next', text: '下一步', on: { click: nextStep } }) : null;
  $(id).append(el('div', { class: 'row step-nav' }, [next, el('button', { type: 'button', class: 'back secondary', text: '上一步', on: { click: () => previousStep(id) } })]));
});
$('step-room').classList.add('current');
document.addEventListener('elderchange', () => $('done').classList.contains('hidden') && showSteps(state.current));

// ------------------------------------------------------------------ SMS verification codes
async function loadCodeRules() {
  try {
    state.codesRequired = (await api('GET', '/api/verification-codes')).required === true;
  } catch {
    state.codesRequired = false;
  }
  $('m-code-row').classList.toggle('hidden', !state.codesRequired);
  renumber();
}

/** Asks for a code for the number typed in `phoneInput`; the button counts down a minute. */
function codeButton(buttonId, phoneInput, purpose) {
  const button = $(buttonId);
  button.addEventListener('click', async () => {
    showError('');
    const phone = $(phoneInput).value.trim();
    if (!/^1[3-9]\d{9}$/.test(phone.replace(/[\s-]/g, ''))) return showError('请先填写正确的11位手机号。');
    button.disabled = true;
    try {
      const answer = await api('POST', '/api/verification-codes', { phone, purpose });
      let left = answer.retryAfterSeconds ?? 60;
      button.textContent = `已发送（${left}秒后可重发）`;
      const timer = setInterval(() => {
        left -= 1;
        if (left > 0) button.textContent = `已发送（${left}秒后可重发）`;
        else {
          window.clearInterval(timer);
          button.textContent = '重新获取验证码';
          button.disabled = false;
        }
      }, 1000);
    } catch (err) {
      button.disabled = false;
      showError(err.message);
    }
  });
}
codeButton('send-code', 'phone', 'booking');
codeButton('m-send-code', 'm-phone', 'manage');

// ------------------------------------------------------------------ booking
async function loadRooms() {
  const { rooms } = await api('GET', '/api/rooms');
  const box = $('rooms');
  box.replaceChildren();
  const wanted = new URLSearchParams(location.search).get('room');
  for (const r of rooms) {
    const b = choice(box, r.name, r.hoursText, () => pickRoom(r));
    if (wanted && wanted.toUpperCase() === r.code) b.click();
  }
}

async function pickRoom(room) {
  state.room = room;
  showError('');
  const { services } = await api('GET', '/api/services');
  const box = $('services');
  box.replaceChildren();
  for (const s of services.filter((x) => x.bookable)) choice(box, s.name, s.modeText, () => pickService(s));
  // 约访 is not one of the 21 services but is booked the same way.
  try {
    const { service: talk } = await api('GET', `/api/services/${TALK}`);
    choice(box, talk.name, talk.modeText, () => pickService(talk));
  } catch {
    /* the page still books the 21 services */
  }
  showSteps('step-service');
}

async function pickService(service) {
  state.service = service;
  showError('');
  try {
    const data = await api('GET', `/api/rooms/${encodeURIComponent(state.room.code)}/slots?service=${encodeURIComponent(service.key)}`);
    state.days = data.days.filter((d) => d.slots.some((s) => s.remaining > 0));
    state.leaderDays = data.leaderDays ?? [];
    renumber();
    const box = $('days');
    box.replaceChildren();
    if (state.days.length === 0) box.append(el('p', { class: 'muted', text: '近期没有可预约的时段，可直接到警务室现场办理。' }));
    for (const d of state.days) {
      const free = d.slots.reduce((n, s) => n + s.remaining, 0);
      const talkDay = state.leaderDays.includes(d.date) ? '恳谈日·可约所领导 · ' : '';
      choice(box, dayText(d.date), `${talkDay}${d.label ? `${d.label} · ` : ''}余 ${free}`, () => pickDay(d));
    }
    showSteps('step-day');
  } catch (err) {
    showError(err.message);
  }
}

function pickDay(day) {
  state.date = day.date;
  const box = $('slots');
  box.replaceChildren();
  for (const s of day.slots.filter((x) => x.remaining > 0)) choice(box, `${hhmm(s.start)}–${hhmm(s.end)}`, `余 ${s.remaining}`, () => pickSlot(s));
  showSteps('step-slot');
}

function pickSlot(slot) {
  state.slot = slot;
  const list = $('materials');
  list.replaceChildren(...(state.service.materials.length ? state.service.materials : ['无需特别材料']).map((m) => el('li', { text: m })));
  if (!isTalk()) return showSteps('step-name');
  const leaderDay = state.leaderDays.includes(state.date);
  $('with-leader').disabled = !leaderDay;
  if (!leaderDay) $('with-officer').checked = true;
  $('leader-note').textContent = leaderDay
    ? '这一天是本警务室的警民恳谈日，可以约所领导面谈。'
    : `所领导只在每月警民恳谈日接待约访${state.leaderDays.length ? `（近期：${state.leaderDays.map(dayText).join('、')}）` : ''}。`;
  showSteps('step-topic');
}

function summaryText() {
  if (!state.slot) return '';
  const who = [$('name').value.trim(), $('phone').value.trim()].filter(Boolean).join(' ');
  const talk = isTalk() ? `（${$('with-leader').checked ? '约所领导' : '约社区民警'}：${$('topic').value.trim()}）` : '';
  return `${state.room.name}（${state.room.address}）\n${state.service.name}${talk}\n${dayText(state.date)} ${hhmm(state.slot.start)}–${hhmm(state.slot.end)}${who ? `\n预约人：${who}` : ''}`;
}

$('step-contact').addEventListener('submit', async (e) => {
  e.preventDefault();
  // 长辈模式: Enter on a step's field goes to the next screen; only the last one books.
  if (elderMode() && state.current !== 'step-confirm') return nextStep();
  showError('');
  if (isTalk() && !$('topic').value.trim()) return showError('请填写约访事由。');
  if (!isTalk() && !$('materials-ok').checked) return showError('请先确认已备齐所需材料。');
  if (state.codesRequired && !/^\d{6}$/.test($('code').value.trim())) return showError('请先点击“获取验证码”，再填写短信里的6位数字。');
  $('confirm').disabled = true;
  try {
    const appt = await api('POST', '/api/appointments', {
      room: state.room.code,
      service: state.service.key,
      start: state.slot.start,
      name: $('name').value.trim(),
      phone: $('phone').value.trim(),
      materialsConfirmed: true,
      ...(isTalk() ? { topic: $('topic').value.trim(), talkWith: $('with-leader').checked ? 'leader' : 'officer' } : {}),
      ...(state.codesRequired ? { verificationCode: $('code').value.trim() } : {}),
    });
    showDone(appt);
  } catch (err) {
    if (err.code === 'slot_full') {
      const next = err.detail?.nextSlots ?? [];
      showError(`${err.message}${next.length ? ` 最近可约：${next.map((s) => `${s.start.slice(5, 10)} ${hhmm(s.start)}`).join('、')}` : ''}`);
      await pickService(state.service);
    } else showError(err.message);
  } finally {
    $('confirm').disabled = false;
  }
});

function details(dl, a) {
  const rows = [
    ['事项', a.serviceName],
    ...(a.topic ? [['约访事由', a.topic]] : []),
    ['时间', when(a)],
    ['地点', `${a.room.name}，${a.room.address}`],
    ['电话', a.room.phone],
    ['状态', a.statusText],
    ['预约人', `${a.name ?? ''} ${a.phone ?? ''}`],
  ];
  dl.replaceChildren();
  for (const [k, v] of rows) dl.append(el('dt', { text: k }), el('dd', { text: v }));
  if (a.materials?.length) dl.append(el('dt', { text: '请携带' }), el('dd', { text: a.materials.join('；') }));
  // Cancelled by the room's closed day: why, and a way to book again at once.
  if (a.cancelReasonText) {
    dl.append(el('dt', { text: '取消原因' }), el('dd', { id: 'cancel-reason', text: a.cancelReasonText }));
    if (a.rebookUrl) dl.append(el('dt', { text: '重新预约' }), el('dd', {}, el('a', { id: 'rebook', href: a.rebookUrl, text: '重新预约其他时段' })));
  }
}

function showDone(appt) {
  for (const id of STEPS) $(id).classList.add('hidden');
  $('step-contact').classList.add('hidden');
  $('done').classList.remove('hidden');
  $('done-code').textContent = appt.code;
  details($('done-details'), appt);
  $('done-ics').href = appt.icsUrl;
  $('done-cancel').textContent = `如需取消或改约，请在 ${formatDateTime(appt.cancelUntil)} 前点上方“查询/取消/改约”，凭预约号和手机号办理。`;
}

// ------------------------------------------------------------------ manage
$('lookup').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError('');
  try {
    const code = $('m-code').value.trim().toUpperCase();
    const phone = $('m-phone').value.trim();
    if (state.codesRequired) {
      // The code is exchanged once for a token that covers look-up, cancel and reschedule for 15 minutes.
      const sms = $('m-code-sms').value.trim();
      if (!/^\d{6}$/.test(sms)) return showError('请先点击“获取验证码”，再填写短信里的6位数字。');
      state.manageToken = (await api('POST', '/api/verification-codes/check', { phone, purpose: 'manage', code: sms })).verificationToken;
    }
    const token = state.manageToken ? `&verificationToken=${encodeURIComponent(state.manageToken)}` : '';
    state.found = { ...(await api('GET', `/api/appointments/${encodeURIComponent(code)}?phone=${encodeURIComponent(phone)}${token}`)), typedPhone: phone };
    renderFound();
  } catch (err) {
    $('found').classList.add('hidden');
    showError(err.message);
  }
});

function renderFound() {
  const a = state.found;
  $('found').classList.remove('hidden');
  details($('found-details'), a);
  $('found-actions').classList.toggle('hidden', !a.canCancel);
  $('re-days').replaceChildren();
  $('re-slots').replaceChildren();
}

$('do-cancel').addEventListener('click', async () => {
  if (!confirm('确认取消这个预约吗？')) return;
  try {
    const a = await api('POST', `/api/appointments/${encodeURIComponent(state.found.code)}/cancel`, { phone: state.found.typedPhone, verificationToken: state.manageToken ?? undefined });
    state.found = { ...a, typedPhone: state.found.typedPhone };
    renderFound();
  } catch (err) {
    showError(err.message);
  }
});

$('do-reschedule').addEventListener('click', async () => {
  try {
    const a = state.found;
    const data = await api('GET', `/api/rooms/${encodeURIComponent(a.room.code)}/slots?service=${encodeURIComponent(a.service)}`);
    const box = $('re-days');
    box.replaceChildren();
    for (const d of data.days.filter((x) => x.slots.some((s) => s.remaining > 0))) {
      choice(box, dayText(d.date), null, () => {
        const slots = $('re-slots');
        slots.replaceChildren();
        for (const s of d.slots.filter((x) => x.remaining > 0)) {
          choice(slots, `${hhmm(s.start)}–${hhmm(s.end)}`, `余 ${s.remaining}`, async () => {
            try {
              const moved = await api('POST', `/api/appointments/${encodeURIComponent(a.code)}/reschedule`, { phone: a.typedPhone, start: s.start, verificationToken: state.manageToken ?? undefined });
              state.found = { ...moved, typedPhone: a.typedPhone };
              renderFound();
              showError('');
            } catch (err) {
              showError(err.message);
            }
          });
        }
      });
    }
  } catch (err) {
    showError(err.message);
  }
});

// ------------------------------------------------------------------ tabs
function tab(which) {
  $('tab-book').setAttribute('aria-pressed', String(which === 'book'));
  $('tab-manage').setAttribute('aria-pressed', String(which === 'manage'));
  $('book-view').classList.toggle('hidden', which !== 'book');
  $('manage-view').classList.toggle('hidden', which !== 'manage');
  showError('');
}
$('tab-book').addEventListener('click', () => tab('book'));
$('tab-manage').addEventListener('click', () => tab('manage'));

loadCodeRules().then(loadRooms).catch((err) => showError(err.message));

// The summary follows what is typed (the topic and whom the 约访 is with, name and mobile).
for (const id of ['topic', 'with-officer', 'with-leader', 'name', 'phone']) $(id).addEventListener('input', () => ($('summary').textContent = summaryText()));
