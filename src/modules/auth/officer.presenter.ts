import { OFFICER_ROLE_LABELS, type OfficerRole } from '../officers';
import type { SessionOfficer } from './auth.types';

export function presentSessionOfficer(officer: SessionOfficer) {
  return {
    id: officer.id,
    username: officer.username,
    name: officer.name,
    role: officer.role,
    roleLabel: OFFICER_ROLE_LABELS[officer.role as OfficerRole],
    rooms: officer.rooms,
    district: officer.district,
    mustChangePassword: officer.mustChangePassword,
  };
}
