// 我的账号: change my password (also the forced change of a first or temporary password), my sessions.
import { el, formatDateTime, showError, clearError } from '/shared/toolkit.js';
import { startPage, field, statusLine, errorLine } from '/admin/shell.js';

startPage({
  async start({ officer, api, main }) {
    const next = new URLSearchParams(location.search).get('next');
    const forced = officer.mustChangePassword;
    const current = field('当前密码（或管理员给您的临时密码）', { type: 'password', autocomplete: 'current-password', required: true, maxlength: 256, id: 'current-password' });
    const fresh = field('新密码（至少 10 位，含字母和数字）', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10, maxlength: 128, id: 'new-password' });
    const again = field('再次输入新密码', { type: 'password', autocomplete: 'new-password', required: true, maxlength: 128, id: 'new-password-again' });
    const error = errorLine();
    const status = statusLine();
    const form = el('form', { class: 'card', id: 'password-form' }, [
      el('h2', { text: '修改密码' }),
      forced ? el('p', { class: 'notice', id: 'force-notice', text: '您正在使用初始密码或临时密码，请先设置一个只有您知道的新密码，再继续使用系统。' }) : null,
      el('div', { class: 'form-grid' }, [current.node, fresh.node, again.node]),
      error,
      el('div', { class: 'row' }, el('button', { type: 'submit', text: '保存新密码' })),
      status,
    ]);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(error);
      if (fresh.control.value !== again.control.value) return showError(error, '两次输入的新密码不一致。');
      try {
        await api('POST', '/api/account/password', { currentPassword: current.control.value, newPassword: fresh.control.value });
        form.reset();
        status.textContent = '密码已修改，其他设备上的登录已退出。';
        // Only same-site paths: never an open redirect.
        const target = next && next.startsWith('/') && !next.startsWith('//') ? next : officer.role === 'admin' ? '/admin/' : '/inbox/';
        if (forced) location.href = target;
        else await loadSessions();
      } catch (err) {
        showError(error, err);
      }
    });

    const sessionsBody = el('tbody');
    const sessionsError = errorLine();
    const sessionsStatus = statusLine();
    const endOthers = el('button', { type: 'button', class: 'secondary', text: '退出其他所有设备' });
    const sessionsCard = el('section', { class: 'card', 'aria-labelledby': 'sessions-title' }, [
      el('h2', { id: 'sessions-title', text: '登录中的设备' }),
      el('div', { class: 'table-wrap' }, el('table', {}, [
        el('thead', {}, el('tr', {}, ['登录时间', '最近活动', '地址', ''].map((h) => el('th', { scope: 'col', text: h })))),
        sessionsBody,
      ])),
      el('div', { class: 'row' }, endOthers),
      sessionsError,
      sessionsStatus,
    ]);

    async function loadSessions() {
      try {
        const { sessions } = await api('GET', '/api/account/sessions');
        sessionsBody.replaceChildren(
          ...sessions.map((s) =>
            el('tr', {}, [
              el('td', { text: formatDateTime(s.signedInAt) }),
              el('td', { text: formatDateTime(s.lastSeenAt) }),
              el('td', { text: s.ip || '—' }),
              el('td', {}, s.current
                ? el('span', { class: 'badge green', text: '当前设备' })
                : el('button', { type: 'button', class: 'secondary', text: '退出该设备', on: { click: () => endSession(s.id) } })),
            ]),
          ),
        );
      } catch (err) {
        showError(sessionsError, err);
      }
    }
    async function endSession(id) {
      try {
        await api('DELETE', `/api/account/sessions/${encodeURIComponent(id)}`);
        sessionsStatus.textContent = '已退出该设备。';
        await loadSessions();
      } catch (err) {
        showError(sessionsError, err);
      }
    }
    endOthers.addEventListener('click', async () => {
      try {
        const { ended } = await api('POST', '/api/account/sessions/end-others');
        sessionsStatus.textContent = `已退出其他 ${ended} 个设备。`;
        await loadSessions();
      } catch (err) {
        showError(sessionsError, err);
      }
    });

    main.append(el('h1', { text: '我的账号' }), el('p', { class: 'muted', text: `${officer.name} · 用户名 ${officer.username}` }), form);
    if (!forced) {
      main.append(sessionsCard);
      await loadSessions();
    }
    current.control.focus();
  },
});
