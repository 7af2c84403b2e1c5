import type Router from '@koa/router';
import { verificationFromConfig } from '../modules/verification';
import { verificationCodesRouter } from './routes/verification-codes';
import type { AppDeps } from './types';
import { accountRouter } from './routes/account';
import { adminRouter } from './routes/admin';
import { appointmentRouters } from './routes/appointments';
import { attachmentsRouter } from './routes/attachments';
import { auditRouter } from './routes/audit';
import { authRouter } from './routes/auth';
import { botStatusRouter } from './routes/bot-status';
import { broadcastsRouter } from './routes/broadcasts';
import { chatRouter } from './routes/chat';
import { classroomRouter } from './routes/classroom';
import { chatLiveRouter } from './routes/chat-live';
import { faqRouter } from './routes/faq';
import { groupsRouter } from './routes/groups';
import { healthRouter } from './routes/health';
import { inboxRouter } from './routes/inbox';
import { jobsRouter } from './routes/jobs';
import { mobileVisitsRouter } from './routes/mobile-visits';
import { officersRouter } from './routes/officers';
import { openApiRouter } from './routes/openapi';
import { reportsRouter } from './routes/reports';
import { roomsRouter } from './routes/rooms';
import { roomsAdminRouter } from './routes/rooms-admin';
import { servicesRouter } from './routes/services';
import { statusRouter } from './routes/status';
import { surveysRouter } from './routes/surveys';
import { talkDayRouter } from './routes/talk-day';
import { templatesRouter } from './routes/templates';
import { tipsRouter } from './routes/tips';
import { volunteersRouters } from './routes/volunteers';
import { wecomRouter } from './routes/wecom';
import { workLogRouter } from './routes/work-log';
import type { AppState } from './types';

/**
 * Every router of the service, in one list: the map of the HTTP API. Each lives in
 * src/http/routes/<domain>.ts (its zod schemas beside it in <domain>.schema.ts) and stays thin:
 * authenticate → validate → load → authorize → call the module → present.
 */
export function buildRouters(deps: AppDeps): Router<AppState>[] {
  const verification = verificationFromConfig(deps.config, { logger: deps.logger, now: deps.now });
  return [
    healthRouter(), //                  /healthz, /readyz
    openApiRouter(), //                 /api/openapi.json (the API described; read at /api/docs/)
    authRouter(deps.config), //         /api/auth/login, /api/auth/logout, /api/me
    accountRouter(), //                 /api/account/password, /api/account/sessions… (one's own account)
    adminRouter(deps), //               /api/admin/… (the admin console: checklist, rooms, channels, QR codes)
    roomsRouter(), //                   /api/rooms (public)
    servicesRouter(), //                /api/services (public)
    ...appointmentRouters(deps, { verification, now: deps.now }), //     /api/appointments…, /api/holidays…, /api/rooms/:code/(slots|schedule…)
    roomsAdminRouter(), //              POST/PUT /api/rooms
    officersRouter(), //                /api/officers…
    inboxRouter(deps), //               /api/inbox…
    tipsRouter(deps.config, { now: deps.now }), // /api/tips…
    attachmentsRouter(deps.config), //  /api/attachments…
    auditRouter(deps.config.APP_TIMEZONE, { now: deps.now }), // /api/audit, /api/audit/export.csv
    chatRouter(deps, { verification }), // /api/chat…
    chatLiveRouter(deps), //            /api/chat/conversations/:id/events (SSE)
    statusRouter(deps.config), //       POST /api/status (residents' look-up)
    faqRouter(), //                     /api/faq…
    groupsRouter(deps), //              /api/groups…
    botStatusRouter({ now: deps.now }), // /api/bot/status
    reportsRouter(deps.config, { now: deps.now }), // /api/reports…
    workLogRouter(deps), //             /api/work-log… (officers' field-work log, its photos, monthly targets)
    classroomRouter(deps), //          /api/classroom… (网上课堂: officers' questions, answers, proposals for the residents' FAQ)
    surveysRouter(deps.config, { now: deps.now }), // /api/surveys/:token, /api/tips/:code/rating
    // Scheduled messages: talk day, mobile visits, broadcasts, templates, job runs.
    talkDayRouter(deps), //             /api/rooms/:code/talk-day
    mobileVisitsRouter(deps), //        /api/mobile-visits…
    broadcastsRouter(deps), //          /api/broadcasts…
    templatesRouter(deps), //           /api/templates…
    jobsRouter(deps), //                /api/jobs…
    verificationCodesRouter(verification), // /api/verification-codes…
    ...volunteersRouters(deps), //      /api/volunteers… (admins, officers), /api/volunteer/… (the volunteer's own)
    wecomRouter(deps), //               GET|POST /channels/wecom/callback, /api/channels/status
  ];
}
