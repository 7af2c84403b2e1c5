import Router from '@koa/router';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AppContext, AppDeps, AppState } from '../types';
import { notFound } from '../../lib/errors';
import { parseInput, roomCodeSchema } from '../validate';
import { assertRole, assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { findRoom, type Room } from '../../modules/rooms';
import { loadSettings, occurrenceFor, timeRange, WEEKDAY_LABELS } from '../../modules/talk-day';
import { checkTemplateText, formatDate, GLOBAL_SCOPE, renderTemplate, requireDefinition, resetTemplate, type ResolvedTemplate, resolveTemplate, roomValues, saveTemplate, TEMPLATE_DEFINITIONS, type TemplateValues } from '../../modules/templates';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 yyyy-MM-dd').refine((d) => DateTime.fromISO(d).isValid, '日期无效');

export const TemplatePutSchema = z.object({
  room: roomCodeSchema.nullable().optional(),
  text: z
    .string()
    .transform((s) => s.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().min(1).max(2000))
    .meta({ minLength: 1, maxLength: 2000, description: '去掉首尾空白后 1–2000 个字（trimmed, then 1–2000 characters）' }),
});
export const TemplatePreviewSchema = z.object({
  room: roomCodeSchema,
  date: dateSchema.optional(),
  /** Preview unsaved text; omitted = the text in force. */
  text: z.string().max(2000).optional(),
});

function presentTemplate(t: ResolvedTemplate, room: string | null) {
  return {
    key: t.definition.key,
    label: t.definition.label,
    audience: t.definition.audience,
    placeholders: t.definition.placeholders.map((p) => `{{${p}}}`),
    room,
    text: t.text,
    source: t.source,
    defaultText: t.definition.text,
    updatedAt: t.updatedAt,
    updatedBy: t.updatedBy,
  };
}

async function roomFromQuery(ctx: AppContext, value: unknown): Promise<Room | null> {
  if (value === undefined || value === null || value === '') return null;
  const room = await findRoom(parseInput(roomCodeSchema, value));
  if (!room) throw notFound('未找到该警务室（Room not found）', 'room_not_found');
  await assertRoomAccess(ctx, room.code);
  return room;
}

/**
 * Sample values for previewing a template for a room on a date: the talk-day keys use the
 * room's real talk day of that month (moved date and note included); the others use plausible
 * examples so the officer sees the layout.
 */
export async function previewValues(key: string, room: Room, date: string, zone: string): Promise<TemplateValues> {
  const d = DateTime.fromISO(date, { zone });
  const base: TemplateValues = {
    ...roomValues(room),
    date: formatDate(date, zone),
    weekday: WEEKDAY_LABELS[d.weekday],
    time: '09:00',
    place: room.address,
    topic: '（主题）',
  };
  if (key.startsWith('talkday.')) {
    const settings = (await loadSettings(room.code))!.settings;
    const o = await occurrenceFor(settings, d.toFormat('yyyy-MM'), zone);
    return { ...base, date: formatDate(o.date, zone), weekday: WEEKDAY_LABELS[DateTime.fromISO(o.date).weekday], time: timeRange(o), place: o.place, topic: o.topic, moved_note: o.movedNote, days_before: settings.daysBefore };
  }
  return {
    ...base,
    service: '身份证换领',
    code: 'Y7K2M9QA',
    kind: '矛盾纠纷',
    summary: '（事项摘要）',
    due: `${d.toFormat('M月d日')} 10:00`,
    name: '张伟',
    count: 3,
    overdue: 1,
    appointments: 2,
    items: '· S7K2M9QA 楼上噪音扰民（已超时）',
    title: '（标题）',
    body: '（正文）',
  };
}

/** /api/templates — message templates: list, read, edit (room's own or, for admins, service-wide), preview. */
export function templatesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/templates' });
  const zone = deps.config.APP_TIMEZONE;
  const clock = deps.now ?? (() => new Date());

  router.get('/', requireOfficer(), async (ctx) => {
    const room = await roomFromQuery(ctx, ctx.query.room);
    const templates = await Promise.all(TEMPLATE_DEFINITIONS.map((d) => resolveTemplate(d.key, room?.code ?? null)));
    ctx.body = { templates: templates.map((t) => presentTemplate(t, room?.code ?? null)) };
  });

  router.get('/:key', requireOfficer(), async (ctx) => {
    requireDefinition(ctx.params.key);
    const room = await roomFromQuery(ctx, ctx.query.room);
    ctx.body = { template: presentTemplate(await resolveTemplate(ctx.params.key, room?.code ?? null), room?.code ?? null) };
  });

  router.put('/:key', requireOfficer(), async (ctx) => {
    requireDefinition(ctx.params.key);
    const input = parseInput(TemplatePutSchema, ctx.request.body);
    const officer = currentOfficer(ctx.state);
    let scope = GLOBAL_SCOPE;
    if (input.room) scope = (await roomFromQuery(ctx, input.room))!.code;
    else assertRole(ctx, ['admin']); // the service-wide text is the admin's
    await saveTemplate({ key: ctx.params.key, scope, text: input.text, updatedBy: officer.username });
    ctx.state.log.info({ key: ctx.params.key, scope, officer: officer.username }, 'template saved');
    const room = scope === GLOBAL_SCOPE ? null : scope;
    ctx.body = { template: presentTemplate(await resolveTemplate(ctx.params.key, room), room) };
  });

  router.delete('/:key', requireOfficer(), async (ctx) => {
    requireDefinition(ctx.params.key);
    const room = await roomFromQuery(ctx, ctx.query.room);
    if (!room) assertRole(ctx, ['admin']);
    await resetTemplate(ctx.params.key, room?.code ?? GLOBAL_SCOPE);
    ctx.body = { template: presentTemplate(await resolveTemplate(ctx.params.key, room?.code ?? null), room?.code ?? null) };
  });

  router.post('/:key/preview', requireOfficer(), async (ctx) => {
    const definition = requireDefinition(ctx.params.key);
    const input = parseInput(TemplatePreviewSchema, ctx.request.body);
    const room = (await roomFromQuery(ctx, input.room))!;
    const date = input.date ?? DateTime.fromJSDate(clock()).setZone(zone).toISODate()!;
    const text = input.text ?? (await resolveTemplate(definition.key, room.code)).text;
    if (input.text !== undefined) checkTemplateText(definition, text);
    ctx.body = { key: definition.key, room: room.code, date, text: renderTemplate(text, await previewValues(definition.key, room, date, zone)) };
  });

  return router;
}
