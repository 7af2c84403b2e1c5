import type Router from '@koa/router';
import { authRouter } from '../modules/auth/auth.routes';
import { roomsRouter } from '../modules/rooms/room.routes';
import { servicesRouter } from '../modules/services/service.routes';
import { healthRouter } from './health.routes';
import type { AppState } from './types';
import type { AppDeps } from './app';

/** Every router of the service, in one list: the map of the HTTP API. */
export function buildRouters(deps: AppDeps): Router<AppState>[] {
  return [healthRouter(), authRouter(deps.config), roomsRouter(), servicesRouter()];
}
