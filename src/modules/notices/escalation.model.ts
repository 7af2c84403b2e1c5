import { Schema, model, Types } from 'mongoose';

/**
 * Marks that an overdue item was escalated to a level (1: the room's officers, 2: the
 * district's supervisors) for one due time. Inserted (unique key) only after every
 * notification of that level was made, so a run that died half-way is completed by the next
 * one, and an item is never escalated twice for the same due time. A reopened item with a new
 * due time escalates again.
 */
const escalationSchema = new Schema(
  {
    key: { type: String, required: true, maxlength: 200 },
    item: { type: Types.ObjectId, ref: 'Item', required: true },
    dueAt: { type: Date, required: true },
    level: { type: Number, required: true, enum: [1, 2] },
    room: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
escalationSchema.index({ key: 1 }, { unique: true });
escalationSchema.index({ item: 1 });

export const EscalationModel = model('ItemEscalation', escalationSchema);

export function escalationKey(item: Types.ObjectId | string, dueAt: Date, level: 1 | 2): string {
  return `${String(item)}@${dueAt.getTime()}:${level}`;
}
