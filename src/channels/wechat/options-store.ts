import { Schema, model } from 'mongoose';
import type { ReplyOption } from '../../modules/conversations';

/**
 * The quick-reply options last shown to a WeChat sender in a conversation, so a reply "2"
 * can be mapped back to the option's value. Persisted (not in memory) so it survives a bot
 * restart and works with two bot processes. Written only for that conversation + sender.
 */
const wechatOptionsSchema = new Schema(
  {
    key: { type: String, required: true, maxlength: 400 },
    options: { type: [new Schema({ label: String, value: String }, { _id: false })], default: [] },
    at: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
wechatOptionsSchema.index({ key: 1 }, { unique: true });
export const WechatOptionsModel = model('WechatOptions', wechatOptionsSchema);

/** Options older than this no longer answer to a number. */
const OPTIONS_TTL_MS = 30 * 60_000;

export function optionsKey(conversationId: string, senderId: string): string {
  return `${conversationId}:${senderId}`;
}

export async function loadOptions(key: string, now: Date): Promise<ReplyOption[] | null> {
  const doc = await WechatOptionsModel.findOne({ key }).lean<{ options: ReplyOption[]; at: Date }>();
  if (!doc || now.getTime() - doc.at.getTime() > OPTIONS_TTL_MS) return null;
  return doc.options;
}

export async function saveOptions(key: string, options: ReplyOption[] | null, now: Date): Promise<void> {
  if (!options?.length) {
    await WechatOptionsModel.deleteOne({ key });
    return;
  }
  await WechatOptionsModel.updateOne({ key }, { $set: { options, at: now } }, { upsert: true }).catch(async (err) => {
    // Two messages of one sender at once may both insert; the second becomes an update.
    if ((err as { code?: number }).code !== 11000) throw err;
    await WechatOptionsModel.updateOne({ key }, { $set: { options, at: now } });
  });
}
