import type { Middleware } from 'koa';
import { forbidden, notFound, unauthorized } from '../../lib/errors';
import type { AppContext, AppState } from '../types';
import { canAccessRoom, type OfficerRole } from '../../modules/officers';
import { DEFAULT_SESSION_POLICY, resolveSession, safeEqual, SESSION_COOKIE, type SessionOfficer, type SessionPolicy } from '../../modules/auth';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What an officer whose password must be changed may still do: see who they are, change it, sign out. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['GET /api/me', 'POST /api/account/password', 'POST /api/auth/logout', 'GET /api/account/sessions']);

/** Routes about one's own account (who am I, sign out, change the password, own sessions): every account's, volunteers' too. */
function isOwnAccountRoute(method: string, path: string): boolean {
  const p = path.replace(/\/$/, '');
  return (method === 'GET' && p === '/api/me') || (method === 'POST' && p === '/api/auth/logout') || p.startsWith('/api/account/');
}

/** Runs on every request: resolves the session cookie (if any) to ctx.state.officer. */
export function authenticate(policy: SessionPolicy = DEFAULT_SESSION_POLICY): Middleware<AppState> {
  return async function authenticateMiddleware(ctx, next) {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) {
      const officer = await resolveSession(token, new Date(), policy);
      if (officer) ctx.state.officer = officer;
      else ctx.state.forgedOrExpiredSession = true;
    }
    await next();
  };
}

/**
 * Guards officer endpoints: 401 when not signed in, 403 for a wrong role, and for
 * state-changing methods the session's CSRF token must come back in X-CSRF-Token.
 */
export function requireOfficer(roles?: OfficerRole[]): Middleware<AppState> {
  return async function requireOfficerMiddleware(ctx, next) {
    const officer = ctx.state.officer as SessionOfficer | undefined;
    if (!officer) {
      ctx.state.log.warn({ path: ctx.path, method: ctx.method, badSession: Boolean(ctx.state.forgedOrExpiredSession) }, 'access refused: not signed in');
      throw unauthorized(ctx.state.forgedOrExpiredSession ? '登录已过期，请重新登录（Session expired）' : undefined);
    }
    if (officer.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(`${ctx.method} ${ctx.path.replace(/\/$/, '')}`)) {
      throw forbidden('请先修改初始密码或临时密码，再继续使用（Change your password first）', 'password_change_required');
    }
    // Volunteers (least privilege): refused on every route that does not name them, but their own account.
    if (officer.role === 'volunteer' && !roles?.includes('volunteer') && !isOwnAccountRoute(ctx.method, ctx.path)) {
      ctx.state.log.warn({ officer: officer.username, path: ctx.path, method: ctx.method }, 'access refused: volunteer on an officer route');
      throw forbidden('志愿者账号无权使用民警功能（Volunteers may not use officer functions）', 'volunteer_forbidden');
    }
    if (roles) assertRole(ctx, roles);
    if (!SAFE_METHODS.has(ctx.method)) {
      const sent = ctx.get('x-csrf-token');
      if (!sent || !safeEqual(sent, officer.csrfToken)) {
        ctx.state.log.warn({ officer: officer.username, path: ctx.path }, 'access refused: csrf');
        throw forbidden('安全校验失败，请刷新页面后重试（CSRF token missing or wrong）', 'csrf_failed');
      }
    }
    await next();
  };
}

/** Guards the volunteers' own routes: 401 when not signed in, 403 for any account but a volunteer, CSRF as for officers. */
export function requireVolunteer(): Middleware<AppState> {
  const signedIn = requireOfficer(['volunteer', 'officer', 'supervisor', 'admin']);
  return async function requireVolunteerMiddleware(ctx, next) {
    await signedIn(ctx, async () => {
      const account = ctx.state.officer as SessionOfficer;
      if (account.role !== 'volunteer') {
        ctx.state.log.warn({ officer: account.username, role: account.role, path: ctx.path }, 'access refused: volunteers only');
        throw forbidden('这是志愿者专用功能（For volunteers only）', 'volunteers_only');
      }
      await next();
    });
  };
}

export function currentOfficer(state: AppState): SessionOfficer {
  const officer = state.officer as SessionOfficer | undefined;
  if (!officer) throw unauthorized();
  return officer;
}

function signedInOfficer(ctx: AppContext): SessionOfficer {
  const officer = ctx.state.officer as SessionOfficer | undefined;
  if (!officer) throw forbidden();
  return officer;
}

/**
 * Throws 403 (and logs the refusal) unless the signed-in officer may act on `roomCode`.
 * Pass `hideAs404` for records whose existence itself is sensitive (tips).
 */
export async function assertRoomAccess(ctx: AppContext, roomCode: string, options: { hideAs404?: boolean } = {}): Promise<SessionOfficer> {
  const officer = signedInOfficer(ctx);
  if (await canAccessRoom(officer, roomCode)) return officer;
  ctx.state.log.warn({ officer: officer.username, role: officer.role, room: roomCode, path: ctx.path, method: ctx.method }, 'access refused');
  if (options.hideAs404) throw notFound();
  throw forbidden('无权访问其他警务室的数据（You may not access another room’s data）');
}

/**
 * Room setup writes (a room's booking schedule, closed days and make-up working days, talk day):
 * admins, and the room's own officers; a district supervisor reads them but may not change them
 * (the admin console shows them read-only). Throws 403 `room_setup_read_only` for a supervisor,
 * otherwise checks the room like assertRoomAccess.
 */
export async function assertRoomSetupWrite(ctx: AppContext, roomCode: string): Promise<SessionOfficer> {
  const officer = signedInOfficer(ctx);
  if (officer.role === 'supervisor') {
    ctx.state.log.warn({ officer: officer.username, role: officer.role, room: roomCode, path: ctx.path, method: ctx.method }, 'access refused: supervisors read room setup only');
    throw forbidden('督导账号只能查看警务室设置，不能修改；如需修改请联系管理员（Supervisors may view room settings but not change them）', 'room_setup_read_only');
  }
  return assertRoomAccess(ctx, roomCode);
}

/** Throws 403 unless the officer has one of the roles. */
export function assertRole(ctx: AppContext, roles: SessionOfficer['role'][]): SessionOfficer {
  const officer = signedInOfficer(ctx);
  if (!roles.includes(officer.role)) {
    ctx.state.log.warn({ officer: officer.username, role: officer.role, path: ctx.path }, 'access refused: role');
    throw forbidden('当前账号无此权限（Your role does not allow this）');
  }
  return officer;
}
