import { roomByCode, type Room } from '../rooms';
import { DateTime } from 'luxon';
import { loadCalendar } from '../appointments';
import { formatDate, renderFor, roomValues } from '../templates';
import { TalkDaySettingsModel, type TalkDaySettings } from './talk-day.model';
import { planOccurrence, timeRange, type TalkDayOccurrence, type TalkDaySettingsInput } from './talk-day.plan';
import { WEEKDAY_LABELS, type DayEntry, type TalkDayRule } from './talk-day.rules';

/**
 * Working days come from the appointments module's calendar (national holidays and make-up
 * working days seeded from data, plus each room's own closures), so the talk day and the
 * booking calendar never disagree.
 */
export async function roomCalendar(room: string, month: string): Promise<DayEntry[]> {
  const first = DateTime.fromISO(`${month}-01`);
  return loadCalendar(room, first.toISODate()!, first.plus({ months: 1, days: 7 }).toISODate()!);
}

export function defaultSettings(room: Pick<Room, 'code' | 'address'>): TalkDaySettingsInput {
  return {
    room: room.code,
    enabled: false,
    place: room.address,
    startTime: '09:00',
    endTime: '11:30',
    topic: '听取群众意见建议，宣传防范电信网络诈骗知识',
    rule: 'next_working_day',
    daysBefore: 3,
    months: [],
    updatedAt: null,
  };
}

export function toInput(doc: TalkDaySettings): TalkDaySettingsInput {
  return {
    room: doc.room,
    enabled: doc.enabled,
    place: doc.place,
    startTime: doc.startTime,
    endTime: doc.endTime ?? null,
    topic: doc.topic,
    rule: doc.rule as TalkDayRule,
    daysBefore: doc.daysBefore,
    months: doc.months.map((m) => ({ month: m.month, place: m.place, startTime: m.startTime, endTime: m.endTime, topic: m.topic, cancelled: m.cancelled })),
    updatedAt: doc.updatedAt,
  };
}

/** The room's saved talk-day settings; null when the room never saved any (it holds no talk day). */
export async function savedSettings(room: string): Promise<TalkDaySettingsInput | null> {
  const doc = await TalkDaySettingsModel.findOne({ room }).lean<TalkDaySettings>();
  return doc ? toInput(doc) : null;
}

export async function loadSettings(room: string): Promise<{ settings: TalkDaySettingsInput; stored: boolean } | null> {
  const doc = await TalkDaySettingsModel.findOne({ room }).lean<TalkDaySettings>();
  if (doc) return { settings: toInput(doc), stored: true };
  const r = await roomByCode(room, { fields: ['code', 'address'] });
  return r ? { settings: defaultSettings(r), stored: false } : null;
}

export async function saveSettings(room: string, input: Omit<TalkDaySettingsInput, 'room' | 'updatedAt'>, updatedBy: string): Promise<void> {
  await TalkDaySettingsModel.replaceOne({ room }, { ...input, room, updatedBy }, { upsert: true, runValidators: true });
}

export async function occurrenceFor(settings: TalkDaySettingsInput, month: string, zone: string): Promise<TalkDayOccurrence> {
  return planOccurrence(settings, month, await roomCalendar(settings.room, month), zone);
}

/** Occurrences of every room that holds talk days, for the given months. */
export async function enabledOccurrences(months: string[], zone: string): Promise<TalkDayOccurrence[]> {
  const docs = await TalkDaySettingsModel.find({ enabled: true }).lean<TalkDaySettings[]>();
  const out: TalkDayOccurrence[] = [];
  for (const doc of docs) for (const month of months) out.push(await occurrenceFor(toInput(doc), month, zone));
  return out;
}

export type TalkDayPhase = 'before' | 'day';

/** The announcement text for a room's occurrence (the room's template, or the default). */
export async function talkDayText(room: Pick<Room, 'code' | 'name' | 'address' | 'phone'>, o: TalkDayOccurrence, phase: TalkDayPhase, daysBefore: number, zone: string): Promise<string> {
  const d = DateTime.fromISO(o.date, { zone });
  return renderFor(phase === 'before' ? 'talkday.before' : 'talkday.day', room.code, {
    ...roomValues(room),
    date: formatDate(o.date, zone),
    weekday: WEEKDAY_LABELS[d.weekday],
    time: timeRange(o),
    place: o.place,
    topic: o.topic,
    moved_note: o.movedNote,
    days_before: daysBefore,
  });
}

/**
 * The date ('yyyy-MM-dd') of the room's talk day in `month`, when a leader receives residents
 * (约访 with a leader): the room's own occurrence (its rule, its calendar) when it holds talk
 * days, else the bureau's default (the 18th, moved by the default rule); null when the room
 * cancelled this month's.
 */
export async function talkDayDateOf(room: string, month: string, zone: string): Promise<string | null> {
  const loaded = await loadSettings(room);
  if (!loaded) return null;
  const settings = loaded.stored ? loaded.settings : { ...loaded.settings, enabled: true };
  const occurrence = await occurrenceFor(settings, month, zone);
  return occurrence.cancelled ? null : occurrence.date;
}
