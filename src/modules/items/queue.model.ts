import { Schema, model, Types } from 'mongoose';
import { ITEM_KINDS, ITEM_STATUSES } from './item.model';

/**
 * The open queue: one row per open item (new, claimed, waiting) with the fields the list and
 * "next" need, keyed by the item's _id. It exists for speed on FerretDB 1.24, which answers
 * only `_id` filters without scanning the whole collection and sorts in memory: scanning
 * this small collection keeps the inbox list and "next" independent of how many resolved
 * items the database holds. On MongoDB it costs one small write per change.
 *
 * The item stays the source of truth: every command reads and decides on the item itself.
 * A row is written by the winner of each item transition (same patch, same epoch), added
 * for items created elsewhere by a sync over recent _ids, and a periodic full sync repairs
 * anything else (see queue.service.ts).
 */
const queueRowSchema = new Schema(
  {
    _id: { type: Types.ObjectId, required: true },
    code: { type: String, required: true },
    room: { type: String, required: true },
    kind: { type: String, required: true, enum: ITEM_KINDS },
    status: { type: String, required: true, enum: ITEM_STATUSES },
    priority: { type: Number, required: true },
    flagged: { type: Boolean, default: false },
    summary: { type: String, required: true },
    service: { type: String, default: null },
    labels: { type: [String], default: [] },
    dueAt: { type: Date, required: true },
    assignee: { type: Types.ObjectId, default: null },
    claimEpoch: { type: Number, default: 0 },
    leaseUntil: { type: Date, default: null },
    /** Channel and group flag only: never conversation or sender ids. */
    origin: { type: new Schema({ channel: String, isGroup: Boolean }, { _id: false }), default: null },
    anonymous: { type: Boolean, default: false },
    firstResponseAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    reopenCount: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);

export const QueueRowModel = model('InboxQueueRow', queueRowSchema);
