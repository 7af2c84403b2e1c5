// A room's printable poster: QR code to the room's WeChat customer service (or, without one, its web chat),
// saying which; name, hours, address, and the 110 line.
import { $, el, showError } from '/shared/toolkit.js';

async function main() {
  const code = (new URLSearchParams(location.search).get('room') || '').toUpperCase();
  const res = await fetch(`/api/rooms/${encodeURIComponent(code)}`);
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.error?.message || '未找到该警务室。');
  const room = data.room;
  const targetRes = await fetch(`/api/admin/rooms/${encodeURIComponent(room.code)}/poster`, { credentials: 'same-origin' });
  const target = await targetRes.json().catch(() => null);
  if (!targetRes.ok) throw new Error(target?.error?.message || '无法生成海报二维码。');
  const kf = target.qr.kind === 'wechat_kf';
  document.title = `${room.name} · 海报`;
  $('poster').replaceChildren(
    el('p', { text: kf ? '网上警务室 · 微信扫码咨询、预约办事' : '网上警务室 · 扫码咨询、预约办事' }),
    el('h1', { text: room.name }),
    el('img', { class: 'qr', src: `/api/admin/rooms/${encodeURIComponent(room.code)}/poster-qr.svg`, alt: kf ? `${room.name}微信客服二维码` : `${room.name}网上咨询二维码`, dataset: { target: target.qr.kind } }),
    el('p', { class: 'qr-label', id: 'qr-label', text: target.qr.label }),
    el('p', { class: 'hours', text: `办公时间：${room.hoursText}` }),
    el('p', { class: 'address', text: `地址：${room.address}，电话：${room.phone}` }),
    el('p', { class: 'emergency', text: '紧急情况请拨打110' }),
  );
}

$('print').addEventListener('click', () => window.print());
main().catch((err) => showError('poster', err));
