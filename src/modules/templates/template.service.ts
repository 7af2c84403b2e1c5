import { DateTime } from 'luxon';
import { badRequest, notFound } from '../../lib/errors';
import { type Room } from '../rooms';
import { templateDefinition, type TemplateDefinition } from './template.defaults';
import { TemplateModel } from './template.model';
import { placeholdersIn, renderTemplate, type TemplateValues } from './template.render';

export const GLOBAL_SCOPE = '*';

export interface ResolvedTemplate {
  definition: TemplateDefinition;
  text: string;
  source: 'room' | 'global' | 'default';
  updatedAt: Date | null;
  updatedBy: string | null;
}

export function requireDefinition(key: string): TemplateDefinition {
  const def = templateDefinition(key);
  if (!def) throw notFound('未找到该模板（Template not found）', 'template_not_found');
  return def;
}

/** The text in force for a room: the room's own version, else the service-wide one, else the built-in. */
export async function resolveTemplate(key: string, room: string | null): Promise<ResolvedTemplate> {
  const definition = requireDefinition(key);
  const scopes = room ? [room, GLOBAL_SCOPE] : [GLOBAL_SCOPE];
  const stored = await TemplateModel.find({ key, scope: { $in: scopes } }).lean();
  const own = room ? stored.find((t) => t.scope === room) : undefined;
  const global = stored.find((t) => t.scope === GLOBAL_SCOPE);
  const hit = own ?? global;
  if (!hit) return { definition, text: definition.text, source: 'default', updatedAt: null, updatedBy: null };
  return {
    definition,
    text: hit.text,
    source: own ? 'room' : 'global',
    updatedAt: (hit as { updatedAt?: Date }).updatedAt ?? null,
    updatedBy: hit.updatedBy ?? null,
  };
}

/** Refuses placeholders the template's key does not provide (a typo would silently vanish). */
export function checkTemplateText(definition: TemplateDefinition, text: string): void {
  const unknown = placeholdersIn(text).filter((p) => !definition.placeholders.includes(p));
  if (unknown.length > 0) {
    throw badRequest(
      `模板中有不支持的占位符：${unknown.map((p) => `{{${p}}}`).join('、')}；可用：${definition.placeholders.map((p) => `{{${p}}}`).join('、')}（Unknown placeholders）`,
      { unknown, allowed: definition.placeholders },
      'unknown_placeholder',
    );
  }
}

export async function saveTemplate(props: { key: string; scope: string; text: string; updatedBy: string | null }): Promise<void> {
  const definition = requireDefinition(props.key);
  checkTemplateText(definition, props.text);
  await TemplateModel.replaceOne(
    { key: props.key, scope: props.scope },
    { key: props.key, scope: props.scope, text: props.text, updatedBy: props.updatedBy },
    { upsert: true, runValidators: true },
  );
}

/** Removes a room's (or the global) version, so the next one up applies again. */
export async function resetTemplate(key: string, scope: string): Promise<void> {
  requireDefinition(key);
  await TemplateModel.deleteOne({ key, scope });
}

export function roomValues(room: Pick<Room, 'name' | 'address' | 'phone'> | null): TemplateValues {
  return { 'room.name': room?.name ?? '', 'room.address': room?.address ?? '', 'room.phone': room?.phone ?? '' };
}

/** 2026年12月18日 */
export function formatDate(date: string | Date, zone: string): string {
  const dt = typeof date === 'string' ? DateTime.fromISO(date, { zone }) : DateTime.fromJSDate(date, { zone });
  return dt.toFormat('yyyy年M月d日');
}

export async function renderFor(key: string, room: string | null, values: TemplateValues): Promise<string> {
  const t = await resolveTemplate(key, room);
  return renderTemplate(t.text, values);
}
