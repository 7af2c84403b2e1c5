import { Schema, model, Types } from 'mongoose';

/**
 * An in-app notice for one officer (SLA escalations, the daily digest). Officers are not
 * WeChat targets by default, so this is the channel that always works; a WeChat private
 * message is sent in addition when the officer has a WeChat id bound.
 * `key` (unique) makes producing it idempotent: a job run that is resumed cannot notify twice.
 */
const officerNotificationSchema = new Schema(
  {
    key: { type: String, required: true, maxlength: 300 },
    officer: { type: Types.ObjectId, ref: 'Officer', required: true },
    kind: { type: String, required: true, enum: ['sla_officer', 'sla_supervisor', 'digest'] },
    room: { type: String, default: null },
    item: { type: Types.ObjectId, ref: 'Item', default: null },
    text: { type: String, required: true, maxlength: 4000 },
    at: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { timestamps: false },
);
officerNotificationSchema.index({ key: 1 }, { unique: true });
officerNotificationSchema.index({ officer: 1, at: -1 });
officerNotificationSchema.index({ item: 1, kind: 1 });

export const OfficerNotificationModel = model('OfficerNotification', officerNotificationSchema);
