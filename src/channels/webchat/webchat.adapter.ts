import type { InboundMessage } from '../../modules/conversations';

/** A web chat message as the core sees it: the conversation is the resident (no other identity). */
export function toInbound(props: {
  conversationId: string;
  room: string;
  text: string;
  now: Date;
  newConversation?: boolean;
  clientKey?: string;
  addressShared?: boolean;
}): InboundMessage {
  return {
    channel: 'web',
    conversationId: props.conversationId,
    senderId: props.conversationId,
    text: props.text,
    isGroup: false,
    mentioned: true,
    room: props.room,
    receivedAt: props.now,
    newConversation: props.newConversation ?? false,
    clientKey: props.clientKey,
    addressShared: props.addressShared ?? false,
  };
}
