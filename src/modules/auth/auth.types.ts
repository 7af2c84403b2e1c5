import type { OfficerRole } from '../officers/officer.model';

/** The signed-in officer as the rest of the code sees it (ctx.state.officer). */
export interface SessionOfficer {
  id: string;
  username: string;
  name: string;
  role: OfficerRole;
  rooms: string[];
  district: string | null;
  csrfToken: string;
  sessionId: string;
}
