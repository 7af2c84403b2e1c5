import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * The exclusivity behind every state change of an item. An item's state moves from epoch
 * e to e+1 only by inserting ItemClaim {item, epoch: e+1}; the unique index lets exactly
 * one caller win (an update is not atomic on FerretDB 1.24). The winner then `$set`s the
 * item's mirror fields (status, assignee, claimEpoch, leaseUntil …). The claim document
 * keeps the patch it applied, so a winner that crashed between the insert and the `$set`
 * can be completed by the next caller (see `transitionItem`).
 */
export const CLAIM_ACTIONS = [
  'claim',
  'takeover',
  'release',
  'transfer',
  'reply',
  'resolve',
  'reopen',
  'labels',
  'resident_message',
] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

const itemClaimSchema = new Schema(
  {
    item: { type: Types.ObjectId, ref: 'Item', required: true },
    epoch: { type: Number, required: true, min: 1 },
    action: { type: String, required: true, enum: CLAIM_ACTIONS },
    /** Who made the change (null: the resident or the system). */
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    /** The item fields this transition set. */
    patch: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { timestamps: false, minimize: false },
);

itemClaimSchema.index({ item: 1, epoch: 1 }, { unique: true });

export type ItemClaim = InferSchemaType<typeof itemClaimSchema> & { _id: Types.ObjectId };
export const ItemClaimModel = model('ItemClaim', itemClaimSchema);
