import type { ParameterizedContext } from 'koa';
import type Router from '@koa/router';
import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import type { WecomRuntime } from '../channels/wecom/runtime';

/** What middleware puts on ctx.state; later modules extend it (e.g. the signed-in officer). */
export interface AppState {
  requestId: string;
  log: Logger;
  [key: string]: unknown;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppRouter = Router<AppState>;

/** What createApp (and every router it mounts) is built from. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  /** The clock; tests inject one to move through lease expiry and SLA times without sleeping. */
  now?: () => Date;
  /** The WeCom roads of this process (main.ts starts them); made on demand when absent. */
  wecom?: WecomRuntime;
}
