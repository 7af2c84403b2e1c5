import type Router from '@koa/router';
import type { AppDeps } from '../http/app';
import type { AppState } from '../http/types';
import { broadcastsRouter } from '../modules/broadcasts/broadcast.routes';
import { jobsRouter } from '../modules/job-runs/job-run.routes';
import { mobileVisitsRouter } from '../modules/mobile-visits/mobile-visit.routes';
import { talkDayRouter } from '../modules/talk-day/talk-day.routes';
import { templatesRouter } from '../modules/templates/template.routes';

/** The officers' API around scheduled messages: talk day, mobile visits, broadcasts, templates, jobs. */
export function schedulingRouters(deps: AppDeps): Router<AppState>[] {
  return [talkDayRouter(deps), mobileVisitsRouter(deps), broadcastsRouter(deps), templatesRouter(deps), jobsRouter(deps)];
}
