import Router from '@koa/router';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AppContext, AppDeps, AppState } from '../types';
import { badRequest, notFound } from '../../lib/errors';
import { humanText, parseInput, roomCodeSchema } from '../validate';
import { assertRoomAccess, assertRoomSetupWrite, currentOfficer, requireOfficer } from '../middleware/auth';
import { findRoom } from '../../modules/rooms';
import { loadSettings, monthsFrom, occurrenceFor, presentOccurrence, presentSettings, saveSettings, TALK_DAY_RULE_LABELS, TALK_DAY_RULES } from '../../modules/talk-day';
import { recordAudit } from '../../modules/audit';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm');
const optionalText = (max: number) => z.union([humanText(max), z.literal(''), z.null()]).optional().transform((v) => v || null);

const MonthSchema = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 yyyy-MM'),
  place: optionalText(200),
  startTime: HHMM.nullable().optional().transform((v) => v ?? null),
  endTime: HHMM.nullable().optional().transform((v) => v ?? null),
  topic: optionalText(200),
  cancelled: z.boolean().optional().default(false),
});

export const TalkDayPutSchema = z.object({
  enabled: z.boolean(),
  place: humanText(200),
  startTime: HHMM,
  endTime: HHMM.nullable().optional().transform((v) => v ?? null),
  topic: humanText(200),
  rule: z.enum(TALK_DAY_RULES),
  daysBefore: z.number().int().min(0).max(14),
  months: z.array(MonthSchema).max(24).default([]),
});
export type TalkDayPutReq = z.infer<typeof TalkDayPutSchema>;

/** GET/PUT /api/rooms/:code/talk-day — the room's monthly talk day (read: its officers, supervisors, admins; write: its officers and admins). */
export function talkDayRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/rooms' });
  const zone = deps.config.APP_TIMEZONE;
  const clock = deps.now ?? (() => new Date());

  async function loadRoom(ctx: AppContext, codeParam: string | undefined, write = false) {
    const code = parseInput(roomCodeSchema, codeParam);
    const room = await findRoom(code);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    if (write) await assertRoomSetupWrite(ctx, room.code);
    else await assertRoomAccess(ctx, room.code);
    return room;
  }

  async function answer(code: string) {
    const loaded = (await loadSettings(code))!;
    const today = DateTime.fromJSDate(clock()).setZone(zone).toISODate()!;
    const upcoming = await Promise.all(monthsFrom(today, 3).map((m) => occurrenceFor(loaded.settings, m, zone)));
    return {
      room: code,
      configured: loaded.stored,
      settings: presentSettings(loaded.settings),
      upcoming: upcoming.filter((o) => o.date >= today).map((o) => presentOccurrence(o, zone)),
      rules: TALK_DAY_RULES.map((value) => ({ value, label: TALK_DAY_RULE_LABELS[value] })),
    };
  }

  router.get('/:code/talk-day', requireOfficer(), async (ctx) => {
    const room = await loadRoom(ctx, ctx.params.code);
    ctx.body = await answer(room.code);
  });

  router.put('/:code/talk-day', requireOfficer(), async (ctx) => {
    const room = await loadRoom(ctx, ctx.params.code, true);
    const input = parseInput(TalkDayPutSchema, ctx.request.body);
    if (input.endTime && input.endTime <= input.startTime) throw badRequest('结束时间须晚于开始时间（End must be after start）', undefined, 'invalid_time_range');
    const months = input.months.map((m) => m.month);
    if (new Set(months).size !== months.length) throw badRequest('同一月份只能设置一次（Each month once）', undefined, 'duplicate_month');
    const officer = currentOfficer(ctx.state);
    await saveSettings(room.code, input, officer.username);
    await recordAudit({ actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username }, action: 'room.talk_day', room: room.code });
    ctx.state.log.info({ room: room.code, officer: officer.username, enabled: input.enabled }, 'talk day settings saved');
    ctx.body = await answer(room.code);
  });

  return router;
}
