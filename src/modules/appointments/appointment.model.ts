import { CHANNEL_NAMES } from '../../lib/channel-names';
import { Schema, model, type InferSchemaType, Types } from 'mongoose';
import { BOOKABLE_KEYS } from '../../lib/service-catalog';

/**
 * Appointments and the documents that make them safe under concurrency.
 *
 * On FerretDB 1.24 conditional updates and $inc are read-then-write (not atomic), so every
 * exclusive thing here is a document inserted under a unique index (see storage/unique-insert):
 *  - Seat            {room, slotStart, seat}     one of the k seats of a base slot; a booking holds
 *                                                one seat in each base slot its service slot covers.
 *  - ServiceSeat     {room, service, slotStart, n} n in 1..c: a service with its own capacity c holds at
 *                                                most c online bookings in each of its slots.
 *  - BookingToken    {phone, n}                  n in 1..N: a mobile number holds at most N active bookings.
 *  - AppointmentEvent{appointment, key}          state transitions: 'end' (cancel/complete/no-show: only
 *                                                one can ever happen), 'checked_in', 'reschedule:<n>'.
 * The Appointment document itself is written by the one actor that won the matching event, so
 * its `$set`s never race with each other.
 *
 * Keys are `_id`s on purpose: FerretDB 1.24 (SQLite) answers a query on `_id` equality from its
 * primary key but scans the whole collection for any other filter, indexes or not. So the hot
 * path of a booking only ever inserts, or reads and deletes by `_id`:
 *   Appointment._id = its code · Seat._id = `room|slotStartMs|seat` · BookingToken._id = `phone|n`
 *   · ServiceSeat._id = `room|service|slotStartMs|n`.
 */
export const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const APPOINTMENT_STATUS_LABELS: Record<AppointmentStatus, string> = {
  booked: '已预约',
  checked_in: '已签到，等待办理',
  completed: '已办结',
  no_show: '未到（爽约）',
  cancelled: '已取消',
};

/** Statuses that still hold a seat and count against the per-mobile cap. */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = ['booked', 'checked_in'];

const originSchema = new Schema(
  {
    channel: { type: String, enum: CHANNEL_NAMES, required: true },
    conversationId: { type: String, required: true },
    isGroup: { type: Boolean, default: false },
    account: { type: String },
  },
  { _id: false },
);

const appointmentSchema = new Schema(
  {
    /** The code itself (Y…): lookups by code are primary-key reads on FerretDB too. */
    _id: { type: String, required: true },
    code: { type: String, required: true },
    room: { type: String, required: true, uppercase: true },
    /** One of the 21 services, or `talk_with_officer` (约访). */
    service: { type: String, required: true, enum: BOOKABLE_KEYS },
    /** Snapshot of the service name at booking time (the catalog is editable). */
    serviceName: { type: String, required: true, maxlength: 40 },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    /** Base-slot starts whose seats this appointment holds (one seat each). */
    seats: { type: [new Schema({ slotStart: Date, seat: Number }, { _id: false })], default: [] },
    /** n of the ServiceSeat of its slot, when the service has its own per-slot capacity (null otherwise). */
    serviceSeat: { type: Number, default: null },
    status: { type: String, required: true, enum: APPOINTMENT_STATUSES, default: 'booked' },
    walkIn: { type: Boolean, default: false },
    /** Sensitive: shown only to the resident (with code + phone) and to the room's officers. */
    name: { type: String, maxlength: 40, default: null },
    phone: { type: String, maxlength: 20, default: null },
    materialsConfirmed: { type: Boolean, default: false },
    /** 约访 only: what the resident wants to talk about (sensitive like the name: the resident and the room's officers). */
    topic: { type: String, maxlength: 200, default: null },
    /** 约访 only: with the room's officer, or with a leader (only on the room's talk day). */
    talkWith: { type: String, enum: ['officer', 'leader', null], default: null },
    /** The booker proved they hold the mobile number (an SMS code), shown on the officers' day page. */
    verified: { type: Boolean, default: false },
    /** Where the resident booked from, to send confirmation and reminders back there. */
    origin: { type: originSchema, default: null },
    source: { type: String, enum: ['web', 'bot', 'officer'], default: 'web' },
    reschedules: { type: Number, default: 0 },
    /** n of the per-mobile BookingToken this booking holds (null for walk-ins). */
    bookingToken: { type: Number, default: null },
    checkedInAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    noShowAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: String, enum: ['resident', 'officer', null], default: null },
    /** Why it was cancelled when not by the resident's own choice: the room closed the day (or those hours). */
    cancelReason: { type: String, enum: ['closed_day', null], default: null },
    /** The closed day's own words (e.g. 民警集中培训), shown to the resident. */
    cancelNote: { type: String, maxlength: 60, default: null },
    /** How the resident was told of a closed-day cancel: in their chat, by SMS, both, or not at all (officers call them). */
    cancelNotice: { type: String, enum: ['chat', 'sms', 'chat_sms', 'none', null], default: null },
    createdBy: { type: Types.ObjectId, ref: 'Officer', default: null },
  },
  { timestamps: true },
);

