import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * WeChat group ↔ police room. A group answers only once bound (by an officer whose WeChat id
 * is on their account, or with a one-time code from the admin API). One binding per group
 * (unique groupId); rebinding replaces the room.
 */
const groupBindingSchema = new Schema(
  {
    groupId: { type: String, required: true, maxlength: 200 },
    room: { type: String, required: true, uppercase: true },
    topic: { type: String, default: '', maxlength: 120 },
    /** The bot account that saw the binding (several bots may serve one district). */
    account: { type: String, default: null },
    boundVia: { type: String, required: true, enum: ['officer', 'code'] },
    boundByOfficer: { type: Types.ObjectId, ref: 'Officer', default: null },
    boundAt: { type: Date, required: true },
  },
  { timestamps: true },
);
groupBindingSchema.index({ groupId: 1 }, { unique: true });
groupBindingSchema.index({ room: 1 });

export type GroupBinding = InferSchemaType<typeof groupBindingSchema> & { _id: Types.ObjectId };
export const GroupBindingModel = model('GroupBinding', groupBindingSchema);

/** A one-time binding code; using it is the insert of a BindCodeUse (unique code), so it works once. */
const bindCodeSchema = new Schema(
  {
    code: { type: String, required: true },
    room: { type: String, required: true, uppercase: true },
    createdBy: { type: Types.ObjectId, ref: 'Officer', default: null },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);
bindCodeSchema.index({ code: 1 }, { unique: true });
export type BindCode = InferSchemaType<typeof bindCodeSchema> & { _id: Types.ObjectId; createdAt: Date };
export const BindCodeModel = model('BindCode', bindCodeSchema);

const bindCodeUseSchema = new Schema(
  {
    code: { type: String, required: true },
    groupId: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
bindCodeUseSchema.index({ code: 1 }, { unique: true });
export const BindCodeUseModel = model('BindCodeUse', bindCodeUseSchema);
