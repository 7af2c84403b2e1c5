/** The conversation core's vocabulary (defined in src/lib/messages.ts so the modules the core calls can speak it without a cycle). */
export type { ChannelName, InboundMessage, OutboundReply, ReplyAddress, ReplyOption } from '../../lib/messages';
