import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { badRequest, conflict } from '../../lib/errors';
import { insertUnique } from '../../storage/unique-insert';
import { attachmentsByIds, discardAttachment, storeAttachment } from '../attachments';
import { WORK_LOG_MAX_PHOTOS, type WorkLogKind } from './work-log.kinds';
import { WorkLogModel, WorkLogPhotoModel, type WorkLogEntry, type WorkLogPhoto } from './work-log.model';

/** How far back an entry may be dated (a phone that stayed offline for a while) and how far ahead (clock skew). */
const MAX_AGE_DAYS = 62;
const MAX_AHEAD_MS = 10 * 60_000;

export interface WorkLogAuthor {
  id: string;
  name: string;
}

export interface WorkLogInput {
  key: string;
  kind: WorkLogKind;
  at: Date;
  place: string;
  count?: number | null;
  note?: string;
}

/** The places an entry of this room may name: its areas, or its own name when it lists none. */
export function placesOfRoom(room: { name: string; areas?: readonly string[] | null }): string[] {
  const areas = (room.areas ?? []).filter((a) => a.trim().length > 0);
  return areas.length ? [...areas] : [room.name];
}

/**
 * Stores one entry, exactly once per (officer, key): a repeat of an entry already stored (the
 * phone sent it again after losing the answer) answers the stored entry with created = false.
 * A repeat whose content differs is refused: the key was reused for something else.
 */
export async function createWorkLogEntry(props: {
  author: WorkLogAuthor;
  room: { code: string; name: string; areas?: readonly string[] | null };
  input: WorkLogInput;
  now: Date;
}): Promise<{ entry: WorkLogEntry; created: boolean }> {
  const { author, room, input, now } = props;
  const existing = await WorkLogModel.findOne({ officer: author.id, key: input.key }).lean<WorkLogEntry>();
  if (existing) return { entry: sameEntryOrConflict(existing, room.code, input), created: false };
  if (input.at.getTime() > now.getTime() + MAX_AHEAD_MS) throw badRequest('工作时间不能晚于现在（The time is in the future）', undefined, 'at_in_future');
  if (input.at.getTime() < now.getTime() - MAX_AGE_DAYS * 24 * 3600_000) {
    throw badRequest(`只能补记${MAX_AGE_DAYS}天内的工作（The time is too long ago）`, undefined, 'at_too_old');
  }
  const places = placesOfRoom(room);
  if (!places.includes(input.place)) {
    throw badRequest(`地点应为本警务室辖区：${places.join('、')}（The place is not one of the room's areas）`, { places }, 'place_not_in_room');
  }
  const outcome = await insertUnique<WorkLogEntry>(WorkLogModel, {
    officer: new Types.ObjectId(author.id),
    officerName: author.name,
    key: input.key,
    room: room.code,
    kind: input.kind,
    at: input.at,
    place: input.place,
    count: input.count ?? null,
    note: input.note ?? '',
    createdAt: now,
  });
  if (outcome.won) return { entry: outcome.doc, created: true };
  // Sent twice at the same moment: the other request stored it.
  const stored = await WorkLogModel.findOne({ officer: author.id, key: input.key }).lean<WorkLogEntry>();
  if (!stored) throw conflict('工作日志保存冲突，请重试（Please retry）', 'work_log_retry');
  return { entry: sameEntryOrConflict(stored, room.code, input), created: false };
}

function sameEntryOrConflict(stored: WorkLogEntry, room: string, input: WorkLogInput): WorkLogEntry {
  const same =
    stored.room === room && stored.kind === input.kind && stored.at.getTime() === input.at.getTime() && stored.place === input.place && (stored.count ?? null) === (input.count ?? null) && (stored.note ?? '') === (input.note ?? '');
  if (!same) throw conflict('该记录编号已用于另一条工作日志（Idempotency key reused for a different entry）', 'idempotency_key_reused');
  return stored;
}

export async function workLogEntryById(id: string): Promise<WorkLogEntry | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return WorkLogModel.findById(id).lean<WorkLogEntry>();
}

export interface WorkLogQuery {
  rooms: string[] | 'all';
  officer?: string;
  from: Date;
  to: Date;
  limit: number;
}

/** Entries of the rooms in [from, to), newest first (an indexed range on `at` within the rooms). */
export async function listWorkLog(q: WorkLogQuery): Promise<WorkLogEntry[]> {
  const filter: Record<string, unknown> = { at: { $gte: q.from, $lt: q.to } };
  if (q.rooms !== 'all') filter.room = { $in: q.rooms };
  if (q.officer) filter.officer = q.officer;
  return WorkLogModel.find(filter).sort({ at: -1, _id: -1 }).limit(q.limit).lean<WorkLogEntry[]>();
}

