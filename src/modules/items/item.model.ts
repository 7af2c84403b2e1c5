import { CHANNEL_NAMES } from '../../lib/channel-names';
import { Schema, model, type InferSchemaType, Types } from 'mongoose';
import { SERVICE_KEYS } from '../../lib/service-catalog';

/**
 * An item is a piece of work for the room's officers: an escalated question, a tip, a
 * dispute, a complaint, a flagged emergency, or a supervisor follow-up.
 *
 * Concurrency: fields here are only ever `$set` as a whole by the one actor that holds the
 * item (see item claims in the inbox module). The thread lives in its own insert-only
 * collection (ItemMessage) because `$push` on FerretDB 1.24 is a read-then-write that
 * loses entries under concurrency; thread.ts numbers its messages (`_id` "item:n").
 */
export const ITEM_KINDS = ['question', 'tip', 'dispute', 'complaint', 'emergency', 'followup'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_KIND_LABELS: Record<ItemKind, string> = {
  question: '咨询',
  tip: '线索举报',
  dispute: '矛盾纠纷',
  complaint: '投诉',
  emergency: '紧急警情',
  followup: '回访跟进',
};

export const ITEM_STATUSES = ['new', 'claimed', 'waiting', 'resolved', 'closed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
/** Statuses of an item still in the officers' queue. */
export const OPEN_STATUSES = ['new', 'claimed', 'waiting'] as const;

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  new: '待处理',
  claimed: '处理中',
  waiting: '等待群众回复',
  resolved: '已办结',
  closed: '已关闭',
};

/** Default priority per kind (higher first in the queue). */
export const DEFAULT_PRIORITY: Record<ItemKind, number> = {
  emergency: 3,
  tip: 2,
  complaint: 2,
  followup: 2,
  dispute: 1,
  question: 0,
};

const originSchema = new Schema(
  {
    channel: { type: String, enum: CHANNEL_NAMES, required: true },
    conversationId: { type: String, required: true },
    senderId: { type: String },
    senderName: { type: String, maxlength: 60 },
    isGroup: { type: Boolean, default: false },
    account: { type: String },
  },
  { _id: false },
);

const itemSchema = new Schema(
  {
    code: { type: String, required: true },
    room: { type: String, required: true, uppercase: true },
    kind: { type: String, required: true, enum: ITEM_KINDS },
    status: { type: String, required: true, enum: ITEM_STATUSES, default: 'new' },
    priority: { type: Number, required: true, default: 0 },
    flagged: { type: Boolean, default: false },
    /** One line for the queue list. Never contains raw personal numbers (masked on write). */
    summary: { type: String, required: true, maxlength: 200 },
    service: { type: String, enum: [...SERVICE_KEYS, null], default: null },
    labels: { type: [String], default: [] },
    dueAt: { type: Date, required: true },
    assignee: { type: Types.ObjectId, ref: 'Officer', default: null },
    /** Claims are documents in ItemClaim keyed by {item, epoch}; this mirrors the current one for queries. */
    claimEpoch: { type: Number, default: 0 },
    leaseUntil: { type: Date, default: null },
    /** Where the resident wrote from; absent for anonymous tips (no identity is stored with them). */
    origin: { type: originSchema, default: null },
    anonymous: { type: Boolean, default: false },
    /** Contact details a resident chose to give (tips with contact, bookings). Sensitive: select explicitly. */
    contact: {
      type: new Schema({ name: { type: String, maxlength: 40 }, phone: { type: String, maxlength: 20 } }, { _id: false }),
      default: null,
      select: false,
    },
    /** Hash of the anonymous tipster's secret (scrypt/argon2); the secret itself is never stored. */
    secretHash: { type: String, select: false },
    /** Links a follow-up (e.g. an unhappy rating) to what it follows. */
    parentItem: { type: Types.ObjectId, ref: 'Item', default: null },
    firstResponseAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    reopenCount: { type: Number, default: 0 },
    lastActivityAt: { type: Date, required: true, default: () => new Date() },
  },
  { timestamps: true },
);

itemSchema.index({ code: 1 }, { unique: true });
itemSchema.index({ room: 1, status: 1, priority: -1, createdAt: 1 });
itemSchema.index({ status: 1, dueAt: 1 });
itemSchema.index({ 'origin.conversationId': 1, status: 1 });
itemSchema.index({ room: 1, createdAt: 1 });

export type Item = InferSchemaType<typeof itemSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const ItemModel = model('Item', itemSchema);

/** One entry of an item's thread: insert-only. */
export const ITEM_MESSAGE_AUTHORS = ['resident', 'officer', 'system'] as const;
export const ITEM_MESSAGE_KINDS = ['message', 'reply', 'note', 'event'] as const;

const itemMessageSchema = new Schema(
  {
    /** "<item id>:<seq>", written only by appendMessage() in thread.ts. */
    _id: { type: String, required: true },
    /** Position in the thread, from 1. */
    seq: { type: Number, required: true },
    item: { type: Types.ObjectId, ref: 'Item', required: true },
    author: { type: String, required: true, enum: ITEM_MESSAGE_AUTHORS },
    /** message: from the resident; reply: officer → resident; note: internal, never sent; event: status change. */
    kind: { type: String, required: true, enum: ITEM_MESSAGE_KINDS },
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    text: { type: String, required: true, maxlength: 4000 },
    attachments: { type: [String], default: [] },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { timestamps: false },
);

itemMessageSchema.index({ item: 1, at: 1 });

export type ItemMessage = InferSchemaType<typeof itemMessageSchema> & { _id: string };
export const ItemMessageModel = model('ItemMessage', itemMessageSchema);
