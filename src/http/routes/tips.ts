import { roomByCode } from '../../modules/rooms';
import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../config';
import { notFound, tooManyRequests } from '../../lib/errors';
import { humanText, parseInput, roomCodeSchema } from '../validate';
import type { AppContext, AppState } from '../types';
import { recordAudit } from '../../modules/audit';
import { imageUpload, uploadedFile } from '../middleware/upload';
import { storeAttachment } from '../../modules/attachments';
import { createDailyLimiter, createRateLimiter } from '../../modules/rate-limits';
import { consumeForAddress, rateLimitByIp } from '../middleware/rate-limit';
import { addTipsterMessage, openTip, presentTipForTipster, submitTip, TIP_RECEIPT_MESSAGE, tipsterThread } from '../../modules/tips';

export const SubmitTipSchema = z.object({
  room: roomCodeSchema,
  text: humanText(2000),
  anonymous: z.boolean(),
  contact: z
    .object({
      name: z.string().trim().max(40).optional(),
      phone: z
        .string()
        .trim()
        .regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确')
        .optional()
        .or(z.literal('')),
    })
    .optional()
    .nullable(),
});
export type SubmitTipReq = z.infer<typeof SubmitTipSchema>;

export const TipMessageSchema = z.object({ text: humanText(2000) });

/** One answer for "no such code" and "wrong secret". */
const tipNotFound = () => notFound('查询编号或查询密码不正确（Unknown code or wrong secret）', 'tip_not_found');

/**
 * Residents' tip line (no login): submit, then come back with code + secret
 * (X-Tip-Secret header) to read replies, write again and add images.
 * Limits are per IP and shared by all instances (stored in MongoDB): submissions are rare,
 * look-ups a little more frequent.
 */
export function tipsRouter(config: Config, options: { now?: () => Date } = {}): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/tips' });
  const submitLimiter = createRateLimiter({ name: 'tip-submit', points: config.TIP_RATE_SUBMIT_PER_HOUR, windowMs: 3600_000 });
  const lookupLimiter = createRateLimiter({ name: 'tip-lookup', points: config.TIP_RATE_LOOKUP_PER_10MIN, windowMs: 600_000 });
  const maxBytes = config.ATTACHMENT_MAX_KB * 1024;
  // Daily image quotas (a day in APP_TIMEZONE), shared by all instances: per tip and per client address.
  const perTipImages = createDailyLimiter({ name: 'tip-images', points: config.TIP_ATTACHMENTS_PER_TIP_DAILY, zone: config.APP_TIMEZONE });
  const perAddressImages = createDailyLimiter({ name: 'tip-images-addr', points: config.TIP_ATTACHMENTS_PER_ADDRESS_DAILY, zone: config.APP_TIMEZONE });
  const clock = options.now ?? (() => new Date());

  async function loadTip(ctx: AppContext) {
    const item = await openTip(String(ctx.params.code ?? ''), ctx.get('x-tip-secret'));
    if (!item) throw tipNotFound();
    return item;
  }

  router.post('/', rateLimitByIp(submitLimiter, clock), async (ctx) => {
    const input = parseInput(SubmitTipSchema, ctx.request.body);
    const result = await submitTip({
      room: input.room,
      text: input.text,
      anonymous: input.anonymous,
      contact: input.anonymous ? null : { name: input.contact?.name, phone: input.contact?.phone || undefined },
      origin: null,
      slaMinutes: config.SLA_MINUTES,
    });
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { code: result.code, secret: result.secret, message: TIP_RECEIPT_MESSAGE };
  });

  router.get('/:code', rateLimitByIp(lookupLimiter, clock), async (ctx) => {
    const item = await loadTip(ctx);
    const [room, thread] = await Promise.all([roomByCode(item.room, { fields: ['name'] }), tipsterThread(item)]);
    await recordAudit({ actor: { kind: 'tipster' }, action: 'tip.tipster_view', item });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { tip: presentTipForTipster(item, room?.name ?? null, thread) };
  });

  router.post('/:code/messages', rateLimitByIp(lookupLimiter, clock), async (ctx) => {
    const input = parseInput(TipMessageSchema, ctx.request.body);
    const item = await loadTip(ctx);
    const { message } = await addTipsterMessage({ item, text: input.text, leaseMinutes: config.CLAIM_LEASE_MINUTES });
    ctx.status = 201;
    ctx.body = { message: { id: String(message._id), from: 'you', text: message.text, images: 0, at: message.at } };
  });

  router.post('/:code/attachments', rateLimitByIp(lookupLimiter, clock), async (ctx, next) => {
    // Check the code and secret before reading the upload.
    const tip = await loadTip(ctx);
    // Then the day's quotas, before the bytes are read: the address's, then the tip's.
    const at = clock();
    const byAddress = await consumeForAddress(perAddressImages, ctx.ip, at);
    if (!byAddress.allowed) {
      ctx.set('Retry-After', String(Math.ceil(byAddress.retryAfterMs / 1000)));
      throw tooManyRequests(`今天从您这里上传的图片已达上限（${config.TIP_ATTACHMENTS_PER_ADDRESS_DAILY} 张），请明天再传（Daily image limit for this address reached）`, 'address_attachment_quota', Math.ceil(byAddress.retryAfterMs / 1000));
    }
    const byTip = await perTipImages.consume(String(tip._id), at);
    if (!byTip.allowed) {
      ctx.set('Retry-After', String(Math.ceil(byTip.retryAfterMs / 1000)));
      throw tooManyRequests(`这条线索今天上传的图片已达上限（${config.TIP_ATTACHMENTS_PER_TIP_DAILY} 张），请明天再传（Daily image limit for this tip reached）`, 'tip_attachment_quota', Math.ceil(byTip.retryAfterMs / 1000));
    }
    ctx.state.tip = tip;
    await next();
  }, imageUpload(maxBytes), async (ctx) => {
    const item = ctx.state.tip as Awaited<ReturnType<typeof loadTip>>;
    const attachment = await storeAttachment({ dataDir: config.DATA_DIR, maxBytes, item, buffer: uploadedFile(ctx), source: 'web', uploadedBy: 'tipster' });
    const { message } = await addTipsterMessage({ item, text: '[图片]', attachments: [String(attachment._id)], leaseMinutes: config.CLAIM_LEASE_MINUTES });
    await recordAudit({ actor: { kind: 'tipster' }, action: 'attachment.upload', item, detail: `${attachment.mime} ${attachment.size} 字节` });
    ctx.status = 201;
    ctx.body = { message: { id: String(message._id), from: 'you', text: message.text, images: 1, at: message.at } };
  });

  return router;
}
