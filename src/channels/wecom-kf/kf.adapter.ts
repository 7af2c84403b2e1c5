/**
 * WeChat Customer Service ⇄ core conversions (pure). A conversation is one resident with one
 * customer-service account: "<open_kfid>:<external_userid>" (both WeCom ids are [A-Za-z0-9_-]).
 */
import type { OutboundReply, ReplyOption } from '../../modules/conversations';

export function conversationIdOf(openKfId: string, externalUserId: string): string {
  return `${openKfId}:${externalUserId}`;
}

export function parseConversationId(id: string): { openKfId: string; externalUserId: string } {
  const i = id.indexOf(':');
  if (i <= 0) throw new Error(`not a customer-service conversation id: ${id}`);
  return { openKfId: id.slice(0, i), externalUserId: id.slice(i + 1) };
}

/** What the resident said: a tapped menu option comes back as its id (the option's value). */
export function inboundText(msg: { msgtype?: unknown; text?: unknown }): string | null {
  if (msg.msgtype !== 'text' || !msg.text || typeof msg.text !== 'object') return null;
  const t = msg.text as { content?: unknown; menu_id?: unknown };
  if (typeof t.menu_id === 'string' && t.menu_id) return t.menu_id;
  return typeof t.content === 'string' ? t.content : null;
}

const MENU_MAX = 10;
/** WeCom limits: text 2048 bytes; a menu option's content 128 bytes, its id 128 bytes. */
function clipBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = s;
  while (Buffer.byteLength(`${out}…`) > max) out = out.slice(0, -1);
  return `${out}…`;
}

/** The kf/send_msg body part for a reply: options become a clickable menu (msgmenu). */
export function renderReply(text: string, options: ReplyOption[] | null | undefined): Record<string, unknown> {
  const usable = (options ?? []).filter((o) => Buffer.byteLength(o.value) <= 128).slice(0, MENU_MAX);
  if (!usable.length) return { msgtype: 'text', text: { content: clipBytes(text, 2048) } };
  return {
    msgtype: 'msgmenu',
    msgmenu: {
      head_content: clipBytes(text, 1024),
      list: usable.map((o) => ({ type: 'click', click: { id: o.value, content: clipBytes(o.label, 128) } })),
    },
  };
}

export function renderOutbound(reply: OutboundReply): Record<string, unknown> {
  return renderReply(reply.text, reply.options);
}
