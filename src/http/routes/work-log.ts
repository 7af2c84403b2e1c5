import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../config';
import { badRequest, forbidden, notFound } from '../../lib/errors';
import type { AppContext, AppDeps, AppState } from '../types';
import { humanText, parseInput, roomCodeSchema } from '../validate';
import { assertRoomAccess, assertRole, currentOfficer, requireOfficer } from '../middleware/auth';
import { imageUpload, uploadedFile } from '../middleware/upload';
import { accessibleRoomCodes } from '../../modules/auth';
import { recordAudit } from '../../modules/audit';
import { ROOM_TYPE_LABELS, ROOM_TYPES, roomByCode, roomsByCodes, type RoomType } from '../../modules/rooms';
import {
  addWorkLogPhoto,
  createWorkLogEntry,
  describeTargets,
  listWorkLog,
  monthBounds,
  monthOf,
  photosOfEntries,
  placesOfRoom,
  presentTargets,
  presentWorkLogEntry,
  setWorkLogTargets,
  WORK_LOG_COUNT_LABELS,
  WORK_LOG_KIND_LABELS,
  WORK_LOG_KINDS,
  WORK_LOG_MAX_PHOTOS,
  workLogEntryById,
  workLogTargets,
  type WorkLogEntry,
} from '../../modules/work-log';

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export const WorkLogKindSchema = z.enum(WORK_LOG_KINDS, { message: `类别应为：${WORK_LOG_KINDS.map((k) => `${k}（${WORK_LOG_KIND_LABELS[k]}）`).join('、')}` });

export const WorkLogCreateSchema = z.strictObject({
  kind: WorkLogKindSchema.meta({ description: '工作类别：household_visit 入户走访、patrol 治安巡逻、publicity 宣传发动、inspection 实地检查、briefing 警情通报、mediation 矛盾调解、other 其他' }),
  at: z
    .string()
    .datetime({ offset: true, message: '时间格式应为 ISO 8601（含时区），例如 2026-12-03T09:30:00+08:00' })
    .transform((v) => new Date(v))
    .meta({ description: '工作时间（ISO 8601，含时区）；不晚于现在，不早于62天前' }),
  place: humanText(100).meta({ description: '地点：本警务室辖区之一（见 GET /api/work-log/options 的 places）' }),
  count: z.number().int('户数/人数应为整数').min(0).max(100000).nullable().optional().meta({ description: '走访户数或接触人数' }),
  note: z.union([humanText(500), z.literal('')]).optional().meta({ description: '简要记录（不超过500字）' }),
  room: roomCodeSchema.optional().meta({ description: '警务室编号；只负责一个警务室的民警可不填' }),
});

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string({ message: '请在 Idempotency-Key 头带上本条记录的编号（Idempotency-Key header required）' })
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'Idempotency-Key 应为 8–64 位字母、数字、- 或 _')
    .meta({ description: '客户端为每条记录生成的编号（如 UUID）：同一编号重复提交只保存一次，重复时返回已保存的记录（200）' }),
});

export const WorkLogQuerySchema = z.object({
  month: z.string().regex(MONTH_RE, '月份格式应为 YYYY-MM').optional().meta({ description: '月份（北京时间），默认本月' }),
  room: roomCodeSchema.optional(),
  officer: z.string().regex(/^[a-f0-9]{24}$/, '民警编号格式不正确').optional(),
});

export const WorkLogPhotoParamsSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{24}$/, '编号格式不正确'),
  slot: z.coerce.number().int().min(0).max(WORK_LOG_MAX_PHOTOS - 1, `每条工作日志最多 ${WORK_LOG_MAX_PHOTOS} 张照片`).meta({ description: `照片序号 0–${WORK_LOG_MAX_PHOTOS - 1}` }),
});

export const RoomTypeParamsSchema = z.object({
  type: z.enum(ROOM_TYPES, { message: `警务室类型应为：${ROOM_TYPES.map((t) => `${t}（${ROOM_TYPE_LABELS[t]}）`).join('、')}` }),
});
const targetValue = z.number().int('目标应为整数').min(0).max(10000).nullable();
export const WorkLogTargetsPutSchema = z.strictObject({
  targets: z.strictObject(Object.fromEntries(WORK_LOG_KINDS.map((k) => [k, targetValue.optional()])) as Record<(typeof WORK_LOG_KINDS)[number], z.ZodOptional<typeof targetValue>>),
});

