// 管理首页: the first-run checklist.
import { el, showError } from '/shared/toolkit.js';
import { startPage, errorLine } from '/admin/shell.js';

startPage({
  roles: ['admin'],
  async start({ api, main }) {
    const error = errorLine();
    const list = el('ol', { class: 'checklist', id: 'checklist' });
    main.append(
      el('h1', { text: '管理首页' }),
      el('section', { class: 'card', 'aria-labelledby': 'checklist-title' }, [
        el('h2', { id: 'checklist-title', text: '开始使用：上线前的准备' }),
        list,
        error,
      ]),
    );
    try {
      const { steps } = await api('GET', '/api/admin/checklist');
      list.replaceChildren(
        ...steps.map((s) =>
          el('li', { class: s.done ? 'done' : 'todo', dataset: { step: s.key } }, [
            el('span', { class: 'state', text: s.done ? '✓ 已完成' : '○ 待完成' }),
            el('span', {}, [el('a', { href: s.href, text: s.label }), el('br'), el('span', { class: 'muted', text: s.hint })]),
          ]),
        ),
      );
    } catch (err) {
      showError(error, err);
    }
  },
});
