/** Live events: what changed, for every instance's live pages and catch-up passes. */
export { conversationKey, createdItemIdsSince, createdItemsSince, onLocalEvent, publishChatSignal, publishLiveEvent, publishSessionEnded } from './live.service';
export { LiveHub } from './live.hub';
