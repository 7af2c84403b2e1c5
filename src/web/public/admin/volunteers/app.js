// 志愿者（四支队伍）: a room's volunteers (信息员、专管员、调解员、安全员) with their team, masked
// phone and state; admins add, edit (name, team, room, phone), switch off / on (switching off ends
// the volunteer's sessions at once) and reset the sign-in (a one-time temporary password).
// Supervisors see their district's volunteers read-only; officers use the list to give disputes.
import { el, showError, clearError } from '/shared/toolkit.js';
import { startPage, field, options, statusLine, errorLine, secretPanel, accountForm } from '/admin/shell.js';

const TEAM_OPTIONS = [['informant', '信息员'], ['specialist', '专管员'], ['mediator', '调解员'], ['safety', '安全员']];

startPage({
  roles: ['admin', 'supervisor'],
  async start({ officer: me, api, main }) {
    const isAdmin = me.role === 'admin';
    const { rooms } = await api('GET', '/api/admin/rooms');
    const roomName = (code) => rooms.find((r) => r.code === code)?.name ?? code;
    const status = statusLine();
    const listError = errorLine();

    // ---------------------------------------------------------------- room filter and list
    const roomFilter = field('警务室', { id: 'volunteer-room-filter' }, 'select');
    options(roomFilter.control, [['', '全部'], ...rooms.map((r) => [r.code, r.name])], new URLSearchParams(location.search).get('room') ?? '');
    const filterForm = el('form', { class: 'form-grid', role: 'search' }, [roomFilter.node, el('div', {}, el('button', { type: 'submit', class: 'secondary', text: '查看' }))]);
    const tbody = el('tbody', { id: 'volunteer-rows' });
    const headers = ['姓名', '用户名', '队伍', '警务室', '手机号', '状态', isAdmin ? '操作' : null].filter(Boolean);
    const table = el('div', { class: 'table-wrap' }, el('table', {}, [
      el('caption', { class: 'muted', text: '志愿者名单' }),
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))),
      tbody,
    ]));
    const secret = secretPanel();

    async function load() {
      clearError(listError);
      const room = roomFilter.control.value;
      try {
        const { volunteers } = await api('GET', `/api/volunteers${room ? `?room=${encodeURIComponent(room)}` : ''}`);
        tbody.replaceChildren(...volunteers.map(row));
        if (!volunteers.length) tbody.append(el('tr', {}, el('td', { colspan: headers.length, class: 'muted', text: '没有志愿者。' })));
      } catch (err) {
        showError(listError, err);
      }
    }

    function row(v) {
      const state = [v.active ? '启用' : '已停用'];
      if (v.mustChangePassword) state.push('待修改临时密码');
      const phoneCell = el('td', { text: v.phoneMasked || '—' });
      const cells = [
        el('td', { text: v.name }),
        el('td', { text: v.username }),
        el('td', { text: v.teamLabel }),
        el('td', { text: roomName(v.room) }),
        phoneCell,
        el('td', { text: state.join('；') }),
      ];
      if (isAdmin) {
        cells.push(el('td', {}, el('div', { class: 'actions' }, [
          el('button', { type: 'button', class: 'secondary', text: '编辑', 'aria-label': `编辑：${v.name}`, on: { click: () => edit(v) } }),
          v.phoneMasked ? el('button', { type: 'button', class: 'secondary', text: '显示号码', 'aria-label': `显示号码：${v.name}`, on: { click: () => showPhone(v, phoneCell) } }) : null,
          el('button', { type: 'button', class: 'secondary', text: '重置密码', 'aria-label': `重置密码：${v.name}`, on: { click: () => resetPassword(v) } }),
          el('button', { type: 'button', class: v.active ? 'danger' : 'secondary', text: v.active ? '停用' : '启用', 'aria-label': `${v.active ? '停用' : '启用'}：${v.name}`, on: { click: () => setActive(v, !v.active) } }),
        ])));
      }
      return el('tr', { dataset: { username: v.username } }, cells);
    }

    const showSecret = (v, password) => secret.show(v, password, '临时密码只显示这一次，请当面或电话告知本人；对方登录志愿者页面（/volunteer/）后须立即修改。');

    async function showPhone(v, cell) {
      try {
        const { phone } = await api('GET', `/api/volunteers/${v.id}/phone`);
        cell.replaceChildren(phone ? el('a', { href: `tel:${phone}`, text: phone }) : '—');
      } catch (err) {
        showError(listError, err);
      }
    }
    async function resetPassword(v) {
      if (!confirm(`确定重置 ${v.name} 的登录密码？对方当前的登录会立即退出。`)) return;
      try {
        const res = await api('POST', `/api/volunteers/${v.id}/reset-password`);
        showSecret(res.volunteer, res.temporaryPassword);
        await load();
      } catch (err) {
        showError(listError, err);
      }
    }
    async function setActive(v, active) {
      if (!confirm(active ? `确定启用 ${v.name}？` : `确定停用 ${v.name}？对方会立即退出登录，不能再登录，也看不到交给他的纠纷。`)) return;
      try {
        await api('PATCH', `/api/volunteers/${v.id}`, { active });
        status.textContent = active ? `已启用 ${v.name}。` : `已停用 ${v.name}，其登录已全部退出。`;
        await load();
      } catch (err) {
        showError(listError, err);
      }
    }

    filterForm.addEventListener('submit', (e) => {
      e.preventDefault();
      load();
    });

    main.append(
      el('h1', { text: '志愿者（四支队伍）' }),
      el('p', { class: 'muted', text: '信息员提交实名线索；调解员调解民警交给的纠纷；安全员、专管员接收本室的警情通报和防范提示（短信和志愿者页面的“通知”）。志愿者在 /volunteer/ 登录。' }),
      el('section', { class: 'card', 'aria-label': '志愿者名单' }, [filterForm, status, listError, secret.node, table]),
    );

    if (!isAdmin) {
      main.append(el('p', { class: 'muted', text: '督导账号只能查看本辖区的志愿者，如需新增或修改请联系系统管理员。' }));
      return load();
    }

    // ---------------------------------------------------------------- add / edit form
    const f = {
      username: field('用户名（登录用）', { id: 'v-username', required: true, pattern: '[A-Za-z0-9_.\\-]{3,32}', maxlength: 32, autocomplete: 'off' }),
      name: field('姓名', { id: 'v-name', required: true, maxlength: 40 }),
      team: field('队伍', { id: 'v-team' }, 'select'),
      room: field('警务室', { id: 'v-room' }, 'select'),
      phone: field('手机号（接收短信通知，可不填）', { id: 'v-phone', maxlength: 11, inputmode: 'tel', pattern: '1[3-9][0-9]{9}' }),
    };
    options(f.team.control, TEAM_OPTIONS, 'informant');
    options(f.room.control, rooms.map((r) => [r.code, `${r.name}（${r.code}）`]), roomFilter.control.value || rooms[0]?.code);
    const phoneHint = el('p', { class: 'muted hidden', id: 'v-phone-hint' });
    const removePhone = { control: el('input', { type: 'checkbox', id: 'v-phone-remove' }) };
    removePhone.node = el('label', { class: 'check hidden', for: 'v-phone-remove' }, [removePhone.control, ' 删除手机号']);
    const { form, edit } = accountForm({
      id: 'volunteer-form',
      noun: '志愿者',
      fields: f,
      extra: [phoneHint, removePhone.node],
      fill(v) {
        f.name.control.value = v.name;
        f.team.control.value = v.team;
        f.room.control.value = v.room;
        f.phone.control.value = '';
        phoneHint.textContent = v.phoneMasked ? `现有手机号 ${v.phoneMasked}：手机号留空则不修改；勾选下方“删除手机号”可删除。` : '目前没有手机号。';
        phoneHint.classList.remove('hidden');
        removePhone.node.classList.toggle('hidden', !v.phoneMasked);
        removePhone.control.checked = false;
      },
      onReset() {
        phoneHint.classList.add('hidden');
        removePhone.node.classList.add('hidden');
      },
      async save(editing, username) {
        const phone = f.phone.control.value.trim();
        const body = { name: f.name.control.value.trim(), team: f.team.control.value, room: f.room.control.value };
        if (editing) {
          if (removePhone.control.checked) body.phone = null;
          else if (phone) body.phone = phone;
          await api('PATCH', `/api/volunteers/${editing.id}`, body);
          status.textContent = `已保存 ${body.name} 的修改。`;
        } else {
          const res = await api('POST', '/api/volunteers', { ...body, username, ...(phone ? { phone } : {}) });
          showSecret(res.volunteer, res.temporaryPassword);
        }
        await load();
      },
    });

    main.append(form);
    await load();
  },
});
