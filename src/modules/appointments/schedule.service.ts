import { roomExists, type Room } from '../rooms';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { badRequest, notFound } from '../../lib/errors';
import { insertUnique } from '../../storage/unique-insert';
import holidayData from './data/cn-public-holidays.json';
import type { AppointmentPolicy } from './appointment.policy';
import { CalendarEntryModel, CalendarSeedModel, RoomScheduleModel, type CalendarEntryDoc } from './schedule.model';
import type { CalendarEntry, ScheduleSpec } from './slots';
import { toMinutes } from './slots';
import { cachedRead, forgetReads } from '../../lib/read-cache';

/** Forget cached schedules and calendar entries (after an edit; tests that write the models directly). */
export function invalidateScheduleCache(): void {
  forgetReads();
}

/** A room's schedule as the slot arithmetic needs it: the stored one, or defaults from its opening hours. */
export async function loadScheduleSpec(room: Pick<Room, 'code' | 'openingHours'>, policy: AppointmentPolicy): Promise<ScheduleSpec & { stored: boolean }> {
  const stored = await cachedRead(`schedule|${room.code}`, () => RoomScheduleModel.findOne({ room: room.code }).lean());
  if (stored) {
    return {
      stored: true,
      slotMinutes: stored.slotMinutes,
      capacity: stored.capacity,
      walkInShare: stored.walkInShare,
      bookingOpensDays: stored.bookingOpensDays,
      bookingClosesMinutes: stored.bookingClosesMinutes,
      weekly: stored.weekly.map((w) => ({ weekday: w.weekday, open: w.open, close: w.close, breakStart: w.breakStart ?? null, breakEnd: w.breakEnd ?? null })),
      services: stored.services.map((s) => ({
        service: s.service,
        enabled: s.enabled ?? true,
        weekdays: s.weekdays ?? [],
        slotMinutes: s.slotMinutes ?? null,
        capacity: s.capacity ?? null,
        walkInShare: s.walkInShare ?? null,
        bookingOpensDays: s.bookingOpensDays ?? null,
        bookingClosesMinutes: s.bookingClosesMinutes ?? null,
      })),
    };
  }
  return {
    stored: false,
    slotMinutes: policy.defaultSlotMinutes,
    capacity: policy.defaultCapacity,
    walkInShare: policy.defaultWalkInShare,
    bookingOpensDays: policy.bookingOpensDays,
    bookingClosesMinutes: policy.bookingClosesMinutes,
    weekly: room.openingHours.map((p) => ({ weekday: p.weekday, open: p.open, close: p.close, breakStart: p.breakStart ?? null, breakEnd: p.breakEnd ?? null })),
    services: [],
  };
}

/** Checks what zod cannot: periods in order, breaks inside them, service slots on the base grid. */
export function checkSchedule(input: ScheduleSpec): void {
  for (const p of input.weekly) {
    const open = toMinutes(p.open);
    const close = toMinutes(p.close);
    if (close <= open) throw badRequest(`周${p.weekday}的结束时间必须晚于开始时间（close must be after open）`, undefined, 'validation_failed');
    if ((p.breakStart && !p.breakEnd) || (!p.breakStart && p.breakEnd)) throw badRequest('午休需要同时填写开始和结束时间（break needs start and end）', undefined, 'validation_failed');
    if (p.breakStart && p.breakEnd) {
      const bs = toMinutes(p.breakStart);
      const be = toMinutes(p.breakEnd);
      if (!(open < bs && bs < be && be < close)) throw badRequest(`周${p.weekday}的午休必须在办公时间之内（break must lie within opening hours）`, undefined, 'validation_failed');
    }
  }
  for (const s of input.services) {
    if (s.slotMinutes && s.slotMinutes % input.slotMinutes !== 0) {
      throw badRequest(`事项 ${s.service} 的时段长度必须是 ${input.slotMinutes} 分钟的整数倍（service slot must be a multiple of the base slot）`, undefined, 'validation_failed');
    }
  }
}

export async function saveSchedule(room: string, input: ScheduleSpec, updatedBy: string | null): Promise<void> {
  checkSchedule(input);
  const doc = { room, ...input, updatedBy };
  // A deliberate edit by one person: replace the whole document (upsert); last writer wins.
  await RoomScheduleModel.replaceOne({ room }, doc, { upsert: true, runValidators: true });
  invalidateScheduleCache();
}

// ---------------------------------------------------------------- calendar

export function toCalendarEntry(doc: Pick<CalendarEntryDoc, 'scope' | 'date' | 'kind' | 'name' | 'followsWeekday' | 'startTime' | 'endTime'>): CalendarEntry {
  return {
    date: doc.date,
    kind: doc.kind as CalendarEntry['kind'],
    room: doc.scope === '*' ? null : doc.scope,
    name: doc.name ?? null,
    followsWeekday: doc.followsWeekday ?? null,
    startTime: doc.startTime ?? null,
    endTime: doc.endTime ?? null,
  };
}

