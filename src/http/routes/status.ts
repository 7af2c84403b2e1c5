import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../config';
import { codeLookalikeHint, findCodeLookalike } from '../../lib/codes';
import { badRequest, notFound } from '../../lib/errors';
import { createRateLimiter } from '../../modules/rate-limits';
import { rateLimitByIp } from '../middleware/rate-limit';
import { lookUpStatus } from '../../modules/status';
import { parseInput } from '../validate';
import type { AppState } from '../types';

export const StatusQuerySchema = z.object({
  code: z.string().trim().min(1, '请输入编号').max(20, '编号太长'),
  secret: z.string().trim().max(60, '查询密码太长').optional().nullable(),
});

/**
 * Residents' status look-up (no login; the page is /status/).
 *  POST /api/status {code, secret?} → {status: {kind, code, title, state, nextStep, facts, link}}
 * A POST so that a tip's secret never sits in a URL or an access log. Limited per IP with the
 * tip line's look-up budget: codes are short, so guessing must stay expensive.
 */
export function statusRouter(config: Config): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/status' });
  const limiter = createRateLimiter({ name: 'status-lookup', points: config.TIP_RATE_LOOKUP_PER_10MIN, windowMs: 600_000 });

  router.post('/', rateLimitByIp(limiter), async (ctx) => {
    const input = parseInput(StatusQuerySchema, ctx.request.body);
    const lookalike = findCodeLookalike(input.code);
    if (lookalike) throw badRequest(`${codeLookalikeHint(lookalike)}（Not a valid code）`, undefined, 'invalid_code');
    const result = await lookUpStatus({ code: input.code, secret: input.secret, zone: config.APP_TIMEZONE });
    ctx.set('Cache-Control', 'no-store');
    if (result.found) {
      ctx.body = { status: result.answer };
      return;
    }
    if (result.reason === 'secret_required') throw badRequest('查询举报线索需要同时输入查询密码（Secret required）', undefined, 'secret_required');
    if (result.reason === 'tip_not_found') throw notFound('查询编号或查询密码不正确（Unknown code or wrong secret）', 'tip_not_found');
    throw notFound('没有找到这个编号，请核对后再试。预约号以Y开头，事项编号以S开头，举报编号以J开头，共8位（Not found）', 'not_found');
  });

  return router;
}
