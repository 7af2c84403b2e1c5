/**
 * The conversation core: one inbound message (from any channel) in, replies and effects out.
 * Channels and entry points use it through this file only.
 */
export type { InboundMessage, OutboundReply, ReplyOption } from './messages';
export { createConversationCore, type ConversationCore, type ConversationCoreOverrides } from './core';

// The one decision path (the core acts on it; `npm run triage` reports it).
export { decide } from './decide';
export type { Knowledge } from './knowledge';
export { findWebConversation, openWebConversation, readFeed } from './chat.service';
export { presentFeedMessage, presentReply } from './chat.presenter';
// For channels that keep per-resident state of their own (WeCom customer service: the room from a contact link's scene).
export { greetingReply } from './replies';
export { loadMemory, saveMemory, stateKey } from './state.service';
export { countWebConversations } from './chat.service';
export { purgeEmergencyWindows } from './emergency-window';
export { previewUnderstanding } from './preview';
export { purgeIdleConversationStates } from './state.service';