/** The photos of these entries, slot by slot (read by `_id`: `<entry>:<slot>`). */
export async function photosOfEntries(entryIds: ReadonlyArray<Types.ObjectId | string>): Promise<Map<string, Array<{ slot: number; attachment: string; mime: string; size: number }>>> {
  const out = new Map<string, Array<{ slot: number; attachment: string; mime: string; size: number }>>();
  if (!entryIds.length) return out;
  const ids = entryIds.flatMap((e) => Array.from({ length: WORK_LOG_MAX_PHOTOS }, (_, slot) => `${String(e)}:${slot}`));
  const photos = await WorkLogPhotoModel.find({ _id: { $in: ids } }).lean<WorkLogPhoto[]>();
  const attachments = new Map((await attachmentsByIds(photos.map((p) => p.attachment))).map((a) => [String(a._id), a]));
  for (const p of photos.sort((a, b) => a.slot - b.slot)) {
    const a = attachments.get(String(p.attachment));
    if (!a) continue;
    const list = out.get(String(p.entry)) ?? [];
    list.push({ slot: p.slot, attachment: String(a._id), mime: a.mime, size: a.size });
    out.set(String(p.entry), list);
  }
  return out;
}

/**
 * Puts a photo in one slot of an entry, once: the metadata-free copy is stored through the
 * attachments module, then the slot is taken by a unique insert. A slot already filled (a retry)
 * keeps its photo and answers created = false; the copy made for the retry is discarded.
 */
export async function addWorkLogPhoto(props: {
  entry: Pick<WorkLogEntry, '_id' | 'room'>;
  slot: number;
  buffer: Buffer;
  dataDir: string;
  maxBytes: number;
  officerId: string;
  now: Date;
}): Promise<{ attachment: string; created: boolean; mime: string; size: number }> {
  if (!Number.isInteger(props.slot) || props.slot < 0 || props.slot >= WORK_LOG_MAX_PHOTOS) {
    throw badRequest(`每条工作日志最多 ${WORK_LOG_MAX_PHOTOS} 张照片（Slot out of range）`, undefined, 'photo_slot');
  }
  const id = `${String(props.entry._id)}:${props.slot}`;
  const filled = await existingPhoto(id);
  if (filled) return { ...filled, created: false };
  const attachment = await storeAttachment({
    dataDir: props.dataDir,
    maxBytes: props.maxBytes,
    workLog: { _id: props.entry._id, room: props.entry.room },
    buffer: props.buffer,
    source: 'officer',
    uploadedBy: 'officer',
    officerId: props.officerId,
    now: props.now,
  });
  const outcome = await insertUnique(WorkLogPhotoModel, { _id: id, entry: props.entry._id, slot: props.slot, attachment: attachment._id, at: props.now });
  if (outcome.won) return { attachment: String(attachment._id), created: true, mime: attachment.mime, size: attachment.size };
  await discardAttachment(props.dataDir, attachment);
  const other = await existingPhoto(id);
  if (!other) throw conflict('照片保存冲突，请重试（Please retry）', 'work_log_retry');
  return { ...other, created: false };
}

/** The photo already in a slot, if any; null when the slot is free. */
export async function existingPhoto(id: string): Promise<{ attachment: string; mime: string; size: number } | null> {
  const photo = await WorkLogPhotoModel.findById(id).lean<WorkLogPhoto>();
  if (!photo) return null;
  const [a] = await attachmentsByIds([photo.attachment]);
  return a ? { attachment: String(a._id), mime: a.mime, size: a.size } : null;
}

/** Per room, officer and kind: entries and households/people reached in [from, to). */
export interface WorkLogTally {
  room: string;
  officer: string;
  kind: WorkLogKind;
  entries: number;
  reached: number;
}

export async function workLogTallies(props: { rooms: string[] | 'all'; from: Date; to: Date }): Promise<WorkLogTally[]> {
  const filter: Record<string, unknown> = { at: { $gte: props.from, $lt: props.to } };
  if (props.rooms !== 'all') filter.room = { $in: props.rooms };
  // Summed here rather than by $group: a month's entries are few, and FerretDB's $sum of a field that is
  // sometimes null answers 0.
  const rows = await WorkLogModel.find(filter, { room: 1, officer: 1, kind: 1, count: 1 }).lean<Array<Pick<WorkLogEntry, 'room' | 'officer' | 'kind' | 'count'>>>();
  const out = new Map<string, WorkLogTally>();
  for (const r of rows) {
    const key = `${r.room}|${String(r.officer)}|${r.kind}`;
    const t = out.get(key) ?? { room: r.room, officer: String(r.officer), kind: r.kind, entries: 0, reached: 0 };
    t.entries += 1;
    t.reached += typeof r.count === 'number' ? r.count : 0;
    out.set(key, t);
  }
  return [...out.values()];
}

/** [start, end) of a calendar month ('yyyy-MM') in the app's zone. */
export function monthBounds(month: string, zone: string): { from: Date; to: Date } {
  const start = DateTime.fromISO(`${month}-01`, { zone }).startOf('month');
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

export function monthOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM');
}
