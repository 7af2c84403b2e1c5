import { z } from 'zod';
import { validationFailed } from '../lib/errors';

// Validation messages in Simplified Chinese: they reach residents and officers as-is.
z.config(z.locales.zhCN());

/** Parses untrusted input with a zod schema; a failure becomes a 400 that names each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = issues
    .slice(0, 3)
    .map((i) => (i.path ? `${i.path}：${i.message}` : i.message))
    .join('；');
  throw validationFailed(`请求内容有误：${summary}（Invalid request）`, issues);
}

/**
 * A plain text field from a person: trimmed, non-empty, bounded, no NUL or other control characters.
 * The limits are checked after the clean-up (a transform the API description cannot see), so they are
 * also stated as metadata: integrators read them as minLength/maxLength in /api/openapi.json.
 */
export const humanText = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim())
    .pipe(z.string().min(1).max(max))
    .meta({
      minLength: 1,
      maxLength: max,
      description: `去掉首尾空白和控制字符后 1–${max} 个字（trimmed of surrounding spaces and control characters, then 1–${max} characters）`,
    });

export const roomCodeSchema = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,16}$/, '警务室编号格式不正确');
