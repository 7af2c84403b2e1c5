import Router from '@koa/router';
import { z } from 'zod';
import { conflict, notFound } from '../../lib/errors';
import { parseInput, roomCodeSchema } from '../validate';
import { forgetReads } from '../../lib/read-cache';
import { HHMM } from '../../lib/hhmm';
import type { AppState } from '../types';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { recordAudit } from '../../modules/audit';
import { officersOfRoom } from '../../modules/officers';
import { createRoom, presentRoom, ROOM_READ_PREFIX, ROOM_TYPES, updateRoom } from '../../modules/rooms';

const hhmm = z.string().regex(HHMM, '时间格式应为 HH:mm');
/** A missing break may come as absent or null (the admin page sends null for an empty field). */
const noBreak = () => hhmm.nullish().transform((v) => v ?? undefined);

const OpeningPeriod = z
  .object({ weekday: z.number().int().min(1).max(7), open: hhmm, close: hhmm, breakStart: noBreak(), breakEnd: noBreak() })
  .refine((p) => p.open < p.close, '开门时间须早于关门时间')
  .refine((p) => !p.breakStart === !p.breakEnd && (!p.breakStart || (p.open < p.breakStart && p.breakStart < p.breakEnd! && p.breakEnd! < p.close)), '午休时间须在营业时间内');

const RoomFields = {
  name: z.string().trim().min(1).max(60),
  type: z.enum(ROOM_TYPES),
  district: z.string().trim().min(1).max(32),
  districtName: z.string().trim().min(1).max(60),
  address: z.string().trim().min(1).max(200),
  phone: z.string().trim().min(1).max(40),
  areas: z.array(z.string().trim().min(1).max(60)).max(50),
  hoursText: z.string().trim().min(1).max(200),
  openingHours: z.array(OpeningPeriod).max(21),
  description: z.string().trim().max(1000),
  active: z.boolean(),
};

export const RoomCreateSchema = z.object({
  code: roomCodeSchema,
  ...RoomFields,
  areas: RoomFields.areas.default([]),
  openingHours: RoomFields.openingHours.default([]),
  description: RoomFields.description.default(''),
  active: RoomFields.active.default(true),
});
export const RoomUpdateSchema = z
  .object(RoomFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');

/** Admin management of rooms: POST /api/rooms, PUT /api/rooms/:code (the code never changes: items refer to it). */
export function roomsAdminRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/rooms' });

  router.post('/', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(RoomCreateSchema, ctx.request.body);
    const outcome = await createRoom(input);
    if (!outcome.won) throw conflict('警务室编号已存在（Room code already exists）', 'room_code_taken');
    forgetReads(ROOM_READ_PREFIX);
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'room.create', room: input.code, detail: input.name });
    ctx.status = 201;
    ctx.body = { room: presentRoom(outcome.doc) };
  });

  router.put('/:code', requireOfficer(['admin']), async (ctx) => {
    const code = parseInput(roomCodeSchema, ctx.params.code);
    const input = parseInput(RoomUpdateSchema, ctx.request.body);
    const updated = await updateRoom(code, input);
    if (!updated) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    forgetReads(ROOM_READ_PREFIX);
    const me = currentOfficer(ctx.state);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'room.update', room: code, detail: Object.keys(input).join('、') });
    ctx.body = { room: { ...presentRoom(updated, await officersOfRoom(code)), active: updated.active } };
  });

  return router;
}
