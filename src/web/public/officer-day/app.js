// Officers' day view per room: bookings by slot; check-in, completed, no-show, notes; walk-in entry.
// Everything residents typed is shown with textContent only.
import { $, beijingDay, boot, createApi, el, handleLoginForm, showError as showErrorIn } from '/shared/toolkit.js';

const state = { csrf: null, officer: null };
const STATUS_BADGE = { booked: '', checked_in: 'amber', completed: 'green', no_show: 'red', cancelled: 'red' };

const api = createApi({ csrfToken: () => state.csrf, onUnauthorized: () => showLogin() });

const showError = (message) => showErrorIn('error', message);
function showLogin() {
  $('login-view').classList.remove('hidden');
  $('day-view').classList.add('hidden');
}
const hhmm = (iso) => (iso ? iso.slice(11, 16) : '');

handleLoginForm(api, { onSignedIn: start, onError: (err) => showError(err.message) });

async function start(officer, csrf) {
  state.officer = officer;
  state.csrf = csrf;
  $('who').textContent = officer.name;
  $('login-view').classList.add('hidden');
  // The day view appears once its rooms are in the list: a date changed before that would ask for no room.
  let ready = false;
  try {
    const { rooms } = await api('GET', '/api/rooms');
    const mine = officer.role === 'officer' ? rooms.filter((r) => officer.rooms.includes(r.code)) : rooms;
    $('room').replaceChildren(...mine.map((r) => el('option', { value: r.code, text: r.name })));
    const wanted = new URLSearchParams(location.search).get('room');
    if (wanted && mine.some((r) => r.code === wanted.toUpperCase())) $('room').value = wanted.toUpperCase();
    const { services } = await api('GET', '/api/services');
    $('walkin-service').replaceChildren(...services.map((s) => el('option', { value: s.key, text: s.name })), el('option', { value: 'talk_with_officer', text: '约访民警' }));
    if (!$('date').value) $('date').value = beijingDay(); // the room's calendar day, whatever this computer's zone
    ready = true;
  } catch (err) {
    showError(err.message);
  } finally {
    $('day-view').classList.remove('hidden');
  }
  if (ready) await load();
}

let loadSeq = 0;
async function load() {
  showError('');
  if (!$('room').value) {
    showError('您还没有负责的警务室，请联系系统管理员分配。');
    return;
  }
  const seq = ++loadSeq;
  try {
    const day = await api('GET', `/api/rooms/${encodeURIComponent($('room').value)}/day?date=${encodeURIComponent($('date').value)}`);
    if (seq !== loadSeq) return; // a newer request (other room or date) is under way
    render(day);
  } catch (err) {
    showError(err.message);
  }
}

function render(day) {
  $('day-label').textContent = day.open ? (day.label ?? '') : `不办公（${day.label ?? (day.reason === 'holiday' ? '节假日' : '无排班')}）`;
  const box = $('slots');
  box.replaceChildren();
  const groups = [...day.slots];
  if (day.offGrid.length) groups.push({ start: null, end: null, capacity: null, held: day.offGrid.length, appointments: day.offGrid });
  for (const s of groups) {
    if (s.appointments.length === 0 && s.start) {
      const empty = el('div', { class: 'card slot' });
      empty.append(el('span', { class: 'muted', text: `${hhmm(s.start)}–${hhmm(s.end)} · 空闲（${s.capacity} 个名额）` }));
      box.append(empty);
      continue;
    }
    const card = el('section', { class: `card slot${s.capacity && s.held >= s.capacity ? ' full' : ''}` });
    const head = el('header');
    head.append(el('strong', { text: s.start ? `${hhmm(s.start)}–${hhmm(s.end)}` : '其他时段（排班调整前的预约）' }), el('span', { class: 'muted', text: s.capacity ? `已占 ${s.held}/${s.capacity}` : '' }));
    card.append(head);
    for (const a of s.appointments) card.append(renderAppt(a));
    box.append(card);
  }
  renderClosedDayCancellations(box, day.closedDayCancellations ?? []);
}

const TOLD = { chat: '已在微信/网页聊天中告知', sms: '已短信告知', chat_sms: '已在聊天中和短信告知', none: '未能通知，请电话告知' };

/** Bookings the room's closed day cancelled: who was told how, and whom the officers must call (numbers masked until asked). */
function renderClosedDayCancellations(box, list) {
  if (list.length === 0) return;
  const toCall = list.filter((c) => c.told === 'none').length;
  const card = el('section', { class: 'card slot', id: 'closed-day-cancellations', 'aria-labelledby': 'closed-day-title' });
  card.append(el('header', {}, [
    el('strong', { id: 'closed-day-title', text: '因闭馆日取消的预约' }),
    el('span', { class: toCall ? 'badge red' : 'muted', text: toCall ? `${toCall} 位需电话告知` : '均已通知' }),
  ]));
  for (const c of list) {
    const number = el('span', { class: 'phone', text: c.phoneMasked ?? '（未留电话）' });
    const row = el('div', { class: 'appt', dataset: { code: c.code, told: c.told } }, [
      el('strong', { text: `${hhmm(c.start)} ${c.serviceName}` }),
      el('span', { text: ` ${c.name ?? ''} ` }),
      number,
      el('span', { class: 'muted', text: ` · 预约号 ${c.code} · ${TOLD[c.told] ?? c.told}` }),
    ]);
    if (c.told === 'none' && c.phone) {
      const show = el('button', { type: 'button', class: 'secondary', text: '显示号码拨打', 'aria-label': `显示 ${c.name ?? c.code} 的完整号码` });
      show.addEventListener('click', () => {
        number.replaceChildren(el('a', { href: `tel:${c.phone}`, text: c.phone }));
        show.remove();
      });
      row.append(' ', show);
    }
    card.append(row);
  }
  box.append(card);
}

