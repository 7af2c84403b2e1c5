/** Officers: their accounts and what others read of them (other modules never query the Officer model themselves). */
export { OFFICER_ROLES, OFFICER_ROLE_LABELS, type OfficerRole } from './officer.model';

export type { ActingOfficer, OfficerSessions } from './officer.types';
export { accessibleRoomCodes, canAccessRoom, roomFilter } from './access';
export { generateTemporaryPassword, hashPassword, needsRehash, verifyPassword } from './password';
export {
  activeOfficerById,
  activeOfficersOfRooms,
  activeOfficerByWechatId,
  activeOfficersWithRole,
  activeOfficerWithPassword,
  countOfficersWithPassword,
  insertOfficer,
  isActiveOfficerWechatId,
  officerById,
  officersByIds,
  officersOfRoom,
  officersOfRoomAndSupervisors,
  officersVisibleTo,
  officerWithPasswordByUsername,
  setAccountFields,
  setOfficerPassword,
} from './officer.queries';
export {
  assignRoomOfficers,
  createOfficer,
  listOfficers,
  resetOfficerPassword,
  roomMembers,
  unlockOfficer,
  updateOfficer,
  wecomUserIdsOf,
} from './officer.service';
