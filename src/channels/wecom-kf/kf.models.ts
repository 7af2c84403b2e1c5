import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * What makes each customer-service message handled exactly once, across restarts and instances:
 * - WecomKfMessage {_id: msgid}: inserting it is claiming the message (a duplicate callback, a
 *   page pulled twice or a second instance's pull all hit the unique _id). It is inserted before
 *   the cursor moves on and marked `handled` only after the replies are in the outbox, so a
 *   process that dies in between leaves it `received` for the recovery pass.
 * - WecomKfHandle {_id: "<msgid>#<attempt>"}: the recovery pass claims attempt n+1 by insert.
 * - WecomKfCursor {_id: open_kfid}: where sync_msg goes on, and the latest event token. A stale
 *   write only makes the next pull return messages already claimed.
 * - WecomKfWindow {_id: conversation}: when the resident last wrote (the 48-hour window).
 * The sends of a window are the outbox's rate slots (src/modules/outbox/limits.ts).
 */
const messageSchema = new Schema(
  {
    _id: { type: String, required: true },
    openKfId: { type: String, required: true },
    externalUserId: { type: String, default: null },
    origin: { type: Number, required: true },
    msgtype: { type: String, required: true },
    sendTime: { type: Date, required: true },
    /** The message as WeCom gave it (text, media ids, event); kept so a recovery can handle it again. */
    payload: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true, enum: ['received', 'handled'], default: 'received' },
    attempt: { type: Number, default: 1 },
    route: { type: String, default: null },
    receivedAt: { type: Date, required: true },
    handledAt: { type: Date, default: null },
  },
  { timestamps: false, versionKey: false },
);
messageSchema.index({ status: 1, receivedAt: 1 });
export type WecomKfMessage = InferSchemaType<typeof messageSchema> & { _id: string };
export const WecomKfMessageModel = model('WecomKfMessage', messageSchema);

const handleSchema = new Schema({ _id: { type: String, required: true }, by: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
export const WecomKfHandleModel = model('WecomKfHandle', handleSchema);

const cursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    cursor: { type: String, default: null },
    eventToken: { type: String, default: null },
    eventTokenAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export type WecomKfCursor = InferSchemaType<typeof cursorSchema> & { _id: string };
export const WecomKfCursorModel = model('WecomKfCursor', cursorSchema);

const windowSchema = new Schema({ _id: { type: String, required: true }, lastResidentAt: { type: Date, required: true } }, { versionKey: false });
export type WecomKfWindow = InferSchemaType<typeof windowSchema> & { _id: string };
export const WecomKfWindowModel = model('WecomKfWindow', windowSchema);

/**
 * WecomKfContactLink {_id: room code}: the room's own customer-service link (kf/add_contact_way
 * with `scene` = the room code), so a resident who opens it lands in that room.
 */
const contactLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    openKfId: { type: String, required: true },
    scene: { type: String, required: true },
    url: { type: String, required: true, maxlength: 500 },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export type WecomKfContactLink = InferSchemaType<typeof contactLinkSchema> & { _id: string };
export const WecomKfContactLinkModel = model('WecomKfContactLink', contactLinkSchema);

/** A room's stored customer-service link (null when none was made for it). */
export async function roomContactLink(room: string): Promise<WecomKfContactLink | null> {
  return WecomKfContactLinkModel.findById(room).lean<WecomKfContactLink>();
}

/** Every room's stored customer-service link. */
export async function kfContactLinks(): Promise<WecomKfContactLink[]> {
  return WecomKfContactLinkModel.find({}).lean<WecomKfContactLink[]>();
}

/**
 * WecomKfParkedVoice {_id: msgid}: a voice message from a resident who has not picked a room yet
 * (no contact-link scene, no item): the recording waits here, not on any room's item, until the
 * resident picks their room; then it joins their item in that room and is deleted from here.
 * Read by `conversation` only at that moment (once per resident), never per message.
 */
const parkedVoiceSchema = new Schema(
  {
    _id: { type: String, required: true },
    conversation: { type: String, required: true },
    externalUserId: { type: String, required: true },
    data: { type: Buffer, required: true },
    /** Its transcription, if a model gave one. */
    text: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
parkedVoiceSchema.index({ conversation: 1, at: 1 });
export const WecomKfParkedVoiceModel = model('WecomKfParkedVoice', parkedVoiceSchema);

/** Deletes recordings parked before `before` (their resident never picked a room); returns how many. */
export async function purgeParkedVoices(before: Date): Promise<number> {
  const res = await WecomKfParkedVoiceModel.deleteMany({ at: { $lt: before } });
  return res.deletedCount ?? 0;
}
