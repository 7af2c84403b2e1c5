import { Schema, model } from 'mongoose';

/**
 * An officer's version of a message template: for one room (scope = room code) or for the
 * whole service (scope '*', admins). Written whole by PUT: an edit is one person's deliberate
 * act, so last-writer-wins is the right rule here (nothing exclusive is decided by it).
 */
const templateSchema = new Schema(
  {
    key: { type: String, required: true, maxlength: 60 },
    scope: { type: String, required: true, maxlength: 16 },
    text: { type: String, required: true, maxlength: 2000 },
    updatedBy: { type: String, default: null, maxlength: 40 },
  },
  { timestamps: true },
);
templateSchema.index({ key: 1, scope: 1 }, { unique: true });

export const TemplateModel = model('MessageTemplate', templateSchema);
