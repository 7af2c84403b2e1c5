import type { Middleware } from 'koa';
import { tooManyRequests } from '../../lib/errors';
import type { AppState } from '../types';
import { clientKey, type RateLimiter } from '../../modules/rate-limits';

/**
 * Refuses with 429 (and Retry-After) once the client IP has used up the limiter's window (keyed by
 * the IP's rotating hash). `now` is the app's clock: windows are fixed (they start at multiples of
 * the window), so tests pin the clock inside one window instead of hoping a burst does not
 * straddle its edge.
 */
/** One hit of `limiter` for a client address (counted under the day's keyed hash, never the address). */
export async function consumeForAddress(limiter: RateLimiter, ip: string, at: Date): Promise<{ allowed: boolean; retryAfterMs: number }> {
  return limiter.consume(await clientKey(ip || 'unknown', at), at);
}

export function rateLimitByIp(limiter: RateLimiter, now: () => Date = () => new Date()): Middleware<AppState> {
  return async function rateLimitByIpMiddleware(ctx, next) {
    const at = now();
    const { allowed, retryAfterMs } = await limiter.consume(await clientKey(ctx.ip || 'unknown', at), at);
    if (!allowed) {
      ctx.set('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      ctx.state.log.warn({ path: ctx.path }, 'rate limited');
      throw tooManyRequests();
    }
    await next();
  };
}
