import { bodyParser } from '@koa/bodyparser';
import path from 'node:path';
import Koa from 'koa';
import serve from 'koa-static';
import { projectRoot } from '../lib/project-root';
import { authenticate } from './middleware/auth';
import { registerSurveyHooks } from '../modules/surveys';
import { errorHandler } from './middleware/errors';
import { requestContext } from './middleware/request-context';
import { securityHeaders } from './middleware/security';
import { buildRouters } from './routes';
import type { AppDeps, AppState } from './types';

/** Builds the Koa application. It never listens: main.ts does, and tests use app.callback(). */
export function createApp(deps: AppDeps): Koa<AppState> {
  // ctx.ip: the address the outermost trusted proxy saw (the last TRUST_PROXY_HOPS entries of
  // X-Forwarded-For are the proxies' own; anything left of them came from the client).
  const hops = deps.config.TRUST_PROXY_HOPS;
  const app = new Koa<AppState>({ proxy: hops > 0, maxIpsCount: hops });
  // Resolving an item or completing an appointment (both web requests) asks the resident for a rating.
  registerSurveyHooks({ config: deps.config, logger: deps.logger });
  app.silent = true; // errors are logged by the error middleware, with the request id
  app.use(requestContext(deps.logger));
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: `${deps.config.BODY_LIMIT_KB}kb`,
      encoding: 'utf-8',
      onError: (err) => {
        throw err;
      },
    }),
  );
  // Pages and their assets (plain files, no CDN): src/web/public/<page>/…
  app.use(serve(path.join(projectRoot(), 'src', 'web', 'public'), { index: 'index.html', maxage: 60_000, gzip: false, brotli: false }));
  app.use(authenticate({ idleMinutes: deps.config.SESSION_IDLE_MINUTES, maxHours: deps.config.SESSION_MAX_HOURS }));
  for (const router of buildRouters(deps)) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
