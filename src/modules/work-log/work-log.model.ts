import { Schema, model, type InferSchemaType, Types } from 'mongoose';
import { WORK_LOG_KINDS, type WorkLogKind } from './work-log.kinds';

/**
 * One entry of an officer's 工作日志 (field work: a household visit, a patrol …). Written once
 * by its officer, from a phone that may have been offline: `key` is the idempotency key the
 * phone made when the entry was written, and (officer, key) is unique, so an entry sent twice
 * is stored once (the second insert loses and the stored entry is answered).
 */
const workLogSchema = new Schema(
  {
    officer: { type: Types.ObjectId, ref: 'Officer', required: true },
    officerName: { type: String, required: true, maxlength: 60 },
    key: { type: String, required: true, maxlength: 64 },
    room: { type: String, required: true, maxlength: 16 },
    kind: { type: String, required: true, enum: WORK_LOG_KINDS },
    /** When the work was done (may be hours before it reached the server). */
    at: { type: Date, required: true },
    /** One of the room's areas (its villages / communities / stops). */
    place: { type: String, required: true, maxlength: 100 },
    /** Households or people reached; null when not counted. */
    count: { type: Number, default: null, min: 0 },
    note: { type: String, default: '', maxlength: 500 },
    createdAt: { type: Date, required: true },
  },
  { timestamps: false },
);

workLogSchema.index({ officer: 1, key: 1 }, { unique: true });
// The month's figures and the lists: a range on `at` within rooms.
workLogSchema.index({ room: 1, at: 1 });
workLogSchema.index({ officer: 1, at: 1 });

export type WorkLogEntry = InferSchemaType<typeof workLogSchema> & { _id: Types.ObjectId; kind: WorkLogKind };
export const WorkLogModel = model('WorkLogEntry', workLogSchema);

/**
 * A photo in one slot of an entry. `_id` is `<entry id>:<slot>`: the slot can be filled once, so
 * a photo sent again (a retry after a lost answer) is not stored twice.
 */
const workLogPhotoSchema = new Schema(
  {
    _id: { type: String, required: true },
    entry: { type: Types.ObjectId, ref: 'WorkLogEntry', required: true },
    slot: { type: Number, required: true, min: 0 },
    attachment: { type: Types.ObjectId, ref: 'Attachment', required: true },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);

export type WorkLogPhoto = InferSchemaType<typeof workLogPhotoSchema>;
export const WorkLogPhotoModel = model('WorkLogPhoto', workLogPhotoSchema);

/** The monthly targets of one room type: `_id` is the type (urban, rural, joint_villages, mobile). */
const targetFields = Object.fromEntries(WORK_LOG_KINDS.map((k) => [k, { type: Number, default: null, min: 0, max: 10000 }]));
const workLogTargetSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Entries expected per room per month, by kind; null: no target for that kind. */
    targets: { type: new Schema(targetFields, { _id: false }), default: () => ({}) },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, default: null, maxlength: 40 },
  },
  { timestamps: false },
);

export type WorkLogTargets = Record<WorkLogKind, number | null>;
export type WorkLogTargetDoc = { _id: string; targets: Partial<WorkLogTargets>; updatedAt: Date; updatedBy: string | null };
export const WorkLogTargetModel = model('WorkLogTarget', workLogTargetSchema);
