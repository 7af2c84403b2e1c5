import { CHANNEL_NAMES } from '../../lib/channel-names';
import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * The persisted outbox: every message the product sends to a resident or a group is a
 * document here first, then delivered by the channel's sender (the WeChat bot process, or
 * the web chat when the page fetches it).
 *
 * - `key` is a unique idempotency key chosen by the producer (e.g. `reply:<itemMessageId>`,
 *   `job:talkday:<run>:<group>`): enqueuing the same message twice stores it once.
 * - A send attempt is claimed by inserting an OutboxSend {message, attempt} (unique), so no
 *   message is ever handed to WeChat by two senders at once. A crash between handing a
 *   message to WeChat and recording `sent` can repeat that one message once; the sender logs it.
 */
/**
 * held: the channel's rules forbid sending now (e.g. the 48-hour customer-service window is
 * closed); `lastError` says why in plain Chinese and the message waits, without retries, until
 * the resident writes again (releaseHeld). awaiting: handed over, waiting for a person to confirm
 * it (a WeCom group-send task the group owner has to tap), `externalId` names it there.
 */
export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed', 'held', 'awaiting'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

const optionSchema = new Schema({ label: { type: String, required: true }, value: { type: String, required: true } }, { _id: false });

const outboxSchema = new Schema(
  {
    key: { type: String, required: true },
    channel: { type: String, required: true, enum: [...CHANNEL_NAMES, 'sms'] },
    /** WeChat bot account that must send it (null: any bot). */
    account: { type: String, default: null },
    conversationId: { type: String, required: true },
    isGroup: { type: Boolean, default: false },
    /** In a group: the contact to @-mention. */
    mentionId: { type: String, default: null },
    text: { type: String, required: true, maxlength: 8000 },
    options: { type: [optionSchema], default: [] },
    /** SMS: the template parameters (the provider sends a template id and these, `text` is what the resident reads). */
    params: { type: Schema.Types.Mixed, default: null },
    /** Not after this time: a message still unsent then is given up (a verification code that has expired). */
    notAfter: { type: Date, default: null },
    /** Why it is sent: reply, notice, reminder, survey … (for reports and the jobs page). */
    purpose: { type: String, default: 'reply', maxlength: 40 },
    /** Urgent messages ignore quiet hours. */
    urgent: { type: Boolean, default: false },
    status: { type: String, required: true, enum: OUTBOX_STATUSES, default: 'queued' },
    attempts: { type: Number, default: 0 },
    /** Claims that ended in a hold (quiet hours, a daily cap): they do not count as failed attempts. */
    holds: { type: Number, default: 0 },
    /** Not before this time (quiet hours, scheduled broadcasts, retry backoff). */
    nextAttemptAt: { type: Date, required: true, default: () => new Date() },
    lastError: { type: String, default: null, maxlength: 500 },
    sentAt: { type: Date, default: null },
    /** The id the outside service gave it (a WeCom group-send task's msgid). */
    externalId: { type: String, default: null, maxlength: 200 },
    /** When it was handed over and began `awaiting` a person's confirmation. */
    handedOverAt: { type: Date, default: null },
    /** Links back to what produced it. */
    item: { type: Types.ObjectId, ref: 'Item', default: null },
    source: { type: String, default: null, maxlength: 120 },
  },
  { timestamps: true },
);

outboxSchema.index({ key: 1 }, { unique: true });
outboxSchema.index({ channel: 1, status: 1, nextAttemptAt: 1 });
outboxSchema.index({ conversationId: 1, createdAt: 1 });

export type OutboxMessage = InferSchemaType<typeof outboxSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const OutboxModel = model('OutboxMessage', outboxSchema);

const outboxSendSchema = new Schema(
  {
    message: { type: Types.ObjectId, ref: 'OutboxMessage', required: true },
    attempt: { type: Number, required: true },
    sender: { type: String, required: true },
    claimedAt: { type: Date, required: true, default: () => new Date() },
  },
  { timestamps: false },
);
outboxSendSchema.index({ message: 1, attempt: 1 }, { unique: true });

export const OutboxSendModel = model('OutboxSend', outboxSendSchema);

/**
 * The open outbox: one row per message a sender still has to deliver (queued, or sending),
 * keyed by the message's `_id`. It exists for speed on FerretDB 1.24, which scans a whole
 * collection for any filter but `_id`: the sender polls every second, and the outbox keeps
 * every message ever sent. Scanning this small collection keeps a poll independent of that
 * history. Web chat messages have no row (the page fetches them).
 *
 * The message stays the source of truth and the OutboxSend claim stays the exclusive step; a
 * row is only a hint. The producer writes it, the claim winner updates or deletes it, and
 * the sender's repair pass (the old query over the outbox, once a minute) re-adds any lost row.
 */
const outboxOpenSchema = new Schema(
  {
    _id: { type: Types.ObjectId, required: true },
    channel: { type: String, required: true },
    account: { type: String, default: null },
    urgent: { type: Boolean, default: false },
    status: { type: String, required: true, enum: ['queued', 'sending'] },
    nextAttemptAt: { type: Date, required: true },
    /** When the row last changed (a row left in `sending` this long ago is retried). */
    updatedAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);

export type OutboxOpenRow = InferSchemaType<typeof outboxOpenSchema> & { _id: Types.ObjectId };
export const OutboxOpenModel = model('OutboxOpen', outboxOpenSchema);

/** The open row of a message (what the sender polls). */
export function openRowOf(m: Pick<OutboxMessage, '_id' | 'channel' | 'account' | 'urgent' | 'nextAttemptAt'>, status: 'queued' | 'sending', at: Date) {
  return { _id: m._id, channel: m.channel, account: m.account ?? null, urgent: m.urgent ?? false, status, nextAttemptAt: m.nextAttemptAt, updatedAt: at };
}
