/**
 * The outbox: every message to a resident, a group or an officer is stored here first and
 * delivered by its channel's sender under that channel's limits (limits.ts).
 */
export { enqueueMessage, releaseHeld, type EnqueueProps, type OutboxChannel } from './outbox.service';
export { createOutboxSender, OutboxGiveUp, OutboxHeld, OutboxHold, type OutboxSender, type OutboxSenderOptions, type SendOutcome } from './outbox.sender';
export { type OutboxMessage } from './outbox.model';
export { channelLimits, claimRateSlot, isValuable, purgeRateSlots, type ChannelLimits } from './limits';
