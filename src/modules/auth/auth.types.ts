import type { OfficerRole } from '../officers/officer.model';

/** The signed-in officer as the rest of the code sees it (ctx.state.officer). */
export interface SessionOfficer {
  id: string;
  username: string;
  name: string;
  role: OfficerRole;
  rooms: string[];
  district: string | null;
  /** The password was set by someone else (first run, admin reset): only changing it is allowed. */
  mustChangePassword: boolean;
  csrfToken: string;
  sessionId: string;
}
