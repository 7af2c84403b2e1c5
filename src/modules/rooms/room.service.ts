import { insertUnique, type InsertOutcome } from '../../storage/unique-insert';
import { RoomModel, type Room } from './room.model';

export async function listRooms(filter: { district?: string } = {}): Promise<Room[]> {
  const query: Record<string, unknown> = { active: true };
  if (filter.district) query.district = filter.district;
  return RoomModel.find(query).sort({ district: 1, code: 1 }).lean<Room[]>();
}

export async function findRoom(code: string): Promise<Room | null> {
  return RoomModel.findOne({ code: code.toUpperCase(), active: true }).lean<Room>();
}

/** Fields to read; none: the whole room. */
type RoomFields = ReadonlyArray<keyof Room>;

function projection(fields?: RoomFields): Record<string, 1> | undefined {
  return fields ? Object.fromEntries(fields.map((f) => [f, 1])) : undefined;
}

/** A room by its exact code (active or not, unless `activeOnly`), reading only `fields` when given. */
export async function roomByCode(code: string, options: { activeOnly?: boolean; fields?: RoomFields } = {}): Promise<Room | null> {
  const query: Record<string, unknown> = { code };
  if (options.activeOnly) query.active = true;
  return RoomModel.findOne(query, projection(options.fields)).lean<Room>();
}

/** The rooms with these codes ('all': every room), reading only `fields` when given. */
export async function roomsByCodes(codes: readonly string[] | 'all', options: { activeOnly?: boolean; fields?: RoomFields } = {}): Promise<Room[]> {
  const query: Record<string, unknown> = codes === 'all' ? {} : { code: { $in: [...codes] } };
  if (options.activeOnly) query.active = true;
  return RoomModel.find(query, projection(options.fields)).lean<Room[]>();
}

/** Codes of every room of a district (active or not). */
export async function roomCodesOfDistrict(district: string): Promise<string[]> {
  const rooms = await RoomModel.find({ district }, { code: 1 }).lean();
  return rooms.map((r) => r.code);
}

export async function roomExists(code: string): Promise<boolean> {
  return Boolean(await RoomModel.exists({ code }));
}

/** Creates a room under its unique code; `won: false` when the code is taken. */
export async function createRoom(room: Record<string, unknown>): Promise<InsertOutcome<Room>> {
  return insertUnique<Room>(RoomModel, room);
}

/** Changes a room's fields (never its code); null when there is no such room. */
export async function updateRoom(code: string, patch: Record<string, unknown>): Promise<Room | null> {
  return RoomModel.findOneAndUpdate({ code }, { $set: patch }, { returnDocument: 'after', runValidators: true }).lean<Room>();
}

/** True when no room was ever created (a fresh database). */
export async function noRoomsYet(): Promise<boolean> {
  return (await RoomModel.estimatedDocumentCount()) === 0;
}
