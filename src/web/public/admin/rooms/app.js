// 警务室: add and edit rooms (details, opening hours with breaks, officers, bookable services and their
// rules, closed days and make-up working days, the talk-day rule) and print each room's poster.
// Supervisors see their district's rooms read-only.
import { el, showError, clearError, dayText, beijingDay } from '/shared/toolkit.js';
import { startPage, field, options, statusLine, errorLine, WEEKDAY_LABELS } from '/admin/shell.js';

const TYPES = [['urban', '城市社区警务室'], ['rural', '农村警务室'], ['joint_villages', '联村警务室'], ['mobile', '流动警务室']];
const KINDS = [['closure', '闭室（本室休息）'], ['holiday', '节假日休息'], ['workday', '调休上班']];
const KIND_LABELS = Object.fromEntries(KINDS);
const list = (v) => v.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
const num = (v) => (v === '' || v === null || v === undefined ? null : Number(v));

startPage({
  roles: ['admin', 'supervisor'],
  async start({ officer: me, api, main }) {
    const isAdmin = me.role === 'admin';
    const [{ services }, officersRes] = await Promise.all([
      api('GET', '/api/services'),
      isAdmin ? api('GET', '/api/officers?role=officer&active=true') : Promise.resolve({ officers: [] }),
    ]);
    // 约访 (talk_with_officer) is booked like a service and has its per-room rule too (e.g. 3 per slot).
    const talk = await api('GET', '/api/services/talk_with_officer').then((r) => r.service).catch(() => null);
    const serviceList = [...(services ?? []), ...(talk ? [talk] : [])];
    let rooms = [];
    let selected = null;
    const listNode = el('ul', { class: 'room-list', id: 'room-list' });
    const listError = errorLine();
    const editor = el('div', { id: 'room-editor' }, el('p', { class: 'muted', text: '请从左侧选择一个警务室。' }));
    const addButton = isAdmin ? el('button', { type: 'button', id: 'add-room', text: '＋ 新增警务室', on: { click: () => openRoom(null) } }) : null;
    // (DOM append() would print a null as the text "null": only real nodes go in.)
    main.append(...[
      el('h1', { text: '警务室' }),
      isAdmin ? null : el('p', { class: 'muted', text: '督导账号只读：可查看本辖区警务室的设置。' }),
      el('div', { class: 'split' }, [el('nav', { 'aria-label': '警务室列表' }, [addButton, listNode, listError]), editor]),
    ].filter(Boolean));

    async function loadRooms() {
      try {
        ({ rooms } = await api('GET', '/api/admin/rooms'));
        listNode.replaceChildren(
          ...rooms.map((r) =>
            el('li', {}, el('button', {
              type: 'button', class: 'secondary', 'aria-pressed': selected === r.code ? 'true' : 'false', dataset: { room: r.code },
              text: `${r.name}${r.active ? '' : '（已停用）'}`, on: { click: () => openRoom(r.code) },
            })),
          ),
        );
      } catch (err) {
        showError(listError, err);
      }
    }

    /** A form in its own fieldset; read-only for supervisors. */
    function section(title, children, onSave, saveLabel = '保存') {
      const error = errorLine();
      const status = statusLine();
      const id = `sec-${Math.random().toString(36).slice(2, 8)}`;
      const form = el('form', { class: 'card', 'aria-labelledby': id }, [
        el('fieldset', { disabled: !isAdmin && onSave ? true : null }, [el('legend', { id, text: title }), ...children]),
        error,
        isAdmin && onSave ? el('div', { class: 'row' }, el('button', { type: 'submit', text: saveLabel })) : null,
        status,
      ]);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearError(error);
        status.textContent = '';
        try {
          status.textContent = (await onSave()) || '已保存。';
        } catch (err) {
          showError(error, err);
        }
      });
      return form;
    }

    async function openRoom(code) {
      selected = code;
      for (const b of listNode.querySelectorAll('button')) b.setAttribute('aria-pressed', b.dataset.room === code ? 'true' : 'false');
      const room = code ? rooms.find((r) => r.code === code) : null;
      editor.replaceChildren(el('h2', { text: room ? `${room.name}（${room.code}）` : '新增警务室' }));

      // ------------------------------------------------------------ details
      const f = {
        code: field('编号（字母数字，建后不可改）', { id: 'r-code', required: true, maxlength: 16, value: room?.code ?? '', disabled: room ? true : null }),
        name: field('名称', { id: 'r-name', required: true, maxlength: 60, value: room?.name ?? '' }),
        type: field('类型', { id: 'r-type' }, 'select'),
        district: field('辖区编号', { id: 'r-district', required: true, maxlength: 32, value: room?.district ?? '' }),
        districtName: field('辖区名称', { id: 'r-district-name', required: true, maxlength: 60, value: room?.districtName ?? '' }),
        phone: field('电话', { id: 'r-phone', required: true, maxlength: 40, value: room?.phone ?? '' }),
        address: field('地址', { id: 'r-address', required: true, maxlength: 200, value: room?.address ?? '', wide: true }),
        hoursText: field('办公时间（给群众看的文字）', { id: 'r-hours-text', required: true, maxlength: 200, value: room?.hoursText ?? '', wide: true }),
        areas: field('服务的社区/村（逗号分隔）', { id: 'r-areas', maxlength: 2000, value: (room?.areas ?? []).join('，'), wide: true }),
        description: field('简介', { id: 'r-description', maxlength: 1000, value: room?.description ?? '', wide: true }, 'textarea'),
      };
      options(f.type.control, TYPES, room?.type ?? 'urban');
      const active = el('input', { type: 'checkbox', id: 'r-active', checked: room ? (room.active ? true : null) : true });
      editor.append(section('基本信息', [el('div', { class: 'form-grid' }, [...Object.values(f).map((x) => x.node), el('label', { for: 'r-active' }, [active, ' 启用（停用后群众看不到该室）'])])], async () => {
        const body = {
          name: f.name.control.value.trim(), type: f.type.control.value, district: f.district.control.value.trim(), districtName: f.districtName.control.value.trim(),
          phone: f.phone.control.value.trim(), address: f.address.control.value.trim(), hoursText: f.hoursText.control.value.trim(),
          areas: list(f.areas.control.value), description: f.description.control.value.trim(), active: active.checked,
        };
        if (room) await api('PUT', `/api/rooms/${room.code}`, body);
        else {
          const created = await api('POST', '/api/rooms', { ...body, code: f.code.control.value.trim().toUpperCase() });
          await loadRooms();
          await openRoom(created.room.code);
          return '已新增。';
        }
        await loadRooms();
        return '基本信息已保存。';
      }));
      if (!room) return;

      const [{ schedule }, talk, calendar] = await Promise.all([
        api('GET', `/api/rooms/${room.code}/schedule`),
        api('GET', `/api/rooms/${room.code}/talk-day`).catch(() => null),
        api('GET', `/api/holidays?room=${room.code}&from=${beijingDay()}`),
      ]);

      // ------------------------------------------------------------ opening hours with breaks
      const hourRows = [1, 2, 3, 4, 5, 6, 7].map((d) => {
        const p = schedule.weekly.find((w) => w.weekday === d);
        const open = el('input', { type: 'checkbox', id: `h-${d}-on`, checked: p ? true : null });
        const t = (k, v, label) => el('input', { type: 'time', id: `h-${d}-${k}`, value: v ?? '', 'aria-label': `${WEEKDAY_LABELS[d]}${label}` });
        return { d, open, from: t('open', p?.open ?? '08:30', '开门'), to: t('close', p?.close ?? '17:30', '关门'), bs: t('break-start', p?.breakStart, '午休开始'), be: t('break-end', p?.breakEnd, '午休结束') };
      });
      const hoursTable = el('table', { class: 'hours-table' }, [
        el('thead', {}, el('tr', {}, ['', '办公', '开门', '关门', '午休开始', '午休结束'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, hourRows.map((r) => el('tr', { dataset: { weekday: r.d } }, [
          el('th', { scope: 'row' }, el('label', { for: `h-${r.d}-on`, text: WEEKDAY_LABELS[r.d] })),
          el('td', {}, r.open), el('td', {}, r.from), el('td', {}, r.to), el('td', {}, r.bs), el('td', {}, r.be),
        ]))),
      ]);
      const weekly = () => hourRows.filter((r) => r.open.checked).map((r) => ({
        weekday: r.d, open: r.from.value, close: r.to.value, breakStart: r.bs.value || null, breakEnd: r.be.value || null,
      }));

      // ------------------------------------------------------------ booking rules and services
      const g = {
        slotMinutes: field('每个时段（分钟）', { type: 'number', id: 's-slot', min: 5, max: 240, value: schedule.slotMinutes }),
        capacity: field('每时段可约人数', { type: 'number', id: 's-capacity', min: 1, max: 50, value: schedule.capacity }),
        walkIn: field('留给现场办理的比例（%）', { type: 'number', id: 's-walkin', min: 0, max: 100, value: Math.round(schedule.walkInShare * 100) }),
        opens: field('可提前几天预约', { type: 'number', id: 's-opens', min: 1, max: 365, value: schedule.bookingOpensDays }),
        closes: field('截止：开始前几分钟', { type: 'number', id: 's-closes', min: 0, max: 10080, value: schedule.bookingClosesMinutes }),
      };
      const serviceRows = serviceList.map((s) => {
        const rule = schedule.services.find((r) => r.service === s.key);
        const inp = (k, v, label, attrs = {}) => el('input', { type: 'number', id: `sv-${s.key}-${k}`, value: v ?? '', 'aria-label': `${s.name}：${label}`, ...attrs });
        return {
          key: s.key,
          enabled: el('input', { type: 'checkbox', id: `sv-${s.key}-on`, checked: rule ? (rule.enabled ? true : null) : true }),
          days: el('input', { id: `sv-${s.key}-days`, value: (rule?.weekdays ?? []).join(','), 'aria-label': `${s.name}：可预约星期（1-7，逗号分隔，空=全部）`, size: 8 }),
          slot: inp('slot', rule?.slotMinutes, '时段分钟', { min: 5, max: 480 }),
          cap: inp('cap', rule?.capacity, '每时段最多可约人数', { min: 1, max: 50 }),
          walkIn: inp('walkin', rule?.walkInShare == null ? '' : Math.round(rule.walkInShare * 100), '现场比例%', { min: 0, max: 100 }),
          opens: inp('opens', rule?.bookingOpensDays, '提前天数', { min: 1, max: 365 }),
          closes: inp('closes', rule?.bookingClosesMinutes, '截止：开始前几分钟', { min: 0, max: 10080 }),
          name: s.name,
        };
      });
      const servicesTable = el('div', { class: 'table-wrap' }, el('table', {}, [
        el('caption', { class: 'muted', text: '不勾选＝本室不办理该事项；其余留空＝沿用上面的通用规则（每时段人数留空＝只受本室每时段可约人数限制；截止＝该事项的时段开始前多少分钟停止网上预约，如 1440＝提前一天截止）' }),
        el('thead', {}, el('tr', {}, ['事项', '本室办理', '可约星期', '时段分钟', '每时段人数', '现场比例%', '提前天数', '截止（开始前分钟）'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, serviceRows.map((r) => el('tr', { dataset: { service: r.key } }, [
          el('th', { scope: 'row' }, el('label', { for: `sv-${r.key}-on`, text: r.name })),
          el('td', {}, r.enabled), el('td', {}, r.days), el('td', {}, r.slot), el('td', {}, r.cap), el('td', {}, r.walkIn), el('td', {}, r.opens), el('td', {}, r.closes),
        ]))),
      ]));
      async function saveSchedule() {
        const body = {
          slotMinutes: num(g.slotMinutes.control.value), capacity: num(g.capacity.control.value), walkInShare: num(g.walkIn.control.value) / 100,
          bookingOpensDays: num(g.opens.control.value), bookingClosesMinutes: num(g.closes.control.value),
          weekly: weekly(),
          services: serviceRows.map((r) => ({
            service: r.key, enabled: r.enabled.checked,
            weekdays: r.days.value.split(/[,，\s]+/).filter(Boolean).map(Number),
            slotMinutes: num(r.slot.value), capacity: num(r.cap.value),
            walkInShare: r.walkIn.value === '' ? null : Number(r.walkIn.value) / 100, bookingOpensDays: num(r.opens.value),
            bookingClosesMinutes: num(r.closes.value),
          })),
        };
        await api('PUT', `/api/rooms/${room.code}/schedule`, body);
      }
      editor.append(section('办公时间（含午休）', [hoursTable, el('p', { class: 'muted', text: '预约时段按这里的时间排；午休时间不开放预约。' })], async () => {
        await saveSchedule();
        await api('PUT', `/api/rooms/${room.code}`, { openingHours: weekly() });
        return '办公时间已保存，预约页面即时生效。';
      }));
      editor.append(section('预约规则和办理事项', [el('div', { class: 'form-grid' }, Object.values(g).map((x) => x.node)), servicesTable], async () => {
        await saveSchedule();
        return '预约规则已保存。';
      }));

      // ------------------------------------------------------------ officers
      if (isAdmin) {
        const members = new Set(room.members.map((m) => m.id));
        const boxes = officersRes.officers.map((o) => el('label', { class: 'check' }, [el('input', { type: 'checkbox', name: 'member', value: o.id, checked: members.has(o.id) ? true : null }), ` ${o.name}（${o.username}）`]));
        const sectionNode = section('本室民警', [el('div', { class: 'actions' }, boxes.length ? boxes : [el('span', { class: 'muted', text: '还没有民警账号，请先到“民警账号”页添加。' })])], async () => {
          const ids = [...sectionNode.querySelectorAll('input[name=member]:checked')].map((b) => b.value);
          await api('PUT', `/api/admin/rooms/${room.code}/officers`, { officerIds: ids });
          await loadRooms();
          return '本室民警已更新。';
        });
        editor.append(sectionNode);
      } else {
        editor.append(section('本室民警', [el('p', { text: room.members.map((m) => m.name).join('、') || '—' })], null));
      }

      // ------------------------------------------------------------ closed days and make-up working days
      const calBody = el('tbody');
      const calError = errorLine();
      function renderCalendar(entries) {
        calBody.replaceChildren(...entries.slice(0, 60).map((e) => el('tr', {}, [
          el('td', { text: dayText(e.date) }),
          el('td', { text: KIND_LABELS[e.kind] ?? e.kind }),
          el('td', { text: e.name || '—' }),
          el('td', { text: e.room ? '本室' : '全国' }),
          el('td', {}, isAdmin || e.room ? el('button', { type: 'button', class: 'secondary', text: '删除', 'aria-label': `删除：${e.date}`, on: { click: async () => {
            try {
              await api('DELETE', `/api/holidays/${e.id}`);
              renderCalendar((await api('GET', `/api/holidays?room=${room.code}&from=${beijingDay()}`)).data);
            } catch (err) {
              showError(calError, err);
            }
          } } }) : null),
        ])));
      }
      renderCalendar(calendar.data);
      const c = {
        date: field('日期', { type: 'date', id: 'c-date', required: true }),
        kind: field('类型', { id: 'c-kind' }, 'select'),
        name: field('说明（如：设备检修）', { id: 'c-name', maxlength: 60 }),
        follows: field('调休上班按星期几排班', { id: 'c-follows' }, 'select'),
      };
      options(c.kind.control, KINDS, 'closure');
      options(c.follows.control, [['', '—'], ...[1, 2, 3, 4, 5, 6, 7].map((d) => [d, WEEKDAY_LABELS[d]])], '');
      editor.append(section('休息日和调休上班日', [
        el('div', { class: 'table-wrap' }, el('table', {}, [el('thead', {}, el('tr', {}, ['日期', '类型', '说明', '范围', ''].map((h) => el('th', { scope: 'col', text: h })))), calBody])),
        calError,
        el('div', { class: 'form-grid' }, Object.values(c).map((x) => x.node)),
      ], async () => {
        await api('POST', '/api/holidays', {
          room: room.code, date: c.date.control.value, kind: c.kind.control.value, name: c.name.control.value.trim() || null,
          followsWeekday: c.follows.control.value ? Number(c.follows.control.value) : null,
        });
        renderCalendar((await api('GET', `/api/holidays?room=${room.code}&from=${beijingDay()}`)).data);
        return '已添加。';
      }, '添加'));

      // ------------------------------------------------------------ talk day
      if (talk) {
        const s = talk.settings;
        const t = {
          place: field('地点', { id: 't-place', maxlength: 200, value: s.place ?? '', required: true }),
          topic: field('主题', { id: 't-topic', maxlength: 200, value: s.topic ?? '', required: true }),
          start: field('开始', { type: 'time', id: 't-start', value: s.startTime ?? '09:00', required: true }),
          end: field('结束', { type: 'time', id: 't-end', value: s.endTime ?? '' }),
          rule: field('遇周末或节假日', { id: 't-rule' }, 'select'),
          before: field('提前几天通知群', { type: 'number', id: 't-before', min: 0, max: 14, value: s.daysBefore ?? 3 }),
        };
        options(t.rule.control, talk.rules.map((r) => [r.value, r.label]), s.rule);
        const enabled = el('input', { type: 'checkbox', id: 't-enabled', checked: s.enabled ? true : null });
        editor.append(section('每月恳谈日（18日）', [el('div', { class: 'form-grid' }, [el('label', { for: 't-enabled' }, [enabled, ' 举办恳谈日']), ...Object.values(t).map((x) => x.node)])], async () => {
          await api('PUT', `/api/rooms/${room.code}/talk-day`, {
            enabled: enabled.checked, place: t.place.control.value.trim(), topic: t.topic.control.value.trim(), startTime: t.start.control.value,
            endTime: t.end.control.value || null, rule: t.rule.control.value, daysBefore: num(t.before.control.value), months: s.months ?? [],
          });
          return '恳谈日设置已保存。';
        }));
      }

      editor.append(el('p', {}, [
        el('a', { href: `/admin/rooms/poster.html?room=${encodeURIComponent(room.code)}`, target: '_blank', rel: 'noopener', text: '打印本室二维码海报' }),
        ' · ',
        el('a', { href: room.chatLink, target: '_blank', rel: 'noopener', text: '打开本室网页咨询' }),
      ]));
    }

    await loadRooms();
    const wanted = new URLSearchParams(location.search).get('room');
    if (wanted && rooms.some((r) => r.code === wanted)) await openRoom(wanted);
  },
});
