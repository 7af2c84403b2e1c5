import type { Middleware } from 'koa';
import { forbidden, unauthorized } from '../../lib/errors';
import type { AppState } from '../../http/types';
import type { OfficerRole } from '../officers/officer.model';
import { assertRole } from './access';
import { SESSION_COOKIE, resolveSession, safeEqual } from './auth.service';
import type { SessionOfficer } from './auth.types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Runs on every request: resolves the session cookie (if any) to ctx.state.officer. */
export function authenticate(): Middleware<AppState> {
  return async function authenticateMiddleware(ctx, next) {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) {
      const officer = await resolveSession(token);
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

export function currentOfficer(state: AppState): SessionOfficer {
  const officer = state.officer as SessionOfficer | undefined;
  if (!officer) throw unauthorized();
  return officer;
}