/** /api/work-log — officers' field-work log (工作日志), its photos, and the monthly targets per room type. */
export function workLogRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/work-log' });
  const config: Config = deps.config;
  const zone = config.APP_TIMEZONE;
  const clock = deps.now ?? (() => new Date());
  const maxBytes = config.ATTACHMENT_MAX_KB * 1024;

  async function present(entries: WorkLogEntry[]) {
    const photos = await photosOfEntries(entries.map((e) => e._id));
    return entries.map((e) => presentWorkLogEntry(e, photos.get(String(e._id)) ?? []));
  }

  /** What the log page needs to work offline: the kinds, and the officer's rooms with their places. */
  router.get('/options', requireOfficer(), async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const codes = await accessibleRoomCodes(officer);
    const rooms = await roomsByCodes(codes, { activeOnly: true, fields: ['code', 'name', 'type', 'areas'] });
    ctx.body = {
      kinds: WORK_LOG_KINDS.map((k) => ({ key: k, label: WORK_LOG_KIND_LABELS[k], countLabel: WORK_LOG_COUNT_LABELS[k] })),
      rooms: rooms
        .map((r) => ({ code: r.code, name: r.name, type: r.type, typeLabel: ROOM_TYPE_LABELS[r.type as RoomType], places: placesOfRoom(r) }))
        .sort((a, b) => a.code.localeCompare(b.code)),
      maxPhotos: WORK_LOG_MAX_PHOTOS,
      maxPhotoBytes: maxBytes,
      canWrite: officer.role === 'officer',
    };
  });

  router.get('/targets', requireOfficer(), async (ctx) => {
    ctx.body = presentTargets(await workLogTargets());
  });

  router.put('/targets/:type', requireOfficer(['admin']), async (ctx) => {
    const { type } = parseInput(RoomTypeParamsSchema, ctx.params);
    const input = parseInput(WorkLogTargetsPutSchema, ctx.request.body);
    const officer = currentOfficer(ctx.state);
    const now = clock();
    const targets = await setWorkLogTargets({ type, targets: input.targets, by: officer.username, now });
    await recordAudit({ actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username }, action: 'worklog.targets', at: now, detail: describeTargets(type, targets) });
    ctx.state.log.info({ officer: officer.username, type }, 'work-log targets set');
    ctx.body = presentTargets(await workLogTargets());
  });

  router.get('/', requireOfficer(), async (ctx) => {
    const query = parseInput(WorkLogQuerySchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    const month = query.month ?? monthOf(clock(), zone);
    if (officer.role === 'officer' && query.officer && query.officer !== officer.id) {
      ctx.state.log.warn({ officer: officer.username, target: query.officer, path: ctx.path }, 'access refused: work log of another officer');
      throw forbidden('只能查看本人的工作日志（You may see only your own work log）');
    }
    let rooms = await accessibleRoomCodes(officer);
    if (query.room) {
      const room = await roomByCode(query.room, { fields: ['code'] });
      if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
      await assertRoomAccess(ctx, room.code);
      rooms = [room.code];
    }
    const { from, to } = monthBounds(month, zone);
    const entries = await listWorkLog({ rooms, officer: officer.role === 'officer' ? officer.id : query.officer, from, to, limit: 1000 });
    const counts = Object.fromEntries(WORK_LOG_KINDS.map((k) => [k, entries.filter((e) => e.kind === k).length]));
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { month, timezone: zone, counts, entries: await present(entries) };
  });

  router.post('/', requireOfficer(), async (ctx) => {
    const officer = assertRole(ctx, ['officer']);
    const input = parseInput(WorkLogCreateSchema, ctx.request.body);
    const code = input.room ?? (officer.rooms.length === 1 ? officer.rooms[0] : null);
    if (!code) throw badRequest('请选择警务室（room is required when you serve several rooms）', undefined, 'room_required');
    const room = await roomByCode(code, { fields: ['code', 'name', 'areas', 'active'] });
    if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
    await assertRoomAccess(ctx, room.code);
    const { 'idempotency-key': key } = parseInput(IdempotencyHeaderSchema, { 'idempotency-key': ctx.get('idempotency-key') || undefined });
    const now = clock();
    const { entry, created } = await createWorkLogEntry({
      author: { id: officer.id, name: officer.name },
      room,
      input: { key, kind: input.kind, at: input.at, place: input.place, count: input.count ?? null, note: input.note ?? '' },
      now,
    });
    if (created) {
      await recordAudit({
        actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username },
        action: 'worklog.create',
        room: room.code,
        at: now,
        detail: `${WORK_LOG_KIND_LABELS[entry.kind]} · ${entry.place}`,
      });
    }
    ctx.status = created ? 201 : 200;
    ctx.body = { entry: (await present([entry]))[0], created };
  });

  /** Loads an entry the signed-in officer wrote (404 for another room's, 403 for a colleague's). */
  async function ownEntry(ctx: AppContext, id: string): Promise<WorkLogEntry> {
    const entry = await workLogEntryById(id);
    if (!entry) throw notFound('未找到该工作日志（Entry not found）');
    const officer = await assertRoomAccess(ctx, entry.room, { hideAs404: true });
    if (String(entry.officer) !== officer.id) throw forbidden('只能给本人的工作日志添加照片（Only the author may add photos）');
    return entry;
  }

  router.put(
    '/:id/photos/:slot',
    requireOfficer(),
    async (ctx, next) => {
      // Authorise before reading the upload.
      const params = parseInput(WorkLogPhotoParamsSchema, ctx.params);
      ctx.state.workLogTarget = { entry: await ownEntry(ctx, params.id), slot: params.slot };
      await next();
    },
    imageUpload(maxBytes),
    async (ctx) => {
      const { entry, slot } = ctx.state.workLogTarget as { entry: WorkLogEntry; slot: number };
      const officer = currentOfficer(ctx.state);
      const now = clock();
      const photo = await addWorkLogPhoto({ entry, slot, buffer: uploadedFile(ctx), dataDir: config.DATA_DIR, maxBytes, officerId: officer.id, now });
      if (photo.created) {
        await recordAudit({
          actor: { kind: 'officer', id: officer.id, name: officer.name, username: officer.username },
          action: 'attachment.upload',
          room: entry.room,
          at: now,
          detail: `工作日志照片 ${photo.mime} ${photo.size} 字节`,
        });
      }
      ctx.status = photo.created ? 201 : 200;
      ctx.body = { photo: { slot, id: photo.attachment, url: `/api/attachments/${photo.attachment}`, mime: photo.mime, size: photo.size }, created: photo.created };
    },
  );

  return router;
}
