import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../config';
import { conflict, notFound } from '../../lib/errors';
import type { AppState } from '../types';
import { parseInput } from '../validate';
import { openTip } from '../../modules/tips';
import { answerSurvey, findSurveyByToken, givenRating, RATING_LABELS, type RatingValue, type Survey, surveyForResolvedItem, surveyOfItem, surveySettings } from '../../modules/surveys';
import { createRateLimiter } from '../../modules/rate-limits';
import { rateLimitByIp } from '../middleware/rate-limit';

const ratingSchema = z.union([
  z.enum(['satisfied', 'basic', 'unsatisfied']),
  z
    .union([z.literal(1), z.literal(2), z.literal(3), z.enum(['1', '2', '3'])])
    .transform((v): RatingValue => (['satisfied', 'basic', 'unsatisfied'] as const)[Number(v) - 1]),
]);

export const AnswerSchema = z.object({
  rating: ratingSchema,
  comment: z
    .string()
    .max(1000)
    .optional()
    .nullable()
    .transform((v) => (v ? v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim() || null : null)),
});
export type SurveyAnswerReq = z.infer<typeof AnswerSchema>;

const surveyNotFound = () => notFound('评价链接无效或已失效（Unknown survey link）', 'survey_not_found');
const tipNotFound = () => notFound('查询编号或查询密码不正确（Unknown code or wrong secret）', 'tip_not_found');

function presentSurvey(survey: Survey, answered: RatingValue | null, now: Date) {
  return {
    subjectType: survey.subjectType,
    code: survey.anonymous ? null : survey.subjectCode,
    room: survey.room,
    sentAt: survey.sentAt,
    expiresAt: survey.expiresAt,
    open: answered === null && now.getTime() <= new Date(survey.expiresAt).getTime(),
    answered: answered ? { rating: answered, label: RATING_LABELS[answered] } : null,
    options: (['satisfied', 'basic', 'unsatisfied'] as const).map((v, i) => ({ value: v, number: i + 1, label: RATING_LABELS[v] })),
  };
}

/**
 * Residents rate without logging in:
 *  - GET/POST /api/surveys/:token {rating, comment?} — the token sent with the question
 *    (web chat answers can also simply be the chat message "1/2/3", see handleSurveyAnswer);
 *  - POST /api/tips/:code/rating {rating, comment?} with X-Tip-Secret — anonymous tips, rated
 *    through the tip's code once it is resolved; never linked to a person.
 */
export function surveysRouter(config: Config, options: { now?: () => Date } = {}): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  const settings = surveySettings(config);
  const limiter = createRateLimiter({ name: 'survey', points: config.TIP_RATE_LOOKUP_PER_10MIN, windowMs: 600_000 });
  const clock = options.now ?? (() => new Date());

  router.get('/surveys/:token', rateLimitByIp(limiter, clock), async (ctx) => {
    const survey = await findSurveyByToken(String(ctx.params.token));
    if (!survey) throw surveyNotFound();
    ctx.body = { survey: presentSurvey(survey, await givenRating(survey), clock()) };
  });

  router.post('/surveys/:token', rateLimitByIp(limiter, clock), async (ctx) => {
    const input = parseInput(AnswerSchema, ctx.request.body);
    const survey = await findSurveyByToken(String(ctx.params.token));
    if (!survey) throw surveyNotFound();
    const result = await answerSurvey({ survey, rating: input.rating, comment: input.comment, via: 'token', now: clock(), settings });
    ctx.body = { result };
  });

  router.post('/tips/:code/rating', rateLimitByIp(limiter, clock), async (ctx) => {
    const input = parseInput(AnswerSchema, ctx.request.body);
    const item = await openTip(String(ctx.params.code ?? ''), ctx.get('x-tip-secret'));
    if (!item) throw tipNotFound();
    if (item.status !== 'resolved' && item.status !== 'closed') throw conflict('该线索尚未办结，办结后可以评价（The tip is not resolved yet）', 'tip_not_resolved');
    const now = clock();
    // Normally created when the tip was resolved; a tip resolved before surveys existed gets one now.
    let survey = await surveyOfItem(String(item._id));
    if (!survey) survey = (await surveyForResolvedItem({ ...item, anonymous: true }, settings, item.resolvedAt ?? now))?.survey ?? null;
    if (!survey) throw tipNotFound();
    const result = await answerSurvey({ survey, rating: input.rating, comment: input.comment, via: 'tip', now, settings });
    ctx.body = { result };
  });

  return router;
}
