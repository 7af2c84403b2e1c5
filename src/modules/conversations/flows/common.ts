import type { ChannelName, InboundMessage } from '../messages';

/** Words that abandon a flow in any step. */
export const CANCEL_WORDS = /^(取消|算了|不用了|不办了|不说了|退出|结束|返回|返回菜单|菜单)$/;
/** Thanks, and messages that ask something new: a flow waiting for a code or more details lets them through. */
export const THANKS_WORDS = /^(谢谢|多谢|感谢|谢了|谢啦|辛苦了?|好的?谢谢|好的|好|ok|OK|嗯|收到|知道了)[!！。.~～]*$/;
export const NEW_QUESTION = /[?？]|吗$|么$|怎么|咋|如何|哪里|哪儿|在哪|多少|几点|什么时候|能不能|可不可以|需要|要带/;
export const SKIP_WORDS = /^(跳过|没有|无|不知道|不清楚|略)$/;

/** The origin stored on an item: where an officer's reply goes back to. */
export function originOf(msg: InboundMessage): { channel: ChannelName; conversationId: string; senderId: string; senderName?: string; isGroup: boolean } {
  return {
    channel: msg.channel,
    conversationId: msg.conversationId,
    senderId: msg.senderId,
    senderName: msg.senderName?.slice(0, 60),
    isGroup: msg.isGroup,
  };
}

/** Removes the words that only say what the message is ("我要举报", "投诉一下") to see whether details remain. */
export function detailsOf(text: string, leadWords: RegExp): string {
  return text.replace(leadWords, '').replace(/^[\s,，.。:：!！、]+/, '').trim();
}

export function slaMinutes(sla: Record<string, number>, kind: string, fallback: number): number {
  return sla[kind] ?? fallback;
}
