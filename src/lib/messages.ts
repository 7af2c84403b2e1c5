/**
 * The conversation core's own vocabulary: the one shape every channel (src/channels/*)
 * converts to and from. The core only ever sees these, so WeChat, the web chat, WeCom and
 * tests are interchangeable. Channels take them from the core's front door
 * (src/modules/conversations); they are defined here, below every module, because the outbox,
 * surveys and notices that the core calls speak them too (no cycle back into the core).
 */
import type { ChannelName } from './channel-names';

export type { ChannelName };

export interface InboundMessage {
  channel: ChannelName;
  /** Stable id of the conversation: a WeChat group id, a WeChat private chat (contact id), or a web chat id. */
  conversationId: string;
  /** Stable id of the person writing (WeChat contact id; for the web, the conversation id). */
  senderId: string;
  senderName?: string;
  text: string;
  isGroup: boolean;
  /** True when the bot was @-mentioned (or addressed by keyword) in a group. */
  mentioned: boolean;
  /** Police room the conversation is bound to (web: chosen by the resident; WeChat group: bound by an officer). */
  room: string | null;
  receivedAt: Date;
  /**
   * Web only: a keyed hash of the client's address (never the address itself). Repeated
   * emergencies from one address join one item even across conversations.
   */
  clientKey?: string;
  /**
   * Web only: the client's address is a loopback or private one (a proxy in front whose hop is
   * not trusted, a local network): many residents may stand behind it, so emergencies are not
   * joined by it.
   */
  addressShared?: boolean;
  /**
   * This message created its conversation (web chat, no id sent): nothing can be stored for it
   * yet, so the core skips reading conversation memory and pending surveys.
   */
  newConversation?: boolean;
}

export interface ReplyOption {
  label: string;
  /** What the client sends back when the option is picked (web: the text; WeChat: shown as a numbered choice). */
  value: string;
}

export interface OutboundReply {
  text: string;
  options?: ReplyOption[];
}

/** Where a message goes back to: enough to reach the resident on the channel they used. */
export interface ReplyAddress {
  channel: ChannelName;
  conversationId: string;
  isGroup: boolean;
  /** In a group, the contact to @-mention. */
  mentionId?: string;
  /** WeChat account (bot) that owns the conversation, when several bots run. */
  account?: string;
}
