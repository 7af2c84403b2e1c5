import Router from '@koa/router';
import { apiDocument } from '../api-docs';
import type { AppState } from '../types';

/** GET /api/openapi.json: the API described (OpenAPI 3.1, public, no secrets); read it at /api/docs/. */
export function openApiRouter(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = apiDocument();
  });
  return router;
}
