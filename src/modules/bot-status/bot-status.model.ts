import { Schema, model, type InferSchemaType, Types } from 'mongoose';

export const BOT_STATES = ['starting', 'waiting_for_scan', 'logged_in', 'offline'] as const;
export type BotState = (typeof BOT_STATES)[number];

/**
 * The WeChat bot's health, written only by the bot process named `bot` (one document per
 * bot name), read by the officers' pages. A heartbeat older than 3 intervals means offline
 * whatever `state` says (the process may have died without saying so).
 */
const botStatusSchema = new Schema(
  {
    bot: { type: String, required: true, maxlength: 80 },
    state: { type: String, required: true, enum: BOT_STATES },
    qrUrl: { type: String, default: null, maxlength: 2000 },
    account: { type: String, default: null, maxlength: 200 },
    accountName: { type: String, default: null, maxlength: 80 },
    puppet: { type: String, default: null, maxlength: 80 },
    lastHeartbeatAt: { type: Date, required: true },
    stateChangedAt: { type: Date, required: true },
    lastError: { type: String, default: null, maxlength: 500 },
    heartbeatSeconds: { type: Number, default: 30 },
  },
  { timestamps: true },
);
botStatusSchema.index({ bot: 1 }, { unique: true });

export type BotStatus = InferSchemaType<typeof botStatusSchema> & { _id: Types.ObjectId };
export const BotStatusModel = model('BotStatus', botStatusSchema);
