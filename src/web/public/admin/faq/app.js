// 常见问答: list, search, add, edit, delete the bot's FAQ, with a "试一试" box showing how a sample
// message is understood now and with the entry in the form applied.
import { el, showError, clearError } from '/shared/toolkit.js';
import { startPage, field, options, statusLine, errorLine } from '/admin/shell.js';

const list = (v) => v.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);

startPage({
  roles: ['admin'],
  async start({ api, main }) {
    const { services } = await api('GET', '/api/services');
    const status = statusLine();
    const listError = errorLine();
    const q = field('搜索问答', { type: 'search', id: 'faq-search', maxlength: 100 });
    const searchForm = el('form', { class: 'form-grid', role: 'search' }, [q.node, el('div', {}, el('button', { type: 'submit', class: 'secondary', text: '搜索' }))]);
    const tbody = el('tbody', { id: 'faq-rows' });

    const f = {
      question: field('问题', { id: 'faq-question', required: true, maxlength: 300, wide: true }),
      answer: field('回答', { id: 'faq-answer', required: true, maxlength: 4000, rows: 5, wide: true }, 'textarea'),
      keywords: field('关键词（逗号分隔，帮助机器人找到这条）', { id: 'faq-keywords', maxlength: 600, wide: true }),
      service: field('相关办事事项', { id: 'faq-service' }, 'select'),
    };
    options(f.service.control, [['', '（无）'], ...services.map((s) => [s.key, s.name])], '');
    const active = el('input', { type: 'checkbox', id: 'faq-active', checked: true });
    const formError = errorLine();
    const title = el('h2', { id: 'faq-form-title', text: '新增问答' });
    const submit = el('button', { type: 'submit', text: '保存' });
    const cancel = el('button', { type: 'button', class: 'secondary hidden', text: '取消编辑' });
    const form = el('form', { class: 'card', id: 'faq-form', 'aria-labelledby': 'faq-form-title' }, [
      title, el('div', { class: 'form-grid' }, [...Object.values(f).map((x) => x.node), el('label', { for: 'faq-active' }, [active, ' 启用'])]), formError, el('div', { class: 'row' }, [submit, cancel]),
    ]);
    let editing = null;
    const draft = () => ({
      ...(editing ? { id: editing.id } : {}),
      question: f.question.control.value.trim(), answer: f.answer.control.value.trim(), keywords: list(f.keywords.control.value), service: f.service.control.value || null,
    });

    // ---------------------------------------------------------------- 试一试
    const tryText = field('群众可能会这样问', { id: 'try-text', maxlength: 500, required: true, wide: true });
    const tryOut = el('div', { id: 'try-result', class: 'preview', 'aria-live': 'polite' });
    const tryError = errorLine();
    const tryForm = el('form', { class: 'card', 'aria-labelledby': 'try-title' }, [
      el('h2', { id: 'try-title', text: '试一试：机器人会怎样理解和回答' }),
      el('div', { class: 'form-grid' }, [tryText.node, el('div', {}, el('button', { type: 'submit', text: '试一试' }))]),
      el('p', { class: 'muted', text: '左侧是现在的回答；如果上面的表单里正在编辑问答，右侧是保存后的回答。' }),
      tryError, tryOut,
    ]);
    const describe = (label, r) => el('div', { class: 'card' }, [el('h3', { text: label }), el('dl', {}, [
      el('dt', { text: '意图' }), el('dd', { text: r.intentLabel }),
      el('dt', { text: '办事事项' }), el('dd', { text: r.serviceName || '—' }),
      el('dt', { text: '紧急情况' }), el('dd', { text: r.emergency ? '是（提示立即拨打110）' : '否' }),
      el('dt', { text: '匹配的问答' }), el('dd', { text: r.faq ? r.faq.question : '—' }),
      el('dt', { text: '回答' }), el('dd', { text: r.answer }),
    ])]);
    tryForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(tryError);
      const d = draft();
      try {
        const res = await api('POST', '/api/faq/try', { text: tryText.control.value, ...(d.question && d.answer ? { draft: d } : {}) });
        tryOut.replaceChildren(el('div', { class: 'split' }, [describe('现在', res.before), res.after ? describe('保存后', res.after) : el('div')]));
      } catch (err) {
        showError(tryError, err);
      }
    });

    async function load() {
      clearError(listError);
      try {
        const params = new URLSearchParams();
        if (q.control.value.trim()) params.set('q', q.control.value.trim());
        const { faq } = await api('GET', `/api/faq?${params}`);
        tbody.replaceChildren(...faq.map((x) => el('tr', { dataset: { id: x.id } }, [
          el('td', { text: x.question }),
          el('td', { text: x.answer.length > 80 ? `${x.answer.slice(0, 80)}…` : x.answer }),
          el('td', { text: x.active ? '启用' : '停用' }),
          el('td', {}, el('div', { class: 'actions' }, [
            el('button', { type: 'button', class: 'secondary', text: '编辑', 'aria-label': `编辑：${x.question}`, on: { click: () => edit(x) } }),
            el('button', { type: 'button', class: 'danger', text: '删除', 'aria-label': `删除：${x.question}`, on: { click: () => remove(x) } }),
          ])),
        ])));
        if (!faq.length) tbody.append(el('tr', {}, el('td', { colspan: 4, class: 'muted', text: '没有找到问答。' })));
      } catch (err) {
        showError(listError, err);
      }
    }
    function edit(x) {
      editing = x;
      title.textContent = '编辑问答';
      cancel.classList.remove('hidden');
      f.question.control.value = x.question;
      f.answer.control.value = x.answer;
      f.keywords.control.value = x.keywords.join('，');
      f.service.control.value = x.service || '';
      active.checked = x.active;
      f.question.control.focus();
    }
    function resetForm() {
      editing = null;
      form.reset();
      title.textContent = '新增问答';
      cancel.classList.add('hidden');
    }
    cancel.addEventListener('click', resetForm);
    async function remove(x) {
      if (!confirm(`确定删除“${x.question}”？`)) return;
      try {
        await api('DELETE', `/api/faq/${encodeURIComponent(x.id)}`);
        status.textContent = '已删除。';
        await load();
      } catch (err) {
        showError(listError, err);
      }
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(formError);
      const d = draft();
      const body = { question: d.question, answer: d.answer, keywords: d.keywords, service: d.service, active: active.checked };
      try {
        if (editing) await api('PUT', `/api/faq/${encodeURIComponent(editing.id)}`, body);
        else await api('POST', '/api/faq', body);
        status.textContent = editing ? '已保存修改，机器人即刻按新内容回答。' : '已新增，机器人即刻可以用这条回答。';
        resetForm();
        await load();
      } catch (err) {
        showError(formError, err);
      }
    });
    searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      load();
    });

    main.append(
      el('h1', { text: '常见问答' }),
      form, tryForm,
      el('section', { class: 'card', 'aria-label': '问答列表' }, [searchForm, status, listError, el('div', { class: 'table-wrap' }, el('table', {}, [
        el('thead', {}, el('tr', {}, ['问题', '回答', '状态', '操作'].map((h) => el('th', { scope: 'col', text: h })))), tbody,
      ]))]),
    );
    await load();
  },
});
