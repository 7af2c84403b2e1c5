import { z } from 'zod';
import type { RouteDocs } from '../openapi';
import { IdempotencyHeaderSchema, RoomTypeParamsSchema, WorkLogCreateSchema, WorkLogPhotoParamsSchema, WorkLogQuerySchema, WorkLogTargetsPutSchema } from './work-log';

// Officers' field-work log (工作日志), its photos, and the monthly targets per room type.

const Photo = z.object({ slot: z.number().int(), id: z.string(), url: z.string(), mime: z.string(), size: z.number().int() });
const Entry = z
  .object({
    id: z.string(),
    key: z.string().meta({ description: '提交时的 Idempotency-Key' }),
    room: z.string(),
    officer: z.object({ id: z.string(), name: z.string() }),
    kind: z.string(),
    kindLabel: z.string(),
    at: z.string(),
    place: z.string(),
    count: z.number().int().nullable(),
    note: z.string(),
    photos: z.array(Photo),
    createdAt: z.string(),
  })
  .meta({ id: 'WorkLogEntry', description: '一条工作日志（a work-log entry）' });
const Kind = z.object({ key: z.string(), label: z.string() });
const Targets = z
  .object({
    kinds: z.array(Kind),
    roomTypes: z.array(z.object({ type: z.string(), label: z.string(), targets: z.record(z.string(), z.number().int().nullable()) })),
  })
  .meta({ id: 'WorkLogTargets', description: '各类警务室每月工作目标（monthly targets per room type; null = no target）' });

export const workLogDocs: RouteDocs = {
  tag: { name: '工作日志（Field-work log）', description: '社区民警的入户走访、巡逻、宣传等外勤记录（可离线记录、联网后提交，每条只保存一次），以及管理员设置的每月目标。' },
  routes: {
    'GET /api/work-log/options': {
      summary: '记录工作日志所需的选项（Kinds, my rooms and their places）',
      access: 'officer',
      response: z.object({
        kinds: z.array(Kind.extend({ countLabel: z.string() })),
        rooms: z.array(z.object({ code: z.string(), name: z.string(), type: z.string(), typeLabel: z.string(), places: z.array(z.string()) })),
        maxPhotos: z.number().int(),
        maxPhotoBytes: z.number().int(),
        canWrite: z.boolean(),
      }),
    },
    'GET /api/work-log': {
      summary: '工作日志列表（Entries of a month: my own for officers, the district’s for supervisors）',
      access: 'officer',
      query: WorkLogQuerySchema,
      response: z.object({ month: z.string(), timezone: z.string(), counts: z.record(z.string(), z.number().int()), entries: z.array(Entry) }),
    },
    'POST /api/work-log': {
      summary: '记录一条工作日志（Log field work; stored once per Idempotency-Key）',
      description: '仅社区民警（role officer）可记录本人负责警务室的工作。首次保存返回 201；同一 Idempotency-Key 重复提交返回 200 和已保存的记录（created: false）；同一编号内容不同返回 409。',
      access: ['officer'],
      headers: IdempotencyHeaderSchema,
      body: WorkLogCreateSchema,
      status: 201,
      response: z.object({ entry: Entry, created: z.boolean() }),
      errors: [404, 409],
    },
    'PUT /api/work-log/:id/photos/:slot': {
      summary: '给工作日志添加照片（Add a photo to one slot of my entry; once per slot）',
      description: '字段名 file（JPG/PNG/WebP）。保存前去除 EXIF/GPS 等元数据。该序号已有照片时返回 200 和已有照片（重发不重复保存）。',
      access: ['officer'],
      params: WorkLogPhotoParamsSchema,
      body: z.object({ file: z.string().meta({ format: 'binary' }) }),
      bodyType: 'multipart/form-data',
      status: 201,
      response: z.object({ photo: Photo, created: z.boolean() }),
      errors: [409, 413, 415],
    },
    'GET /api/work-log/targets': { summary: '每月工作目标（Monthly targets per room type）', access: 'officer', response: Targets },
    'PUT /api/work-log/targets/:type': {
      summary: '设置某类警务室的每月目标（Set a room type’s monthly targets; admins）',
      description: '未给出的类别视为不设目标（null）。',
      access: ['admin'],
      params: RoomTypeParamsSchema,
      body: WorkLogTargetsPutSchema,
      response: Targets,
    },
  },
};
