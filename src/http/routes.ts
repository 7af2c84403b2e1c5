import type Router from '@koa/router';
import { roomsRouter } from '../modules/rooms/room.routes';
import { servicesRouter } from '../modules/services/service.routes';
import { healthRouter } from './health.routes';
import type { AppState } from './types';
import type { AppDeps } from './app';

/** Every router of the service, in one list: the map of the HTTP API. */
export function buildRouters(_deps: AppDeps): Router<AppState>[] {
  return [healthRouter(), roomsRouter(), servicesRouter()];
}
