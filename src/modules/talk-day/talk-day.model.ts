import { Schema, model, type InferSchemaType } from 'mongoose';
import { TALK_DAY_RULES } from './talk-day.rules';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** One month's details, when they differ from the room's usual ones (or the month is cancelled). */
const monthSchema = new Schema(
  {
    month: { type: String, required: true, match: /^\d{4}-(0[1-9]|1[0-2])$/ },
    place: { type: String, maxlength: 200, default: null },
    startTime: { type: String, match: HHMM, default: null },
    endTime: { type: String, match: HHMM, default: null },
    topic: { type: String, maxlength: 200, default: null },
    cancelled: { type: Boolean, default: false },
  },
  { _id: false },
);

/**
 * A room's monthly talk day / open day (每月18日). Rooms without a document hold none (no
 * announcement goes out until an officer has set place, time and topic). Written whole by
 * PUT by the room's officers: one person's edit, last writer wins.
 */
const talkDaySettingsSchema = new Schema(
  {
    room: { type: String, required: true, uppercase: true },
    enabled: { type: Boolean, default: true },
    place: { type: String, required: true, maxlength: 200 },
    startTime: { type: String, required: true, match: HHMM },
    endTime: { type: String, match: HHMM, default: null },
    topic: { type: String, required: true, maxlength: 200 },
    rule: { type: String, required: true, enum: TALK_DAY_RULES, default: 'next_working_day' },
    daysBefore: { type: Number, required: true, min: 0, max: 14, default: 3 },
    months: { type: [monthSchema], default: [] },
    updatedBy: { type: String, default: null },
  },
  { timestamps: true },
);
talkDaySettingsSchema.index({ room: 1 }, { unique: true });

export type TalkDaySettings = InferSchemaType<typeof talkDaySettingsSchema> & { createdAt: Date; updatedAt: Date };
export const TalkDaySettingsModel = model('TalkDaySettings', talkDaySettingsSchema);
