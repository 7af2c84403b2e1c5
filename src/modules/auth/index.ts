/** Signing in, sessions and the signed-in officer (officers' documents are read through the officers module). */
import type { OfficerSessions } from '../officers';
import { clearLoginFailures, endOfficerSessions, recentFailureCounts } from './auth.service';

export { accessibleRoomCodes, canAccessRoom, roomFilter } from '../officers';
export type { SessionOfficer } from './auth.types';
export {
  changeOwnPassword,
  endOfficerSessions,
  endOwnSession,
  listOwnSessions,
  login,
  logout,
  purgeExpiredSessions,
  purgeLoginFailures,
  resolveSession,
  safeEqual,
  DEFAULT_SESSION_POLICY,
  SESSION_COOKIE,
  type SessionPolicy,
} from './auth.service';
export { presentSessionOfficer } from './officer.presenter';

/** The sessions side of officer accounts, for the officers module's admin commands. */
export const officerSessions: OfficerSessions = { endOfficerSessions: (id) => endOfficerSessions(id), clearLoginFailures, recentFailureCounts: (names) => recentFailureCounts(names) };
