import Router from '@koa/router';
import type { Config } from '../../config';
import { parseInput } from '../validate';
import type { AppState } from '../types';
import { login, logout, presentSessionOfficer, SESSION_COOKIE } from '../../modules/auth';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { LoginSchema } from './auth.schema';


export function authRouter(config: Config): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  const secure = config.COOKIE_SECURE ?? config.NODE_ENV === 'production';
  const policy = { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS };

  router.post('/auth/login', async (ctx) => {
    const input = parseInput(LoginSchema, ctx.request.body);
    const result = await login({ ...input, ip: ctx.ip, policy });
    ctx.cookies.set(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      expires: result.expiresAt,
      path: '/',
      overwrite: true,
    });
    ctx.state.log.info({ officer: result.officer.username }, 'officer signed in');
    ctx.body = { csrfToken: result.officer.csrfToken, officer: presentSessionOfficer(result.officer) };
  });

  router.post('/auth/logout', requireOfficer(), async (ctx) => {
    await logout(currentOfficer(ctx.state));
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, expires: new Date(0), path: '/' });
    ctx.body = { ok: true };
  });

  router.get('/me', requireOfficer(), (ctx) => {
    const officer = currentOfficer(ctx.state);
    ctx.body = { officer: presentSessionOfficer(officer), csrfToken: officer.csrfToken };
  });

  return router;
}
