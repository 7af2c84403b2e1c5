export { accessibleRoomCodes, canAccessRoom, roomFilter } from './access';
export type { SessionOfficer } from './auth.types';
export {
  changeOwnPassword,
  clearLoginFailures,
  endOfficerSessions,
  endOwnSession,
  listOwnSessions,
  recentFailureCounts,
  DEFAULT_SESSION_POLICY,
  type SessionPolicy,
} from './auth.service';
export { ARGON2_PARAMS, generateTemporaryPassword, hashPassword } from './password';
