import type Router from '@koa/router';
import { appointmentRouters } from '../modules/appointments/appointment.routes';
import { authRouter } from '../modules/auth/auth.routes';
import { roomsRouter } from '../modules/rooms/room.routes';
import { servicesRouter } from '../modules/services/service.routes';
import { attachmentsRouter } from '../modules/attachments/attachment.routes';
import { auditRouter } from '../modules/audit/audit.routes';
import { inboxRouter } from '../modules/inbox/inbox.routes';
import { officersRouter } from '../modules/officers/officer.routes';
import { roomsAdminRouter } from '../modules/rooms/room.admin.routes';
import { tipsRouter } from '../modules/tips/tip.routes';
import { chatRouter } from '../modules/conversations/chat.routes';
import { faqRouter } from '../modules/faq/faq.routes';
import { groupsRouter } from '../modules/groups/group.routes';
import { botStatusRouter } from '../modules/bot-status/bot-status.routes';
import { reportsRouter } from '../modules/reports/report.routes';
import { surveysRouter } from '../modules/surveys/survey.routes';
import { schedulingRouters } from '../jobs/routes';
import { healthRouter } from './health.routes';
import type { AppState } from './types';
import type { AppDeps } from './app';

/** Every router of the service, in one list: the map of the HTTP API. */
export function buildRouters(deps: AppDeps): Router<AppState>[] {
  return [
    healthRouter(),
    authRouter(deps.config),
    roomsRouter(),
    servicesRouter(),
    ...appointmentRouters(deps),
    roomsAdminRouter(),
    officersRouter(),
    inboxRouter(deps),
    tipsRouter(deps.config),
    attachmentsRouter(deps.config),
    auditRouter(),
    chatRouter(deps),
    faqRouter(),
    groupsRouter(deps),
    botStatusRouter(),
    reportsRouter(deps.config),
    surveysRouter(deps.config),
    ...schedulingRouters(deps),
  ];
}
