import { OfficerModel } from '../officers/officer.model';
import { RoomModel, type Room } from './room.model';
import type { RoomOfficerView } from './room.presenter';

export async function listRooms(filter: { district?: string } = {}): Promise<Room[]> {
  const query: Record<string, unknown> = { active: true };
  if (filter.district) query.district = filter.district;
  return RoomModel.find(query).sort({ district: 1, code: 1 }).lean<Room[]>();
}

export async function findRoom(code: string): Promise<Room | null> {
  return RoomModel.findOne({ code: code.toUpperCase(), active: true }).lean<Room>();
}

/** Officers serving a room, as residents may see them (name and badge only). */
export async function roomOfficers(code: string): Promise<RoomOfficerView[]> {
  return OfficerModel.find({ rooms: code, role: 'officer', active: true }, { name: 1, badge: 1 }).sort({ name: 1 }).lean<RoomOfficerView[]>();
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
