// 民警账号: list and search; add (with a one-time temporary password); edit; reset a password;
// deactivate/activate; lift sign-in delays. Supervisors see their district's officers read-only.
import { $, el, showError, clearError } from '/shared/toolkit.js';
import { startPage, field, options, statusLine, errorLine, secretPanel, accountForm } from '/admin/shell.js';

const ROLE_OPTIONS = [['officer', '社区民警'], ['supervisor', '督导（所领导）'], ['admin', '系统管理员']];
const splitList = (v) => v.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);

startPage({
  roles: ['admin', 'supervisor'],
  async start({ officer: me, api, main }) {
    const isAdmin = me.role === 'admin';
    const { rooms } = await api('GET', '/api/admin/rooms');
    const status = statusLine();
    const listError = errorLine();

    // ---------------------------------------------------------------- search and list
    const q = field('搜索（用户名、姓名、警号）', { type: 'search', id: 'officer-search', maxlength: 40 });
    const roomFilter = field('警务室', { id: 'officer-room-filter' }, 'select');
    options(roomFilter.control, [['', '全部'], ...rooms.map((r) => [r.code, r.name])]);
    const searchForm = el('form', { class: 'form-grid', role: 'search' }, [q.node, roomFilter.node, el('div', {}, el('button', { type: 'submit', class: 'secondary', text: '搜索' }))]);
    const tbody = el('tbody', { id: 'officer-rows' });
    const table = el('div', { class: 'table-wrap' }, el('table', {}, [
      el('caption', { class: 'muted', text: '民警账号列表' }),
      el('thead', {}, el('tr', {}, ['用户名', '姓名', '警号', '角色', '警务室 / 辖区', '状态', isAdmin ? '操作' : null].filter(Boolean).map((h) => el('th', { scope: 'col', text: h })))),
      tbody,
    ]));
    const secret = secretPanel();

    async function load() {
      clearError(listError);
      const params = new URLSearchParams();
      if (q.control.value.trim()) params.set('q', q.control.value.trim());
      if (roomFilter.control.value) params.set('room', roomFilter.control.value);
      try {
        const { officers } = await api('GET', `/api/officers?${params}`);
        tbody.replaceChildren(...officers.map(row));
        if (!officers.length) tbody.append(el('tr', {}, el('td', { colspan: 7, class: 'muted', text: '没有找到符合条件的民警账号。' })));
      } catch (err) {
        showError(listError, err);
      }
    }

    function row(o) {
      const roomNames = o.rooms.map((c) => rooms.find((r) => r.code === c)?.name ?? c).join('、');
      const state = [o.active ? '启用' : '已停用'];
      if (o.mustChangePassword) state.push('待修改临时密码');
      if (!o.hasPassword) state.push('未设密码');
      if (o.failedSignIns >= 5) state.push(`登录失败 ${o.failedSignIns} 次，已限速`);
      const cells = [
        el('td', { text: o.username }),
        el('td', { text: o.name }),
        el('td', { text: o.badge || '—' }),
        el('td', { text: o.roleLabel }),
        el('td', { text: roomNames || (o.district ? `辖区 ${o.district}` : '—') }),
        el('td', { text: state.join('；') }),
      ];
      if (isAdmin) {
        const self = o.id === me.id;
        cells.push(el('td', {}, el('div', { class: 'actions' }, [
          el('button', { type: 'button', class: 'secondary', text: '编辑', 'aria-label': `编辑：${o.name}`, on: { click: () => edit(o) } }),
          self ? null : el('button', { type: 'button', class: 'secondary', text: '重置密码', 'aria-label': `重置密码：${o.name}`, on: { click: () => resetPassword(o) } }),
          self ? null : el('button', { type: 'button', class: o.active ? 'danger' : 'secondary', text: o.active ? '停用' : '启用', 'aria-label': `${o.active ? '停用' : '启用'}：${o.name}`, on: { click: () => setActive(o, !o.active) } }),
          o.failedSignIns > 0 ? el('button', { type: 'button', class: 'secondary', text: '解除登录限制', 'aria-label': `解除登录限制：${o.name}`, on: { click: () => unlock(o) } }) : null,
        ])));
      }
      return el('tr', { dataset: { username: o.username } }, cells);
    }

    const showSecret = (o, password) => secret.show(o, password, '临时密码只显示这一次，请当面或电话告知本人；对方首次登录后须立即修改。');

    async function resetPassword(o) {
      if (!confirm(`确定重置 ${o.name} 的密码？对方当前的登录会立即退出。`)) return;
      try {
        const res = await api('POST', `/api/officers/${o.id}/reset-password`);
        showSecret(o, res.temporaryPassword);
        await load();
      } catch (err) {
        showError(listError, err);
      }
    }
    async function setActive(o, active) {
      if (!confirm(active ? `确定启用 ${o.name} 的账号？` : `确定停用 ${o.name}？对方的登录和工作台会立即断开。`)) return;
      try {
        await api('PUT', `/api/officers/${o.id}`, { active });
        status.textContent = active ? `已启用 ${o.name}。` : `已停用 ${o.name}，其登录已全部退出。`;
        await load();
      } catch (err) {
        showError(listError, err);
      }
    }
    async function unlock(o) {
      try {
        await api('POST', `/api/officers/${o.id}/unlock`);
        status.textContent = `已解除 ${o.name} 的登录限制。`;
        await load();
      } catch (err) {
        showError(listError, err);
      }
    }

    searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      load();
    });

    const volunteersNote = el('p', { class: 'muted' }, ['志愿者账号不在此列出，请在', el('a', { href: '/admin/volunteers/', text: '志愿者' }), '页面管理。']);
    main.append(el('h1', { text: '民警账号' }), el('section', { class: 'card', 'aria-label': '搜索和列表' }, [searchForm, status, listError, secret.node, table, volunteersNote]));

    if (!isAdmin) {
      main.append(el('p', { class: 'muted', text: '督导账号只能查看本辖区民警，如需新增或修改请联系系统管理员。' }));
      return load();
    }

    // ---------------------------------------------------------------- add / edit form
    const f = {
      username: field('用户名（登录用）', { id: 'o-username', required: true, pattern: '[A-Za-z0-9_.\\-]{3,32}', maxlength: 32, autocomplete: 'off' }),
      name: field('姓名', { id: 'o-name', required: true, maxlength: 40 }),
      badge: field('警号', { id: 'o-badge', maxlength: 20 }),
      phone: field('手机号', { id: 'o-phone', maxlength: 20, inputmode: 'tel' }),
      role: field('角色', { id: 'o-role' }, 'select'),
      district: field('辖区（督导填写，如 XH）', { id: 'o-district', maxlength: 32 }),
      wechatIds: field('微信号（可绑定群，多个用逗号分隔）', { id: 'o-wechat', maxlength: 400 }),
      wecomUserId: field('企业微信 userid', { id: 'o-wecom', maxlength: 64 }),
    };
    options(f.role.control, ROLE_OPTIONS, 'officer');
    const roomBoxes = rooms.map((r) =>
      el('label', { class: 'check' }, [el('input', { type: 'checkbox', name: 'rooms', value: r.code }), ` ${r.name}（${r.code}）`]),
    );
    const roomInputs = roomBoxes.map((l) => l.querySelector('input'));
    const { form, edit } = accountForm({
      id: 'officer-form',
      noun: '民警',
      fields: f,
      extra: [el('fieldset', {}, [el('legend', { text: '负责的警务室' }), el('div', { class: 'actions' }, roomBoxes)])],
      fill(o) {
        f.name.control.value = o.name;
        f.badge.control.value = o.badge || '';
        f.phone.control.value = o.phone || '';
        f.role.control.value = o.role;
        f.district.control.value = o.district || '';
        f.wechatIds.control.value = o.wechatIds.join(', ');
        f.wecomUserId.control.value = o.wecomUserId || '';
        for (const box of roomInputs) box.checked = o.rooms.includes(box.value);
      },
      async save(editing, username) {
        const body = {
          name: f.name.control.value.trim(),
          badge: f.badge.control.value.trim(),
          phone: f.phone.control.value.trim(),
          role: f.role.control.value,
          district: f.district.control.value.trim(),
          wechatIds: splitList(f.wechatIds.control.value),
          wecomUserId: f.wecomUserId.control.value.trim(),
          rooms: roomInputs.filter((b) => b.checked).map((b) => b.value),
        };
        if (editing) {
          await api('PUT', `/api/officers/${editing.id}`, body);
          status.textContent = `已保存 ${body.name} 的修改。`;
        } else {
          const res = await api('POST', '/api/officers', { ...body, username });
          showSecret(res.officer, res.temporaryPassword);
        }
        await load();
      },
    });

    main.append(form);
    await load();
    $('officer-search').focus();
  },
});
