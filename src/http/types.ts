import type { ParameterizedContext } from 'koa';
import type Router from '@koa/router';
import type { Logger } from '../logging/logger';

/** What middleware puts on ctx.state; later modules extend it (e.g. the signed-in officer). */
export interface AppState {
  requestId: string;
  log: Logger;
  [key: string]: unknown;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppRouter = Router<AppState>;
