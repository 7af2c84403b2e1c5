import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * An image attached to an item's thread, or a photo of an officer's work-log entry (`workLog`
 * set, `item` null). The bytes live on disk under
 * DATA_DIR/attachments/<storedName> (a random name: nothing a resident sent becomes a path);
 * only authorised officers of the item's room can fetch them, and every fetch is audited.
 */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'audio/amr'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const attachmentSchema = new Schema(
  {
    item: { type: Types.ObjectId, ref: 'Item', default: null },
    workLog: { type: Types.ObjectId, ref: 'WorkLogEntry', default: null },
    room: { type: String, required: true },
    storedName: { type: String, required: true, match: /^[a-f0-9]{32}\.(jpg|png|webp|amr)$/ },
    mime: { type: String, required: true, enum: ATTACHMENT_TYPES },
    size: { type: Number, required: true, min: 1 },
    sha256: { type: String, required: true },
    source: { type: String, required: true, enum: ['web', 'wechat', 'officer'] },
    uploadedBy: { type: String, required: true, enum: ['resident', 'tipster', 'officer'] },
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);

attachmentSchema.index({ item: 1, at: 1 });

export type Attachment = InferSchemaType<typeof attachmentSchema> & { _id: Types.ObjectId };
export const AttachmentModel = model('Attachment', attachmentSchema);
