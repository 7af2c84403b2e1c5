// The WeChat bot's state for admins in the inbox's top bar (online, waiting for a scan with its
// link, offline), read every 30 seconds.
import { el } from '/shared/toolkit.js';

const LABELS = {
  logged_in: ['微信：在线', 'ok'],
  online: ['微信：在线', 'ok'],
  scan: ['微信：等待扫码', 'warn'],
  waiting_scan: ['微信：等待扫码', 'warn'],
  waiting_for_scan: ['微信：等待扫码', 'warn'],
  offline: ['微信：离线', 'bad'],
};

export async function watchBot(badge) {
  const show = async () => {
    try {
      const res = await fetch('/api/bot/status', { credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      const data = await res.json();
      const s = data.status ?? data.bot ?? data;
      const value = String(s.state ?? s.status ?? '').toLowerCase();
      const [text, cls] = LABELS[value] ?? [`微信：${value || '未知'}`, 'warn'];
      const qr = s.qrUrl ?? s.qr ?? s.qrcode;
      badge.replaceChildren(text);
      if (cls === 'warn' && typeof qr === 'string' && /^https?:\/\//.test(qr)) {
        badge.append(' ', el('a', { href: qr, target: '_blank', rel: 'noopener', text: '扫码登录' }));
      }
      badge.className = `bot-status ${cls}`;
    } catch {
      badge.textContent = '微信：状态未知';
      badge.className = 'bot-status warn';
    }
  };
  await show();
  setInterval(show, 30_000);
}
