import Router from '@koa/router';
import { z } from 'zod';
import { notFound } from '../../lib/errors';
import { parseInput, roomCodeSchema } from '../validate';
import type { AppState } from '../types';
import { officersOfRoom } from '../../modules/officers';
import { presentRoom, findRoom, listRooms } from '../../modules/rooms';

export const RoomsQuerySchema = z.object({ district: z.string().trim().max(32).optional() });

export function roomsRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/rooms' });

  router.get('/', async (ctx) => {
    const query = parseInput(RoomsQuerySchema, ctx.query);
    const rooms = await listRooms(query);
    ctx.body = { rooms: rooms.map((r) => presentRoom(r)) };
  });

  router.get('/:code', async (ctx) => {
    const code = parseInput(roomCodeSchema, ctx.params.code);
    const room = await findRoom(code);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    ctx.body = { room: presentRoom(room, await officersOfRoom(room.code)) };
  });

  return router;
}
