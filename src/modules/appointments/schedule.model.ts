import { Schema, model, type InferSchemaType } from 'mongoose';
import { BOOKABLE_KEYS } from '../../lib/service-catalog';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A room's booking schedule (edited by its officers or an admin). Rooms without one use their
 * `openingHours` and the APPOINTMENT_* defaults. Written whole by PUT (last writer wins; an
 * edit is a deliberate act by one person, not a counter many writers bump).
 */
const weeklySchema = new Schema(
  {
    weekday: { type: Number, required: true, min: 1, max: 7 },
    open: { type: String, required: true, match: HHMM },
    close: { type: String, required: true, match: HHMM },
    breakStart: { type: String, match: HHMM, default: null },
    breakEnd: { type: String, match: HHMM, default: null },
  },
  { _id: false },
);

const serviceRuleSchema = new Schema(
  {
    service: { type: String, required: true, enum: BOOKABLE_KEYS },
    enabled: { type: Boolean, default: true },
    weekdays: { type: [Number], default: [] },
    slotMinutes: { type: Number, min: 5, max: 480, default: null },
    /** At most this many online bookings of the service in each of its slots (null = the room's seats only). */
    capacity: { type: Number, min: 1, max: 50, default: null },
    walkInShare: { type: Number, min: 0, max: 1, default: null },
    bookingOpensDays: { type: Number, min: 1, max: 365, default: null },
    bookingClosesMinutes: { type: Number, min: 0, max: 10080, default: null },
  },
  { _id: false },
);

const roomScheduleSchema = new Schema(
  {
    room: { type: String, required: true, uppercase: true },
    slotMinutes: { type: Number, required: true, min: 5, max: 240 },
    capacity: { type: Number, required: true, min: 1, max: 50 },
    walkInShare: { type: Number, required: true, min: 0, max: 1 },
    bookingOpensDays: { type: Number, required: true, min: 1, max: 365 },
    bookingClosesMinutes: { type: Number, required: true, min: 0, max: 10080 },
    weekly: { type: [weeklySchema], default: [] },
    services: { type: [serviceRuleSchema], default: [] },
    updatedBy: { type: String, default: null },
  },
  { timestamps: true },
);
roomScheduleSchema.index({ room: 1 }, { unique: true });
export const RoomScheduleModel = model('RoomSchedule', roomScheduleSchema);

/**
 * The calendar: national holidays and make-up working days (room '*'), and a room's own
 * closures, holidays or extra working days (room code). Seeded from data/cn-public-holidays.json,
 * editable through /api/holidays. One entry per scope and date.
 */
const calendarEntrySchema = new Schema(
  {
    scope: { type: String, required: true }, // '*' = every room, else a room code
    date: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    kind: { type: String, required: true, enum: ['holiday', 'workday', 'closure'] },
    name: { type: String, maxlength: 60, default: null },
    followsWeekday: { type: Number, min: 1, max: 7, default: null },
    startTime: { type: String, match: HHMM, default: null },
    endTime: { type: String, match: HHMM, default: null },
    provisional: { type: Boolean, default: false },
    source: { type: String, enum: ['seed', 'admin'], default: 'admin' },
  },
  { timestamps: true },
);
calendarEntrySchema.index({ scope: 1, date: 1 }, { unique: true });
calendarEntrySchema.index({ date: 1 });
export type CalendarEntryDoc = InferSchemaType<typeof calendarEntrySchema>;
export const CalendarEntryModel = model('CalendarEntry', calendarEntrySchema);

/** Marks a seed data set as loaded once, so entries an admin deleted are not re-added. */
const calendarSeedSchema = new Schema({ key: { type: String, required: true } }, { timestamps: true });
calendarSeedSchema.index({ key: 1 }, { unique: true });
export const CalendarSeedModel = model('CalendarSeed', calendarSeedSchema);
