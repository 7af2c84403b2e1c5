/**
 * The outbox: every message to a resident, a group or an officer is stored here first and
 * delivered by its channel's sender under that channel's limits (limits.ts). Other modules
 * never query its models: they read through outbox.queries.ts.
 */
export { enqueueMessage, redactMessage, releaseHeld } from './outbox.service';
export { createOutboxSender, OutboxGiveUp, OutboxHold, purgeDeliveredMessages, type OutboxSender, type OutboxSenderOptions, type SendOutcome } from './outbox.sender';
export { type OutboxMessage } from './outbox.model';
export { channelLimits, claimRateSlot, isValuable, purgeRateSlots, takeCountedSend, wechatCapReason } from './limits';
export { awaitingMessages, deliveryStates, isEnqueued, markSent, updateAwaiting, webMessagesAfter } from './outbox.queries';
