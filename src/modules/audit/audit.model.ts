import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * 操作日志 (the audit log): who did or saw what, when. Insert-only (never updated, never deleted by the
 * application). Views of tips, every state change of an item, attachment downloads and
 * refused accesses are recorded here.
 */
const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** The officer; null for residents/tipsters and the system. */
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    officerName: { type: String, default: null, maxlength: 60 },
    officerUsername: { type: String, default: null, maxlength: 40 },
    /** Who acted when it was not an officer: 'tipster', 'resident', 'system'. */
    actorKind: { type: String, required: true, enum: ['officer', 'volunteer', 'tipster', 'resident', 'system'] },
    action: { type: String, required: true, maxlength: 60 },
    item: { type: Types.ObjectId, ref: 'Item', default: null },
    itemCode: { type: String, default: null, maxlength: 16 },
    /** Codes of the tips shown in a list view. */
    itemCodes: { type: [String], default: [] },
    room: { type: String, default: null, maxlength: 16 },
    /** Short, human-readable; never resident text or personal data. */
    detail: { type: String, default: null, maxlength: 300 },
  },
  { timestamps: false },
);

auditSchema.index({ at: -1 });
auditSchema.index({ item: 1, at: 1 });
auditSchema.index({ room: 1, at: -1 });

export type AuditEntry = InferSchemaType<typeof auditSchema> & { _id: Types.ObjectId };
export const AuditModel = model('AuditEntry', auditSchema);
