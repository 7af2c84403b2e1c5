// 工作日志目标: the monthly field-work targets per room type (城市社区、农村、联村、流动) and kind, set by admins;
// supervisors read them. The 月考核 shows each room's and officer's work-log counts against them.
import { el, showError, clearError } from '/shared/toolkit.js';
import { startPage, statusLine, errorLine } from '/admin/shell.js';

startPage({
  roles: ['admin', 'supervisor'],
  async start({ officer, api, main }) {
    const canEdit = officer.role === 'admin';
    const status = statusLine();
    const error = errorLine();
    let data = await api('GET', '/api/work-log/targets');

    const cardOf = (rt) => {
      const inputs = data.kinds.map((k) =>
        el('input', {
          type: 'number', min: 0, max: 10000, step: 1, inputmode: 'numeric', id: `t-${rt.type}-${k.key}`,
          value: rt.targets[k.key] ?? '', placeholder: '不设', disabled: canEdit ? null : true, dataset: { kind: k.key },
        }),
      );
      const form = el('form', { class: 'card', id: `targets-${rt.type}`, 'aria-labelledby': `h-${rt.type}` }, [
        el('h2', { id: `h-${rt.type}`, text: rt.label }),
        el('div', { class: 'form-grid' }, data.kinds.map((k, i) => el('label', { for: inputs[i].id }, [`${k.label}（次/月）`, inputs[i]]))),
        canEdit ? el('div', { class: 'row' }, el('button', { type: 'submit', text: `保存${rt.label}目标` })) : null,
      ]);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearError(error);
        status.textContent = '';
        const targets = {};
        for (const input of inputs) {
          const v = input.value.trim();
          if (v && !/^\d+$/.test(v)) return showError(error, `${rt.label}：目标应为不小于0的整数，或留空表示不设目标。`);
          targets[input.dataset.kind] = v ? Number(v) : null;
        }
        try {
          data = await api('PUT', `/api/work-log/targets/${rt.type}`, { targets });
          status.textContent = `已保存${rt.label}的月度目标。`;
        } catch (err) {
          showError(error, err);
        }
      });
      return form;
    };

    main.append(
      el('h1', { text: '工作日志月度目标' }),
      el('p', { class: 'muted', text: `按警务室类型设置每个警务室每月应完成的外勤工作次数；留空表示不设目标。月度考核页、CSV和月度通报中，各警务室和民警的工作日志条数与目标对照显示（民警的目标为其所负责警务室目标之和）。${canEdit ? '' : '督导只读。'}` }),
      status,
      error,
      ...data.roomTypes.map(cardOf),
    );
  },
});
