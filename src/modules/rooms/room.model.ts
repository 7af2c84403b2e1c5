import { Schema, model, type InferSchemaType } from 'mongoose';

export const ROOM_TYPES = ['urban', 'rural', 'joint_villages', 'mobile'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

export const ROOM_TYPE_LABELS: Record<RoomType, string> = {
  urban: '城市社区警务室',
  rural: '农村警务室',
  joint_villages: '联村警务室',
  mobile: '流动警务室',
};

/** One opening period of a weekday. weekday: 1 = Monday … 7 = Sunday (ISO), times 'HH:mm' in APP_TIMEZONE. */
const openingPeriodSchema = new Schema(
  {
    weekday: { type: Number, required: true, min: 1, max: 7 },
    open: { type: String, required: true, match: /^\d{2}:\d{2}$/ },
    close: { type: String, required: true, match: /^\d{2}:\d{2}$/ },
    breakStart: { type: String, match: /^\d{2}:\d{2}$/ },
    breakEnd: { type: String, match: /^\d{2}:\d{2}$/ },
  },
  { _id: false },
);

const roomSchema = new Schema(
  {
    code: { type: String, required: true, uppercase: true, trim: true, match: /^[A-Z0-9]{2,16}$/ },
    name: { type: String, required: true, trim: true, maxlength: 60 },
    type: { type: String, required: true, enum: ROOM_TYPES },
    district: { type: String, required: true, trim: true, maxlength: 32 },
    districtName: { type: String, required: true, trim: true, maxlength: 60 },
    address: { type: String, required: true, trim: true, maxlength: 200 },
    phone: { type: String, required: true, trim: true, maxlength: 40 },
    /** Villages or communities served (joint-villages rooms serve several). */
    areas: { type: [String], default: [] },
    /** Opening hours as shown to residents, e.g. "周一至周五 8:30–12:00，14:00–17:30". */
    hoursText: { type: String, required: true, maxlength: 200 },
    openingHours: { type: [openingPeriodSchema], default: [] },
    description: { type: String, maxlength: 1000, default: '' },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

roomSchema.index({ code: 1 }, { unique: true });
roomSchema.index({ district: 1, code: 1 });

export type Room = InferSchemaType<typeof roomSchema>;
export const RoomModel = model('Room', roomSchema);

/** Read-cache keys of rooms (src/lib/read-cache.ts): room edits forget them. */
export const ROOM_READ_PREFIX = 'room|';
