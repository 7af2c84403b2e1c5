/**
 * WeChat ⇄ core conversions that do not need wechaty (pure, tested on their own):
 * whether a group message addresses the bot and what it says without the mention, and how
 * quick-reply options become numbered choices (the number comes back as the option's value).
 */
import type { OutboundReply, ReplyOption } from '../../modules/conversations';

export interface AddressCheck {
  addressed: boolean;
  /** The text with the mention or keyword removed. */
  text: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Group rules: the bot is addressed when the puppet says it was mentioned, when its display
 * name appears as "@name" in the text (web-protocol puppets do not show the mention marker),
 * or when the text starts with the configured keyword (e.g. "警务室 身份证怎么补").
 */
export function groupAddress(input: { text: string; mentionSelf: boolean; mentionText?: string | null; botNames: string[]; keyword: string }): AddressCheck {
  const raw = input.text.trim();
  const names = [...new Set(input.botNames.filter(Boolean))];
  let text = raw;
  let addressed = input.mentionSelf;
  for (const name of names) {
    // "@警务室小助手 " with a normal or the special WeChat mention space (U+2005).
    const re = new RegExp(`@${escapeRe(name)}[\\s\\u2005]*`, 'g');
    if (re.test(text)) {
      addressed = true;
      text = text.replace(re, ' ');
    }
  }
  if (input.mentionSelf && input.mentionText !== undefined && input.mentionText !== null && text === raw) text = input.mentionText;
  text = text.replace(/\s+/g, ' ').trim();
  if (!addressed && input.keyword && text.startsWith(input.keyword)) {
    addressed = true;
    const rest = text.slice(input.keyword.length).replace(/^[\s,，:：]+/, '').trim();
    // "警务室几点开门" is a question about the room: keep the word when little else is left.
    text = rest.length >= 2 ? rest : text;
  }
  return { addressed, text };
}

/** Renders replies for WeChat: options become "回复数字：1. … 2. …". */
export function renderForWechat(reply: OutboundReply): string {
  if (!reply.options?.length) return reply.text;
  const lines = reply.options.map((o, i) => `${i + 1}. ${o.label}`);
  return `${reply.text}\n${lines.join('\n')}\n（回复数字即可选择）`;
}

/** When the resident answers with a bare number, the value of that option; otherwise null. */
export function pickOption(text: string, options: ReplyOption[] | null | undefined): string | null {
  if (!options?.length) return null;
  const m = /^\s*(\d{1,2})\s*[.。、]?\s*$/.exec(text.normalize('NFKC'));
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= options.length ? options[n - 1].value : null;
}

/** The options of the last reply that had any (what a number refers to). */
export function lastOptions(replies: OutboundReply[]): ReplyOption[] | null {
  for (let i = replies.length - 1; i >= 0; i--) if (replies[i].options?.length) return replies[i].options!;
  return null;
}
