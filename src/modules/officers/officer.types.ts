import type { OfficerRole } from './officer.model';

/** An officer at work (the signed-in officer, without the session's own fields): who acts and which rooms they may see. */
export interface ActingOfficer {
  id: string;
  username: string;
  name: string;
  role: OfficerRole;
  rooms: string[];
  district: string | null;
}

/** What ending an officer's sessions and sign-in delays takes (the auth module's sessions, passed in: auth reads officers, not the other way). */
export interface OfficerSessions {
  endOfficerSessions(officerId: string): Promise<number>;
  clearLoginFailures(username: string): Promise<number>;
  recentFailureCounts(usernames: string[]): Promise<Map<string, number>>;
}
