import type { ActingOfficer } from '../officers';

/** The signed-in officer as the rest of the code sees it (ctx.state.officer). */
export interface SessionOfficer extends ActingOfficer {
  /** The password was set by someone else (first run, admin reset): only changing it is allowed. */
  mustChangePassword: boolean;
  csrfToken: string;
  sessionId: string;
}
