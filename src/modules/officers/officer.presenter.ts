import type { Types } from 'mongoose';
import { OFFICER_ROLE_LABELS, type Officer, type OfficerRole } from './officer.model';

export type OfficerWithHash = Officer & { _id: Types.ObjectId; passwordHash?: string; createdAt?: Date };

/** An officer as admins and supervisors see it: never the password hash, only whether one is set. */
export function presentOfficer(o: OfficerWithHash, extra: { failedSignIns?: number } = {}) {
  return {
    id: String(o._id),
    username: o.username,
    name: o.name,
    badge: o.badge ?? null,
    phone: o.phone ?? null,
    role: o.role,
    roleLabel: OFFICER_ROLE_LABELS[o.role as OfficerRole],
    rooms: o.rooms ?? [],
    district: o.district ?? null,
    wechatIds: o.wechatIds ?? [],
    wecomUserId: o.wecomUserId ?? null,
    active: o.active ?? true,
    hasPassword: Boolean(o.passwordHash),
    mustChangePassword: Boolean(o.mustChangePassword),
    failedSignIns: extra.failedSignIns ?? 0,
  };
}
