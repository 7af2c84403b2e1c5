import Router from '@koa/router';
import { z } from 'zod';
import type { AppContext, AppDeps, AppState } from '../types';
import { conflict, notFound } from '../../lib/errors';
import { humanText, parseInput, roomCodeSchema } from '../validate';
import { createJobEnv } from '../../modules/notices';
import { accessibleRoomCodes, roomFilter } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { groupBindingsOfRooms } from '../../modules/groups';
import { findRoom } from '../../modules/rooms';
import { type Broadcast, BROADCAST_KIND_LABELS, BROADCAST_KINDS, broadcastDelivery, cancelBroadcast, composeText, createBroadcast, findBroadcast, listBroadcasts } from '../../modules/broadcasts';

const isoInstant = z.string().datetime({ offset: true, message: '时间格式应为 ISO 8601（含时区）' }).transform((v) => new Date(v));

const ComposeSchema = z.object({
  room: roomCodeSchema,
  kind: z.enum(BROADCAST_KINDS),
  title: humanText(60),
  body: humanText(1500),
});
export const CreateSchema = ComposeSchema.extend({
  groups: z.array(z.string().trim().min(1).max(200)).min(1, '请至少选择一个群').max(200),
  sendAt: isoInstant.nullable().optional().transform((v) => v ?? null),
  urgent: z.boolean().optional().default(false),
});
export const PreviewSchema = ComposeSchema.extend({ date: isoInstant.optional() });

function presentBroadcast(b: Broadcast, view: { state: string; deliveries: unknown[] } | undefined) {
  return {
    id: String(b._id),
    room: b.room,
    kind: b.kind,
    kindLabel: BROADCAST_KIND_LABELS[b.kind as keyof typeof BROADCAST_KIND_LABELS],
    title: b.title,
    body: b.body,
    text: b.text,
    urgent: b.urgent,
    sendAt: b.sendAt,
    createdBy: b.createdByName ?? b.createdBy,
    createdAt: b.createdAt,
    cancelledAt: b.cancelledAt ?? null,
    state: view?.state ?? 'scheduled',
    deliveries: view?.deliveries ?? [],
  };
}

/** /api/broadcasts — 警情通报 / 防范提示 to selected bound groups: compose, preview, schedule or send now, delivery per group. */
export function broadcastsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/broadcasts' });
  const env = createJobEnv({ config: deps.config, logger: deps.logger, now: deps.now });
  const instanceId = `web:${process.pid}`;

  async function loadRoom(ctx: AppContext, code: string) {
    const room = await findRoom(code);
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    return room;
  }

  async function present(list: Broadcast[]) {
    const views = await broadcastDelivery(list, env, env.now());
    return list.map((b) => presentBroadcast(b, views.get(String(b._id))));
  }

  router.get('/', requireOfficer(), async (ctx) => {
    const officer = currentOfficer(ctx.state);
    ctx.body = { broadcasts: await present(await listBroadcasts(await roomFilter(officer))) };
  });

  /** The bound groups this officer may send to. */
  router.get('/groups', requireOfficer(), async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const bindings = await groupBindingsOfRooms(await accessibleRoomCodes(officer), { byTopic: true });
    ctx.body = { groups: bindings.map((g) => ({ groupId: g.groupId, room: g.room, topic: g.topic || null })) };
  });

  router.post('/preview', requireOfficer(), async (ctx) => {
    const input = parseInput(PreviewSchema, ctx.request.body);
    const room = await loadRoom(ctx, input.room);
    const text = await composeText({ room, kind: input.kind, title: input.title, body: input.body, date: input.date ?? env.now(), zone: env.zone });
    ctx.body = { text };
  });

  router.post('/', requireOfficer(), async (ctx) => {
    const input = parseInput(CreateSchema, ctx.request.body);
    const room = await loadRoom(ctx, input.room);
    const officer = currentOfficer(ctx.state);
    const b = await createBroadcast({
      room,
      kind: input.kind,
      title: input.title,
      body: input.body,
      groups: input.groups,
      sendAt: input.sendAt,
      urgent: input.urgent,
      allowedRooms: await accessibleRoomCodes(officer),
      officer: { username: officer.username, name: officer.name },
      env,
      instanceId,
    });
    ctx.state.log.info({ broadcast: String(b._id), room: room.code, groups: b.targets.length, officer: officer.username, scheduled: Boolean(input.sendAt) }, 'broadcast created');
    ctx.status = 201;
    ctx.body = { broadcast: (await present([b]))[0] };
  });

  router.get('/:id', requireOfficer(), async (ctx) => {
    const b = await findBroadcast(ctx.params.id);
    if (!b) throw notFound('未找到该通知（Broadcast not found）');
    await assertRoomAccess(ctx, b.room);
    ctx.body = { broadcast: (await present([b]))[0] };
  });

  router.post('/:id/cancel', requireOfficer(), async (ctx) => {
    const b = await findBroadcast(ctx.params.id);
    if (!b) throw notFound('未找到该通知（Broadcast not found）');
    await assertRoomAccess(ctx, b.room);
    if (!(await cancelBroadcast(b, currentOfficer(ctx.state).username, env.now()))) throw conflict('该通知已开始发送，无法取消（Already sending）', 'already_sent');
    ctx.body = { broadcast: (await present([(await findBroadcast(ctx.params.id))!]))[0] };
  });

  return router;
}

