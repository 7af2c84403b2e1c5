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
