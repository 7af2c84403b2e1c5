import { roomCodesOfDistrict } from '../rooms';
import type { ActingOfficer } from './officer.types';

/**
 * Which rooms an officer may see: officers their own rooms, supervisors every room of their
 * district, admins everything. Checked against the loaded record's room, never the URL.
 */
export async function accessibleRoomCodes(officer: Pick<ActingOfficer, 'role' | 'rooms' | 'district'>): Promise<string[] | 'all'> {
  if (officer.role === 'admin') return 'all';
  // A volunteer reaches its room only through the volunteer routes, never an officer's room scope.
  if (officer.role === 'volunteer') return [];
  if (officer.role === 'supervisor') {
    if (!officer.district) return [];
    return roomCodesOfDistrict(officer.district);
  }
  return officer.rooms;
}

export async function canAccessRoom(officer: Pick<ActingOfficer, 'role' | 'rooms' | 'district'>, roomCode: string): Promise<boolean> {
  const codes = await accessibleRoomCodes(officer);
  return codes === 'all' || codes.includes(roomCode);
}

/** A Mongo filter on a `room` field limiting a query to what the officer may see. */
export async function roomFilter(officer: Pick<ActingOfficer, 'role' | 'rooms' | 'district'>, field = 'room'): Promise<Record<string, unknown>> {
  const codes = await accessibleRoomCodes(officer);
  return codes === 'all' ? {} : { [field]: { $in: codes } };
}