/** Calendar entries that matter for a room between two dates (inclusive). */
export async function loadCalendar(room: string, from: string, to: string): Promise<CalendarEntry[]> {
  await ensureCalendarSeeded();
  const docs = await cachedRead(`calendar|${room}|${from}|${to}`, () => CalendarEntryModel.find({ scope: { $in: ['*', room] }, date: { $gte: from, $lte: to } }).lean());
  return docs.map(toCalendarEntry);
}

let seeding: Promise<number> | null = null;

/**
 * Loads the national holiday calendar (data/cn-public-holidays.json) once per database: a
 * marker document (unique key) records that the data set was loaded, so entries an admin has
 * deleted since are not added back, and two instances starting at once load it once.
 */
export async function seedHolidayCalendar(): Promise<number> {
  const existing = await CalendarSeedModel.findOne({ key: holidayData.id }).lean();
  if (existing) return 0;
  let inserted = 0;
  for (const e of holidayData.entries as Array<{ date: string; kind: string; name: string; followsWeekday?: number; provisional?: boolean }>) {
    const { won } = await insertUnique(CalendarEntryModel, {
      scope: '*',
      date: e.date,
      kind: e.kind,
      name: e.name,
      followsWeekday: e.followsWeekday ?? null,
      provisional: e.provisional ?? false,
      source: 'seed',
    });
    if (won) inserted++;
  }
  await insertUnique(CalendarSeedModel, { key: holidayData.id });
  return inserted;
}

/** Seeds lazily on first use in this process (idempotent; see seedHolidayCalendar). */
export function ensureCalendarSeeded(): Promise<number> {
  if (!seeding) {
    seeding = seedHolidayCalendar().catch((err) => {
      seeding = null;
      throw err;
    });
  }
  return seeding;
}

/** Tests empty the database between cases; this lets the next use seed again. */
export function resetCalendarSeedMemo(): void {
  seeding = null;
  invalidateScheduleCache();
}

/** One calendar entry by its id (null for an id that is not an ObjectId or names nothing). */
export async function findCalendarEntry(id: string): Promise<(CalendarEntryDoc & { _id: Types.ObjectId }) | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return CalendarEntryModel.findById(id).lean<CalendarEntryDoc & { _id: Types.ObjectId }>();
}

/** Deletes a calendar entry (and forgets cached calendars). */
export async function deleteCalendarEntry(id: string): Promise<void> {
  await CalendarEntryModel.deleteOne({ _id: id });
  invalidateScheduleCache();
}

export interface CalendarInput {
  scope: string;
  date: string;
  kind: 'holiday' | 'workday' | 'closure';
  name?: string | null;
  followsWeekday?: number | null;
  startTime?: string | null;
  endTime?: string | null;
}

export async function listCalendar(filter: { from?: string; to?: string; room?: string | null }) {
  await ensureCalendarSeeded();
  const query: Record<string, unknown> = {};
  if (filter.from || filter.to) query.date = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
  if (filter.room) query.scope = { $in: ['*', filter.room] };
  return CalendarEntryModel.find(query).sort({ date: 1, scope: 1 }).lean();
}

/** Adds or replaces the entry of a scope and date. */
export async function putCalendarEntry(input: CalendarInput) {
  if (!DateTime.fromISO(input.date).isValid) throw badRequest('日期无效（invalid date）', undefined, 'validation_failed');
  if (input.kind === 'closure' && input.scope === '*') throw badRequest('临时闭室需指定警务室（a closure belongs to one room）', undefined, 'validation_failed');
  if ((input.startTime && !input.endTime) || (!input.startTime && input.endTime)) throw badRequest('时间段需同时填写开始和结束（start and end together）', undefined, 'validation_failed');
  if (input.startTime && input.endTime && toMinutes(input.endTime) <= toMinutes(input.startTime)) throw badRequest('结束时间必须晚于开始时间（end after start）', undefined, 'validation_failed');
  if (input.scope !== '*' && !(await roomExists(input.scope))) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
  const doc = {
    scope: input.scope,
    date: input.date,
    kind: input.kind,
    name: input.name ?? null,
    followsWeekday: input.followsWeekday ?? null,
    startTime: input.kind === 'closure' ? (input.startTime ?? null) : null,
    endTime: input.kind === 'closure' ? (input.endTime ?? null) : null,
    provisional: false,
    source: 'admin',
  };
  await ensureCalendarSeeded();
  await CalendarEntryModel.replaceOne({ scope: input.scope, date: input.date }, doc, { upsert: true, runValidators: true });
  invalidateScheduleCache();
  return CalendarEntryModel.findOne({ scope: input.scope, date: input.date }).lean();
}

/** How many rooms have a stored booking schedule. */
export async function countRoomSchedules(): Promise<number> {
  return RoomScheduleModel.countDocuments({});
}
