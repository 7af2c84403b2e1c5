import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/** Canned replies (常用回复) per room, managed by the room's officers, supervisors and admins. */
const cannedReplySchema = new Schema(
  {
    room: { type: String, required: true, uppercase: true },
    title: { type: String, required: true, trim: true, maxlength: 40 },
    text: { type: String, required: true, maxlength: 2000 },
    createdBy: { type: Types.ObjectId, ref: 'Officer', default: null },
  },
  { timestamps: true },
);

cannedReplySchema.index({ room: 1, title: 1 });

export type CannedReply = InferSchemaType<typeof cannedReplySchema> & { _id: Types.ObjectId };
export const CannedReplyModel = model('CannedReply', cannedReplySchema);
