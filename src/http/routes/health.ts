import Router from '@koa/router';
import { isDatabaseReady } from '../../storage/connection';
import type { AppState } from '../types';

/** /healthz: the process answers. /readyz: the database answers too (load balancers route on this). */
export function healthRouter(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = await isDatabaseReady();
    ctx.status = ready ? 200 : 503;
    ctx.body = ready
      ? { status: 'ready', database: 'up' }
      : { error: { code: 'database_unavailable', message: '数据库暂时不可用（Database unavailable）' }, status: 'not_ready', database: 'down' };
  });
  return router;
}
