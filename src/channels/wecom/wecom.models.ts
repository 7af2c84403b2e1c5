import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * What the WeCom roads keep in the database (shared by every instance):
 * - WecomToken: the access token of each secret (keyed by a hash of corp id + secret), so
 *   instances share one token instead of each fetching its own.
 * - WecomCall: every API call's errcode with what it was for (insert-only; pruned by age).
 * - WecomRoadState: per road, what an admin needs to see (token fresh, callback verified,
 *   last event, last error). Plain `$set`s of facts: the last writer wins, which is what a
 *   "last seen" field means.
 */
const tokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    fetchedAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
export type WecomTokenDoc = InferSchemaType<typeof tokenSchema> & { _id: string };
export const WecomTokenModel = model('WecomToken', tokenSchema);

const callSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** kf | app | contact | robot */
    secret: { type: String, required: true },
    api: { type: String, required: true, maxlength: 80 },
    purpose: { type: String, required: true, maxlength: 80 },
    errcode: { type: Number, required: true },
    errmsg: { type: String, default: null, maxlength: 300 },
    attempt: { type: Number, default: 1 },
    ms: { type: Number, default: 0 },
  },
  { timestamps: false, versionKey: false },
);
callSchema.index({ at: -1 });
export type WecomCall = InferSchemaType<typeof callSchema>;
export const WecomCallModel = model('WecomCall', callSchema);

const roadStateSchema = new Schema(
  {
    /** kf | groups | alerts */
    _id: { type: String, required: true },
    tokenFetchedAt: { type: Date, default: null },
    tokenExpiresAt: { type: Date, default: null },
    callbackVerifiedAt: { type: Date, default: null },
    lastEventAt: { type: Date, default: null },
    lastCallAt: { type: Date, default: null },
    lastErrorAt: { type: Date, default: null },
    lastError: { type: String, default: null, maxlength: 300 },
  },
  { timestamps: false, versionKey: false },
);
export type WecomRoadStateDoc = InferSchemaType<typeof roadStateSchema> & { _id: string };
export const WecomRoadStateModel = model('WecomRoadState', roadStateSchema);

/** Records a fact about a road; never fails the caller (the state is for display). */
export async function noteRoad(road: string, set: Partial<Omit<WecomRoadStateDoc, '_id'>>): Promise<void> {
  await WecomRoadStateModel.updateOne({ _id: road }, { $set: set }, { upsert: true }).catch(() => undefined);
}
