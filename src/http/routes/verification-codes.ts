import Router from '@koa/router';
import { z } from 'zod';
import { mobileSchema } from './appointments.schema';
import { GRANT_MINUTES, VERIFICATION_PURPOSES, verificationError, type VerificationCodes } from '../../modules/verification';
import { notFound } from '../../lib/errors';
import type { AppState } from '../types';
import { parseInput } from '../validate';

export const RequestSchema = z.object({ phone: mobileSchema, purpose: z.enum(VERIFICATION_PURPOSES, { error: '用途应为 booking 或 manage' }) });
export const CheckSchema = z.object({
  phone: mobileSchema,
  purpose: z.literal('manage', { error: '只有 manage 用途的验证码可以换取查询凭证' }),
  code: z.string().trim().regex(/^\d{6}$/, '请输入短信里的6位数字验证码'),
});

/**
 * SMS verification codes for residents on the web:
 *  - GET  /api/verification-codes         whether codes are needed (SMS on) and their rules;
 *  - POST /api/verification-codes         {phone, purpose} → 202, the same answer whether or not the
 *                                         number has bookings; 429 when a limit is reached;
 *  - POST /api/verification-codes/check   {phone, purpose: "manage", code} → a token that lets the page
 *                                         look up, cancel and reschedule that number's bookings for 15 minutes.
 */
export function verificationCodesRouter(codes: VerificationCodes): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/verification-codes' });
  const assertOn = () => {
    if (!codes.enabled) throw notFound('本服务未开通短信验证，无需验证码（SMS verification is off）', 'sms_disabled');
  };

  router.get('/', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { required: codes.enabled, digits: 6, validMinutes: 5, maxTries: 5, intervalSeconds: 60 };
  });

  router.post('/', async (ctx) => {
    assertOn();
    const { phone, purpose } = parseInput(RequestSchema, ctx.request.body ?? {});
    const answer = await codes.request({ phone, purpose, ip: ctx.ip });
    ctx.status = 202;
    ctx.body = { message: '验证码已发送，请查看短信（如未收到，请确认号码后稍后重试）', ...answer };
  });

  router.post('/check', async (ctx) => {
    assertOn();
    const { phone, purpose, code } = parseInput(CheckSchema, ctx.request.body ?? {});
    const outcome = await codes.use({ phone, purpose, code });
    if (!outcome.ok) throw verificationError(outcome.reason, outcome.triesLeft);
    const grant = await codes.grant({ phone, purpose });
    ctx.body = { verificationToken: grant.token, expiresAt: grant.expiresAt.toISOString(), validMinutes: GRANT_MINUTES };
  });

  return router;
}
