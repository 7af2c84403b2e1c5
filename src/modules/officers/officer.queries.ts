import type { Types } from 'mongoose';
import { insertUnique, type InsertOutcome } from '../../storage/unique-insert';
import type { RoomOfficerView } from '../rooms';
import { OfficerModel, type Officer, type OfficerRole } from './officer.model';
import type { OfficerWithHash } from './officer.presenter';
import type { ActingOfficer } from './officer.types';

/**
 * Officer documents as the other modules read and change them (they never query the Officer
 * model themselves). Results are lean documents; the password hash only where a name says so.
 */
export type OfficerDoc = Officer & { _id: Types.ObjectId };

/** Officers serving a room, as residents may see them (name and badge only). */
export async function officersOfRoom(code: string): Promise<RoomOfficerView[]> {
  return OfficerModel.find({ rooms: code, role: 'officer', active: true }, { name: 1, badge: 1 }).sort({ name: 1 }).lean<RoomOfficerView[]>();
}

/** The active community officers (role officer) serving any of these rooms. */
export async function activeOfficersOfRooms(codes: readonly string[]): Promise<OfficerDoc[]> {
  if (!codes.length) return [];
  return OfficerModel.find({ rooms: { $in: [...codes] }, role: 'officer', active: true }, { name: 1, rooms: 1 }).lean<OfficerDoc[]>();
}

/** Officers by id (active or not), without password hashes. */
export async function officersByIds(ids: ReadonlyArray<Types.ObjectId | string>): Promise<OfficerDoc[]> {
  if (!ids.length) return [];
  return OfficerModel.find({ _id: { $in: [...ids] } }).lean<OfficerDoc[]>();
}

/** An officer by id (active or not); null when there is none. */
export async function officerById(id: string): Promise<OfficerDoc | null> {
  return OfficerModel.findById(id).lean<OfficerDoc>();
}

/** An active officer by id; null when there is none or the account is deactivated. */
export async function activeOfficerById(id: Types.ObjectId | string): Promise<OfficerDoc | null> {
  return OfficerModel.findOne({ _id: id, active: true }).lean<OfficerDoc>();
}

/** An active officer with the password hash, by username or id (signing in, changing one's password). */
export async function activeOfficerWithPassword(by: { username: string } | { id: string }): Promise<OfficerWithHash | null> {
  const query = 'username' in by ? { username: by.username } : { _id: by.id };
  return OfficerModel.findOne({ ...query, active: true }).select('+passwordHash').lean<OfficerWithHash>();
}

/** An officer (active or not) with the password hash, by username. */
export async function officerWithPasswordByUsername(username: string): Promise<OfficerWithHash | null> {
  return OfficerModel.findOne({ username }).select('+passwordHash').lean<OfficerWithHash>();
}

/** Stores a new password hash (and, when given, whether it must be changed and since when). */
export async function setOfficerPassword(id: Types.ObjectId | string, fields: { passwordHash: string; mustChangePassword?: boolean; passwordChangedAt?: Date }): Promise<void> {
  await OfficerModel.updateOne({ _id: id }, { $set: fields });
}

/**
 * Changes an account's own fields (the volunteers module keeps its accounts' name, phone, room
 * and whether they may sign in here; a null phone removes it). Sessions are the caller's to end.
 */
export async function setAccountFields(id: string, fields: { name?: string; phone?: string | null; rooms?: string[]; active?: boolean }): Promise<void> {
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (v === null) unset[k] = 1;
    else set[k] = v;
  }
  const update: Record<string, unknown> = {};
  if (Object.keys(set).length) update.$set = set;
  if (Object.keys(unset).length) update.$unset = unset;
  if (Object.keys(update).length) await OfficerModel.updateOne({ _id: id }, update);
}

/** Creates an officer under its unique username; `won: false` when the username is taken. */
export async function insertOfficer(doc: Record<string, unknown>): Promise<InsertOutcome<OfficerWithHash>> {
  return insertUnique<OfficerWithHash>(OfficerModel, doc);
}

/** Active officers and supervisors (not admins, not volunteers) who have a password: accounts that can sign in. */
export async function countOfficersWithPassword(): Promise<number> {
  return OfficerModel.countDocuments({ role: { $nin: ['admin', 'volunteer'] }, active: true, passwordHash: { $exists: true } });
}

/** Active officers of one role, by username: all of them, or those serving a room, or those of a district. */
export async function activeOfficersWithRole(role: OfficerRole, where: { room?: string; district?: string } = {}): Promise<OfficerDoc[]> {
  const query: Record<string, unknown> = { role, active: true };
  if (where.room) query.rooms = where.room;
  if (where.district) query.district = where.district;
  return OfficerModel.find(query, { name: 1, rooms: 1, district: 1, wechatIds: 1 }).sort({ username: 1 }).lean<OfficerDoc[]>();
}

/** Active officers serving the room and the active supervisors of its district, by name. */
export async function officersOfRoomAndSupervisors(room: string, district: string | null): Promise<OfficerDoc[]> {
  const or: Record<string, unknown>[] = [{ rooms: room, role: 'officer' }];
  if (district) or.push({ role: 'supervisor', district });
  return OfficerModel.find({ active: true, $or: or }, { name: 1, role: 1 }).sort({ name: 1 }).lean<OfficerDoc[]>();
}

/** Officers (role officer, active or not) an officer may look at: all for admins; a supervisor's district and rooms. */
export async function officersVisibleTo(viewer: Pick<ActingOfficer, 'role' | 'district'>, codes: string[] | 'all'): Promise<OfficerDoc[]> {
  const query: Record<string, unknown> = viewer.role === 'admin' ? { role: 'officer' } : { role: 'officer', $or: [{ district: viewer.district }, { rooms: { $in: codes === 'all' ? [] : codes } }] };
  return OfficerModel.find(query, { name: 1 }).lean<OfficerDoc[]>();
}

/** The active officer whose account lists this WeChat id; null when none. */
export async function activeOfficerByWechatId(wechatId: string): Promise<OfficerDoc | null> {
  return OfficerModel.findOne({ wechatIds: wechatId, active: true }).lean<OfficerDoc>();
}

/** True when the WeChat id is on an active officer's account. */
export async function isActiveOfficerWechatId(wechatId: string): Promise<boolean> {
  return (await OfficerModel.exists({ wechatIds: wechatId, active: true })) !== null;
}
