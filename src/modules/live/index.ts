/** Live events: what changed, for every instance's live pages and catch-up passes. */
export { onLocalEvent, publishLiveEvent, publishChatSignal, publishSessionEnded, conversationKey } from './live.service';
export { createdItemsSince } from './live.service';
export type { LiveEvent, LiveEventType } from './live-event.model';
