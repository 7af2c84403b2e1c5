import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../types';
import { notFound } from '../../lib/errors';
import { humanText, parseInput, roomCodeSchema } from '../validate';
import { MOBILE_VISIT_JOB } from '../../jobs/mobile-visit.job';
import { accessibleRoomCodes } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { deliveryCounts, runStates } from '../../modules/notices';
import { findRoom } from '../../modules/rooms';
import { cancelVisit, createVisit, findVisit, listVisits, type MobileVisit, noticeAt } from '../../modules/mobile-visits';

const isoInstant = z.string().datetime({ offset: true, message: '时间格式应为 ISO 8601（含时区）' }).transform((v) => new Date(v));

export const CreateVisitSchema = z.object({
  room: roomCodeSchema,
  place: humanText(200),
  start: isoInstant,
  end: isoInstant,
  note: z.union([humanText(300), z.literal('')]).optional().default(''),
  targetRooms: z.array(roomCodeSchema).max(50).default([]),
  targetGroups: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
});

/** /api/mobile-visits — the stops of mobile police stations and who hears about them the day before. */
export function mobileVisitsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/mobile-visits' });
  const zone = deps.config.APP_TIMEZONE;
  const clock = deps.now ?? (() => new Date());

  async function present(visits: MobileVisit[]) {
    const runKeys = visits.map((v) => `mobilevisit:${String(v._id)}`);
    const [runs, groups] = await Promise.all([runStates(MOBILE_VISIT_JOB, runKeys), deliveryCounts(MOBILE_VISIT_JOB, runKeys)]);
    return visits.map((v) => {
      const runKey = `mobilevisit:${String(v._id)}`;
      const run = runs.find((r) => r.runKey === runKey);
      return {
        id: String(v._id),
        room: v.room,
        place: v.place,
        start: v.start,
        end: v.end,
        note: v.note ?? '',
        targetRooms: v.targetRooms,
        targetGroups: v.targetGroups,
        createdBy: v.createdBy ?? null,
        cancelledAt: v.cancelledAt ?? null,
        notice: {
          at: noticeAt(v, zone),
          status: run ? run.status : 'pending',
          groups: groups.get(runKey) ?? 0,
        },
      };
    });
  }

  router.get('/', requireOfficer(), async (ctx) => {
    const codes = await accessibleRoomCodes(currentOfficer(ctx.state));
    const filter = codes === 'all' ? {} : { $or: [{ room: { $in: codes } }, { targetRooms: { $in: codes } }] };
    const since = new Date(clock().getTime() - 7 * 24 * 3600_000);
    ctx.body = { visits: await present(await listVisits(filter, since)) };
  });

  router.post('/', requireOfficer(), async (ctx) => {
    const input = parseInput(CreateVisitSchema, ctx.request.body);
    const room = await findRoom(input.room);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const officer = await assertRoomAccess(ctx, room.code);
    const visit = await createVisit({ ...input, room: room.code, allowedRooms: await accessibleRoomCodes(officer), createdBy: officer.username, now: clock() });
    ctx.state.log.info({ visit: String(visit._id), room: room.code, officer: officer.username }, 'mobile visit created');
    ctx.status = 201;
    ctx.body = { visit: (await present([visit]))[0] };
  });

  router.delete('/:id', requireOfficer(), async (ctx) => {
    const visit = await findVisit(ctx.params.id);
    if (!visit) throw notFound('未找到该停靠安排（Visit not found）');
    const officer = await assertRoomAccess(ctx, visit.room);
    await cancelVisit(visit._id, officer.username, clock());
    ctx.state.log.info({ visit: String(visit._id), officer: officer.username }, 'mobile visit cancelled');
    ctx.body = { visit: (await present([(await findVisit(ctx.params.id))!]))[0] };
  });

  return router;
}
