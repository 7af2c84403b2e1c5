// 接入渠道: the WeChat bot's state (with its login QR code while it waits for a scan), bound groups per
// room (unbind, one-time binding codes), the official channels' and SMS state as the server sees them
// (GET /api/channels/status: on/off, missing settings, token, callback, last event and error; admins
// only), each room's chat link, customer-service contact link, alert robot and printable poster.
import { el, formatDateTime, showError, clearError } from '/shared/toolkit.js';
import { startPage, field, options, statusLine, errorLine } from '/admin/shell.js';

startPage({
  roles: ['admin', 'supervisor'],
  async start({ api, main, officer }) {
    const isAdmin = officer.role === 'admin';
    const status = statusLine();
    const error = errorLine();
    const botsNode = el('div', { id: 'bots' });
    const groupsBody = el('tbody', { id: 'group-rows' });
    const codeBox = el('div', { id: 'bind-code', class: 'hidden', role: 'status', 'aria-live': 'polite' });
    const officialNode = el('dl', { id: 'official' });
    const roomsBody = el('tbody');
    let rooms = [];

    async function loadBots() {
      const data = await api('GET', '/api/admin/channels');
      const bots = data.bots;
      botsNode.replaceChildren(
        ...(bots.length
          ? bots.map((b) => el('div', { class: 'card', dataset: { bot: b.bot } }, [
            el('h3', { text: `微信机器人 ${b.accountName ? `“${b.accountName}”` : b.bot}` }),
            el('p', {}, [el('span', { class: `badge ${b.state === 'logged_in' ? 'green' : b.state === 'offline' ? 'red' : 'amber'}`, text: b.stateLabel }),
              ` 最近心跳：${formatDateTime(b.lastHeartbeatAt)}`]),
            b.lastError ? el('p', { class: 'muted', text: `最近错误：${b.lastError}` }) : null,
            b.hasQr ? el('div', { class: 'qr' }, [
              el('p', { text: '请用作为机器人的微信扫描下方二维码登录：' }),
              el('img', { src: `/api/admin/bot-qr.svg?bot=${encodeURIComponent(b.bot)}&t=${Date.now()}`, alt: '微信机器人登录二维码' }),
            ]) : null,
          ]))
          : [el('p', { class: 'muted', text: '还没有微信机器人运行过。在服务器上运行 npm run bot 启动机器人，这里会显示登录二维码。' })]),
      );
    }

    const onOff = (on) => el('span', { class: `badge ${on ? 'green' : 'red'}`, text: on ? '已启用' : '未启用' });
    const when = (d) => (d ? formatDateTime(d) : '无');

    // The official roads as the server sees them (admins only: the settings are theirs to fix).
    async function loadOfficial() {
      if (!isAdmin) {
        officialNode.replaceChildren(el('dt', { text: '状态' }), el('dd', { text: '官方渠道和短信的状态只有系统管理员可以查看。' }));
        return;
      }
      const status = await api('GET', '/api/channels/status');
      const roads = status.wecom.map((r) => [
        el('dt', { text: r.label }),
        el('dd', { id: `road-${r.road}`, dataset: { on: String(r.on) } }, [
          onOff(r.on),
          r.missing.length ? el('p', { class: 'missing', text: `缺少配置：${r.missing.join('、')}` }) : null,
          r.on ? el('p', { class: 'muted', text: `访问令牌：${r.tokenFresh ? `有效（至 ${formatDateTime(r.tokenExpiresAt)}）` : '尚未获取或已过期'}` }) : null,
          r.road === 'kf' && r.on ? el('p', { class: 'muted', text: `回调地址验证：${r.callbackVerifiedAt ? formatDateTime(r.callbackVerifiedAt) : '尚未验证'}` }) : null,
          r.on ? el('p', { class: 'muted', text: `最近事件：${when(r.lastEventAt)}；最近调用：${when(r.lastCallAt)}` }) : null,
          r.lastError ? el('p', { class: 'error-text', text: `最近错误（${formatDateTime(r.lastErrorAt)}）：${r.lastError}` }) : null,
        ]),
      ]).flat();
      const sms = status.sms;
      officialNode.replaceChildren(
        ...roads,
        el('dt', { text: '短信' }),
        el('dd', { id: 'road-sms', dataset: { on: String(sms.on) } }, [
          onOff(sms.on),
          sms.provider ? ` ${sms.label}` : null,
          sms.missing.length ? el('p', { class: 'missing', text: `缺少配置：${sms.missing.join('、')}` }) : null,
        ]),
      );
      kfOn = status.wecom.some((r) => r.road === 'kf' && r.on);
    }

    let kfOn = false;
    let wecomRooms = new Map();
    async function loadRoomChannels() {
      if (!isAdmin) return;
      const data = await api('GET', '/api/channels/wecom/rooms');
      wecomRooms = new Map(data.rooms.map((r) => [r.code, r]));
    }

    async function makeContactLink(room) {
      clearError(error);
      try {
        await api('POST', `/api/channels/wecom/rooms/${encodeURIComponent(room.code)}/contact-link`, {});
        status.textContent = `已生成“${room.name}”的微信客服链接。`;
        await loadRoomChannels();
        renderRooms();
      } catch (err) {
        showError(error, err);
      }
    }

    async function setRobot(room) {
      const key = window.prompt(`请粘贴“${room.name}”内部群机器人的 Webhook 地址（留空则取消机器人提醒）：`, '');
      if (key === null) return;
      clearError(error);
      try {
        await api('PUT', `/api/channels/wecom/rooms/${encodeURIComponent(room.code)}/robot`, { key: key.trim() || null });
        status.textContent = key.trim() ? `已设置“${room.name}”的群机器人提醒。` : `已取消“${room.name}”的群机器人提醒。`;
        await loadRoomChannels();
        renderRooms();
      } catch (err) {
        showError(error, err);
      }
    }

    function renderRooms() {
      roomsBody.replaceChildren(...rooms.map((r) => {
        const w = wecomRooms.get(r.code);
        const link = w?.contactLink;
        return el('tr', { dataset: { room: r.code } }, [
          el('td', { text: r.name }),
          el('td', {}, el('a', { href: r.chatLink, text: r.chatLink })),
          el('td', { class: 'kf-link' }, isAdmin
            ? [
              link ? el('a', { href: link.url, text: link.url, rel: 'noopener' }) : el('span', { class: 'muted', text: kfOn ? '未生成' : '微信客服未启用' }),
              kfOn ? el('button', { type: 'button', class: 'link', text: link ? '重新生成' : '生成链接', 'aria-label': `生成微信客服链接：${r.name}`, on: { click: () => makeContactLink(r) } }) : null,
            ]
            : el('span', { class: 'muted', text: '仅管理员可见' })),
          el('td', { class: 'robot' }, isAdmin
            ? [el('span', { text: w?.robot ? '已设置' : '未设置' }), el('button', { type: 'button', class: 'link', text: '设置', 'aria-label': `设置群机器人提醒：${r.name}`, on: { click: () => setRobot(r) } })]
            : el('span', { class: 'muted', text: '仅管理员可见' })),
          el('td', {}, el('a', { href: `/admin/rooms/poster.html?room=${encodeURIComponent(r.code)}`, target: '_blank', rel: 'noopener', text: '打印海报', 'aria-label': `打印海报：${r.name}` })),
        ]);
      }));
    }

    async function loadGroups() {
      const { groups } = await api('GET', '/api/groups');
      const name = (code) => rooms.find((r) => r.code === code)?.name ?? code;
      groupsBody.replaceChildren(
        ...(groups.length ? groups.map((g) => el('tr', {}, [
          el('td', { text: name(g.room) }),
          el('td', { text: g.topic || g.groupId }),
          el('td', { text: g.boundVia === 'code' ? '绑定码' : '民警微信' }),
          el('td', { text: formatDateTime(g.boundAt) }),
          el('td', {}, el('button', { type: 'button', class: 'danger', text: '解除绑定', 'aria-label': `解除绑定：${g.topic || g.groupId}`, on: { click: () => unbind(g) } })),
        ])) : [el('tr', {}, el('td', { colspan: 5, class: 'muted', text: '还没有绑定的微信群。' }))]),
      );
    }

    async function unbind(g) {
      if (!confirm(`确定解除“${g.topic || g.groupId}”的绑定？机器人将不再在该群回复。`)) return;
      clearError(error);
      try {
        await api('DELETE', `/api/groups/${encodeURIComponent(g.groupId)}`);
        status.textContent = '已解除绑定。';
        await loadGroups();
      } catch (err) {
        showError(error, err);
      }
    }

    const roomSelect = field('为哪个警务室生成绑定码', { id: 'bind-room' }, 'select');
    const codeForm = el('form', { class: 'form-grid' }, [roomSelect.node, el('div', {}, el('button', { type: 'submit', text: '生成一次性绑定码' }))]);
    codeForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(error);
      try {
        const { bindCode } = await api('POST', '/api/groups/bind-codes', { room: roomSelect.control.value });
        codeBox.replaceChildren(
          el('p', { text: '请在要绑定的微信群里发送下面这句话（只能用一次）：' }),
          el('p', {}, el('span', { class: 'secret', text: bindCode.command })),
          el('p', { class: 'muted', text: `有效期至 ${formatDateTime(bindCode.expiresAt)}` }),
        );
        codeBox.classList.remove('hidden');
      } catch (err) {
        showError(error, err);
      }
    });

    main.append(
      el('h1', { text: '接入渠道' }),
      status, error,
      el('section', { 'aria-labelledby': 'bots-title' }, [el('h2', { id: 'bots-title', text: '微信机器人' }), botsNode]),
      el('section', { class: 'card', 'aria-labelledby': 'groups-title' }, [
        el('h2', { id: 'groups-title', text: '已绑定的微信群' }),
        el('div', { class: 'table-wrap' }, el('table', {}, [el('thead', {}, el('tr', {}, ['警务室', '群', '绑定方式', '绑定时间', ''].map((h) => el('th', { scope: 'col', text: h })))), groupsBody])),
        codeForm, codeBox,
      ]),
      el('section', { class: 'card preview', 'aria-labelledby': 'official-title' }, [
        el('h2', { id: 'official-title', text: '官方渠道和短信' }), officialNode,
        el('p', { class: 'muted', text: '企业微信和短信的参数在服务器配置中填写（见 README 和 .env.example）；未启用时群众仍可通过网页咨询和微信群联系警务室。' }),
      ]),
      el('section', { class: 'card', 'aria-labelledby': 'links-title' }, [
        el('h2', { id: 'links-title', text: '各警务室的咨询链接和海报' }),
        el('p', { class: 'muted', text: '微信客服链接带有警务室编号：居民通过它进入会话时直接进入该警务室；群机器人只收到事项编号、类型、警务室和处理链接，不含群众的话和个人信息。' }),
        el('div', { class: 'table-wrap' }, el('table', {}, [el('thead', {}, el('tr', {}, ['警务室', '网页咨询链接', '微信客服链接', '群机器人提醒', '海报'].map((h) => el('th', { scope: 'col', text: h })))), roomsBody])),
      ]),
    );

    try {
      ({ rooms } = await api('GET', '/api/admin/rooms'));
      options(roomSelect.control, rooms.map((r) => [r.code, r.name]));
      await Promise.all([loadBots(), loadGroups(), loadOfficial(), loadRoomChannels()]);
      renderRooms();
      // The bot's state changes while the page is open (a scan, a drop): refresh every 10 s.
      setInterval(() => loadBots().catch((err) => showError(error, err)), 10_000);
    } catch (err) {
      showError(error, err);
    }
  },
});