appointmentSchema.index({ code: 1 }, { unique: true });
appointmentSchema.index({ room: 1, start: 1 });
appointmentSchema.index({ phone: 1, status: 1 });
appointmentSchema.index({ start: 1, status: 1 });

export type Appointment = InferSchemaType<typeof appointmentSchema> & { _id: string };
export const AppointmentModel = model('Appointment', appointmentSchema);

/** One seat of one base slot. Its existence is the booking of that seat; deleting it frees the seat. */
const seatSchema = new Schema(
  {
    /** `room|slotStartMs|seat`: the unique key is the primary key. */
    _id: { type: String, required: true },
    room: { type: String, required: true },
    slotStart: { type: Date, required: true },
    seat: { type: Number, required: true, min: 1 },
    /** Appointment code; the code is generated before the seat is claimed. */
    code: { type: String, required: true },
    walkIn: { type: Boolean, default: false },
  },
  { timestamps: true },
);
seatSchema.index({ room: 1, slotStart: 1, seat: 1 }, { unique: true });
seatSchema.index({ code: 1 });
export const SeatModel = model('AppointmentSeat', seatSchema);

/**
 * One of the c places of a service slot, for a service whose rule caps its online bookings per slot
 * (e.g. one 出入境 interview at a time though the room has three counters). Taken in addition to the
 * room's seats; deleting it frees the place.
 */
const serviceSeatSchema = new Schema(
  {
    /** `room|service|slotStartMs|n`: the unique key is the primary key. */
    _id: { type: String, required: true },
    room: { type: String, required: true },
    service: { type: String, required: true },
    slotStart: { type: Date, required: true },
    n: { type: Number, required: true, min: 1 },
    code: { type: String, required: true },
  },
  { timestamps: true },
);
serviceSeatSchema.index({ room: 1, service: 1, slotStart: 1 });
export const ServiceSeatModel = model('AppointmentServiceSeat', serviceSeatSchema);

/** Per-mobile cap: token n of N. Held while the booking is active. */
const bookingTokenSchema = new Schema(
  {
    /** `phone|n` */
    _id: { type: String, required: true },
    phone: { type: String, required: true },
    n: { type: Number, required: true, min: 1 },
    code: { type: String, required: true },
  },
  { timestamps: true },
);
bookingTokenSchema.index({ phone: 1, n: 1 }, { unique: true });
bookingTokenSchema.index({ code: 1 });
export const BookingTokenModel = model('AppointmentBookingToken', bookingTokenSchema);

/** A transition of an appointment, exclusive by {appointment, key}; doubles as its history. */
const appointmentEventSchema = new Schema(
  {
    /** `code|key` (see eventId) */
    _id: { type: String, required: true },
    appointment: { type: String, required: true, ref: 'Appointment' },
    key: { type: String, required: true },
    type: { type: String, required: true, enum: ['booked', 'checked_in', 'completed', 'no_show', 'cancelled', 'rescheduled', 'to_item'] },
    by: { type: String, enum: ['resident', 'officer', 'system'], required: true },
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    from: { type: Date, default: null },
    to: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
appointmentEventSchema.index({ appointment: 1, key: 1 }, { unique: true });

export const AppointmentEventModel = model('AppointmentEvent', appointmentEventSchema);

/** Officers' notes on an appointment: insert-only (no $push on a shared array). */
const appointmentNoteSchema = new Schema(
  {
    appointment: { type: String, required: true, ref: 'Appointment' },
    officer: { type: Types.ObjectId, ref: 'Officer', default: null },
    officerName: { type: String, maxlength: 40, default: null },
    text: { type: String, required: true, maxlength: 1000 },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
appointmentNoteSchema.index({ appointment: 1, createdAt: 1 });
export const AppointmentNoteModel = model('AppointmentNote', appointmentNoteSchema);

export const seatId = (room: string, slotStart: number, seat: number) => `${room}|${slotStart}|${seat}`;
export const serviceSeatId = (room: string, service: string, slotStart: number, n: number) => `${room}|${service}|${slotStart}|${n}`;
export const tokenId = (phone: string, n: number) => `${phone}|${n}`;
export const eventId = (code: string, key: string) => `${code}|${key}`;

/** No-shows, kept apart (a small collection) for the "3 in 6 months" rule. `_id` = the appointment code. */
const noShowSchema = new Schema(
  {
    _id: { type: String, required: true },
    phone: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
noShowSchema.index({ phone: 1, at: -1 });
export const NoShowModel = model('AppointmentNoShow', noShowSchema);
