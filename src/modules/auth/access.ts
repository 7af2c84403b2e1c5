import { forbidden, notFound } from '../../lib/errors';
import type { AppContext } from '../../http/types';
import { RoomModel } from '../rooms/room.model';
import type { SessionOfficer } from './auth.types';

/**
 * Which rooms an officer may see: officers their own rooms, supervisors every room of their
 * district, admins everything. Checked against the loaded record's room, never the URL.
 */
export async function accessibleRoomCodes(officer: Pick<SessionOfficer, 'role' | 'rooms' | 'district'>): Promise<string[] | 'all'> {
  if (officer.role === 'admin') return 'all';
  if (officer.role === 'supervisor') {
    if (!officer.district) return [];
    const rooms = await RoomModel.find({ district: officer.district }, { code: 1 }).lean();
    return rooms.map((r) => r.code);
  }
  return officer.rooms;
}

export async function canAccessRoom(officer: Pick<SessionOfficer, 'role' | 'rooms' | 'district'>, roomCode: string): Promise<boolean> {
  const codes = await accessibleRoomCodes(officer);
  return codes === 'all' || codes.includes(roomCode);
}

/** A Mongo filter on a `room` field limiting a query to what the officer may see. */
export async function roomFilter(officer: Pick<SessionOfficer, 'role' | 'rooms' | 'district'>, field = 'room'): Promise<Record<string, unknown>> {
  const codes = await accessibleRoomCodes(officer);
  return codes === 'all' ? {} : { [field]: { $in: codes } };
}

function signedInOfficer(ctx: AppContext): SessionOfficer {
  const officer = ctx.state.officer as SessionOfficer | undefined;
  if (!officer) throw forbidden();
  return officer;
}

/**
 * Throws 403 (and logs the refusal) unless the signed-in officer may act on `roomCode`.
 * Pass `hideAs404` for records whose existence itself is sensitive (tips).
 */
export async function assertRoomAccess(ctx: AppContext, roomCode: string, options: { hideAs404?: boolean } = {}): Promise<SessionOfficer> {
  const officer = signedInOfficer(ctx);
  if (await canAccessRoom(officer, roomCode)) return officer;
  ctx.state.log.warn({ officer: officer.username, role: officer.role, room: roomCode, path: ctx.path, method: ctx.method }, 'access refused');
  if (options.hideAs404) throw notFound();
  throw forbidden('无权访问其他警务室的数据（You may not access another room’s data）');
}

/** Throws 403 unless the officer has one of the roles. */
export function assertRole(ctx: AppContext, roles: SessionOfficer['role'][]): SessionOfficer {
  const officer = signedInOfficer(ctx);
  if (!roles.includes(officer.role)) {
    ctx.state.log.warn({ officer: officer.username, role: officer.role, path: ctx.path }, 'access refused: role');
    throw forbidden('当前账号无此权限（Your role does not allow this）');
  }
  return officer;
}