function renderAppt(a) {
  const row = el('div', { class: `appt ${a.status}` });
  const line = el('div');
  line.append(
    el('span', { class: `badge ${STATUS_BADGE[a.status] ?? ''}`, text: a.statusText }),
    document.createTextNode(` ${a.serviceName} · ${a.name ?? '（未留姓名）'} · ${a.phone ?? ''} · `),
    el('span', { class: 'muted', text: `${a.code}${a.walkIn ? ' · 现场' : ''}${a.materialsConfirmed ? ' · 已确认材料' : ''}${a.walkIn ? '' : a.verified ? ' · 手机号已验证' : ' · 手机号未验证'}` }),
  );
  row.append(line);
  if (a.service === 'talk_with_officer') {
    row.append(el('p', { class: 'topic' }, [el('span', { class: 'badge', text: '约访' }), ` 事由：${a.topic ?? ''}`]));
    if (a.itemCode) row.append(el('p', { class: 'muted', text: `已转为事项 ${a.itemCode}（群众可凭编号查进度）` }));
  }
  if (a.notes.length) {
    const notes = el('ul', { class: 'notes' });
    for (const n of a.notes) notes.append(el('li', { text: `${n.officerName ?? ''}：${n.text}` }));
    row.append(notes);
  }
  const actions = el('div', { class: 'actions' });
  const act = (label, path, cls) => {
    const b = el('button', { type: 'button', class: cls, text: label });
    b.addEventListener('click', async () => {
      try {
        await api('POST', `/api/appointments/${encodeURIComponent(a.code)}/${path}`);
        await load();
      } catch (err) {
        showError(err.message);
      }
    });
    actions.append(b);
  };
  if (a.status === 'booked') act('签到', 'check-in');
  if (a.status === 'booked' || a.status === 'checked_in') act('办结', 'complete', 'secondary');
  if (a.status === 'booked') act('未到', 'no-show', 'danger');
  const note = el('button', { type: 'button', class: 'secondary', text: '备注' });
  note.addEventListener('click', async () => {
    const text = window.prompt('备注内容（群众看不到）');
    if (!text) return;
    try {
      await api('POST', `/api/appointments/${encodeURIComponent(a.code)}/notes`, { text });
      await load();
    } catch (err) {
      showError(err.message);
    }
  });
  actions.append(note);
  row.append(actions);
  if (a.service === 'talk_with_officer' && !a.itemCode && a.status !== 'cancelled') row.append(toItemForm(a));
  return row;
}

/** 转为事项: what was said at a 约访 becomes an item of the inbox, with a code the resident follows. */
function toItemForm(a) {
  const id = `to-item-${a.code}`;
  const form = el('form', { class: 'to-item' });
  const text = el('textarea', { id: `${id}-text`, rows: 2, maxlength: 2000, required: true });
  const kind = el('select', { id: `${id}-kind` }, [
    el('option', { value: 'question', text: '咨询' }),
    el('option', { value: 'dispute', text: '矛盾纠纷' }),
    el('option', { value: 'complaint', text: '投诉' }),
    el('option', { value: 'followup', text: '回访跟进' }),
  ]);
  form.append(
    el('label', { for: `${id}-text`, text: '谈话内容（转为事项后进入收件箱，群众可凭编号查进度）' }),
    text,
    el('label', { for: `${id}-kind`, text: '事项类型' }),
    kind,
    el('button', { type: 'submit', class: 'secondary', text: '转为事项' }),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', `/api/appointments/${encodeURIComponent(a.code)}/to-item`, { text: text.value.trim(), kind: kind.value });
      await load();
    } catch (err) {
      showError(err.message);
    }
  });
  return form;
}

$('walkin').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('POST', `/api/rooms/${encodeURIComponent($('room').value)}/walk-ins`, {
      service: $('walkin-service').value,
      name: $('walkin-name').value.trim() || null,
      phone: $('walkin-phone').value.trim() || null,
    });
    $('walkin-name').value = '';
    $('walkin-phone').value = '';
    await load();
  } catch (err) {
    showError(err.message);
  }
});
$('reload').addEventListener('click', load);
$('room').addEventListener('change', load);
$('date').addEventListener('change', load);

boot({ start, showLogin });
