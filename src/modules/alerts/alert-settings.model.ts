import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Per room, where officers' alerts go besides WeCom app messages: the webhook key of the
 * room's internal WeCom group robot (群机器人). The key is a credential (whoever has it can post
 * to the group): it never leaves the server; admins see only whether one is set.
 */
const roomAlertSettingsSchema = new Schema(
  {
    /** The room code. */
    _id: { type: String, required: true },
    /** Sealed with SECRETS_KEY (AES-256-GCM, src/lib/secret-box.ts); a plain older value is sealed on the next read. */
    robotKey: { type: String, default: null, maxlength: 300 },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export type RoomAlertSettings = InferSchemaType<typeof roomAlertSettingsSchema> & { _id: string };
export const RoomAlertSettingsModel = model('RoomAlertSettings', roomAlertSettingsSchema);

/**
 * AlertWatchMark {_id: 'watcher'}: when an instance last finished an alert pass. Every running
 * instance moves it forward every pass; an instance that starts and finds it older than the
 * look-back knows no instance was watching in between, and catches the items of that gap up.
 */
const alertWatchMarkSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
export type AlertWatchMark = InferSchemaType<typeof alertWatchMarkSchema> & { _id: string };
export const AlertWatchMarkModel = model('AlertWatchMark', alertWatchMarkSchema);
