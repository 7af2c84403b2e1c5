import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * WeCom customer groups (客户群): residents from ordinary WeChat in a group owned by an officer's
 * WeCom account. Found with externalcontact/groupchat/list, bound to a room by an admin; the
 * room's announcements reach them as group-send tasks the owner confirms. `_id` is the chat_id.
 * CustomerGroupPost {_id: "<chat_id>:<yyyy-MM>:<n>"}: post n of the month, taken by insert
 * (WeCom allows as many posts a month as the month has days).
 */
const customerGroupSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, maxlength: 64 },
    name: { type: String, default: null, maxlength: 100 },
    room: { type: String, default: null, uppercase: true },
    syncedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
customerGroupSchema.index({ room: 1 });
export type CustomerGroup = InferSchemaType<typeof customerGroupSchema> & { _id: string };
export const CustomerGroupModel = model('CustomerGroup', customerGroupSchema);

const postSchema = new Schema({ _id: { type: String, required: true }, message: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
export const CustomerGroupPostModel = model('CustomerGroupPost', postSchema);

const remindSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
/** One reminder per group-send task (`_id` = the task's msgid). */
export const CustomerGroupRemindModel = model('CustomerGroupRemind', remindSchema);
