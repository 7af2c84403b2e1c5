import type { Middleware } from 'koa';
import { tooManyRequests } from '../../lib/errors';
import type { AppState } from '../types';
import type { RateLimiter } from '../../modules/rate-limits/rate-limit';

/** Refuses with 429 (and Retry-After) once the client IP has used up the limiter's window. */
export function rateLimitByIp(limiter: RateLimiter): Middleware<AppState> {
  return async function rateLimitByIpMiddleware(ctx, next) {
    const { allowed, retryAfterMs } = await limiter.consume(ctx.ip || 'unknown');
    if (!allowed) {
      ctx.set('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      ctx.state.log.warn({ path: ctx.path }, 'rate limited');
      throw tooManyRequests();
    }
    await next();
  };
}
