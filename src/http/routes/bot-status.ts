import Router from '@koa/router';
import type { AppState } from '../types';
import { requireOfficer } from '../middleware/auth';
import { BOT_STATE_LABELS, listBotStatuses, presentBotStatus } from '../../modules/bot-status';

/** GET /api/bot/status: the WeChat bots' state for the admins' pages. */
export function botStatusRouter(options: { now?: () => Date } = {}): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/bot' });
  const clock = options.now ?? (() => new Date());
  router.get('/status', requireOfficer(['admin']), async (ctx) => {
    const now = clock();
    const bots = (await listBotStatuses()).map((b) => presentBotStatus(b, now));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { bots, labels: BOT_STATE_LABELS };
  });
  return router;
}
