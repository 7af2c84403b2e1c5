import { Schema, model, type InferSchemaType, Types } from 'mongoose';

export const BROADCAST_KINDS = ['police_notice', 'prevention_tip'] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];
export const BROADCAST_KIND_LABELS: Record<BroadcastKind, string> = { police_notice: '警情通报', prevention_tip: '防范提示' };

const targetSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    room: { type: String, required: true },
    topic: { type: String, default: null },
    account: { type: String, default: null },
  },
  { _id: false },
);

/**
 * An officer's notice to selected bound groups (警情通报 / 防范提示), sent now or at `sendAt`.
 * The text is rendered when composed, so what the officer previewed is what goes out. It is
 * sent by the scheduler's broadcast job (run key `broadcast:<id>`); delivery per group is read
 * from the outbox by key.
 */
const broadcastSchema = new Schema(
  {
    room: { type: String, required: true, uppercase: true },
    kind: { type: String, required: true, enum: BROADCAST_KINDS },
    title: { type: String, required: true, maxlength: 60 },
    body: { type: String, required: true, maxlength: 1500 },
    text: { type: String, required: true, maxlength: 2000 },
    targets: { type: [targetSchema], default: [] },
    urgent: { type: Boolean, default: false },
    sendAt: { type: Date, required: true },
    createdBy: { type: String, default: null },
    createdByName: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
  },
  { timestamps: true },
);
broadcastSchema.index({ sendAt: 1 });
broadcastSchema.index({ room: 1, createdAt: -1 });

export type Broadcast = InferSchemaType<typeof broadcastSchema> & { _id: Types.ObjectId; createdAt: Date };
export const BroadcastModel = model('Broadcast', broadcastSchema);
