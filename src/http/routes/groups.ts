import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../types';
import { notFound } from '../../lib/errors';
import { parseInput, roomCodeSchema } from '../validate';
import { roomFilter } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { findRoom } from '../../modules/rooms';
import { createBindCode, findGroupBinding, listGroupBindings, presentBindCode, presentBinding, unbindGroup } from '../../modules/groups';
import { recordAudit } from '../../modules/audit';

export const BindCodeRequestSchema = z.object({ room: roomCodeSchema });
export const GroupIdSchema = z.string().min(1).max(200);

/** /api/groups: which WeChat groups are bound to which rooms, and one-time binding codes. */
export function groupsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/groups' });
  const clock = deps.now ?? (() => new Date());
  router.use(requireOfficer(['admin', 'supervisor']));

  router.get('/', async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const bindings = await listGroupBindings(await roomFilter(officer));
    ctx.body = { groups: bindings.map(presentBinding) };
  });

  router.post('/bind-codes', async (ctx) => {
    const req = parseInput(BindCodeRequestSchema, ctx.request.body);
    const room = await findRoom(req.room);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    const officer = await assertRoomAccess(ctx, room.code);
    const code = await createBindCode({ room: room.code, createdBy: officer.id, now: clock(), ttlMinutes: deps.config.BIND_CODE_TTL_MINUTES });
    ctx.state.log.info({ room: room.code, officer: officer.username }, 'group bind code created');
    await recordAudit({ actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username }, action: 'group.bind_code', room: room.code });
    ctx.status = 201;
    ctx.body = { bindCode: presentBindCode(code) };
  });

  // Unbinding needs access to the room the group is bound to (checked on the loaded binding).
  router.delete('/:groupId', async (ctx) => {
    const groupId = parseInput(GroupIdSchema, ctx.params.groupId);
    const binding = await findGroupBinding(groupId);
    if (!binding) throw notFound('未找到该群的绑定（Group binding not found）', 'group_not_found');
    const officer = await assertRoomAccess(ctx, binding.room);
    await unbindGroup(groupId);
    await recordAudit({
      actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username },
      action: 'group.unbind',
      room: binding.room,
      detail: binding.topic ? `群“${binding.topic}”`.slice(0, 100) : null,
    });
    ctx.status = 204;
  });

  return router;
}
