import { z } from 'zod';

/**
 * The only reader of process.env. Everything the service can be told from outside is
 * declared here once, with its default, and validated at start-up: a bad value stops the
 * process with a message that says which variable to fix.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** What this process runs: the web service, the scheduler, or both. */
  SERVICES: z
    .string()
    .default('web,scheduler')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['web', 'scheduler'])).min(1)),
  MONGODB_URI: optionalString.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  FERRETDB_BIN: optionalString,
  ADMIN_USERNAME: z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, '3–32 letters, digits, _ . -').default('admin'),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(10, 'must be at least 10 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  APP_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
  /** Public base URL, used in links the bot sends (web chat, booking pages). */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10240).default(256),
  SEED_DEMO_DATA: bool.default(true),
  /** Until officer auth exists, the FAQ editing API is open only when this is on. */
  FAQ_ADMIN_OPEN: bool.default(false),
  COOKIE_SECURE: bool.optional(),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.string().url().optional()),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(8000),
  WECHATY_PUPPET: z.string().min(1).default('wechaty-puppet-wechat4u'),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  BOT_NAME: z.string().min(1).default('警务室小助手'),
  BOT_GROUP_KEYWORD: z.string().min(1).default('警务室'),
  BOT_DAILY_SEND_CAP: z.coerce.number().int().min(1).default(2000),
  /** Minutes an item may wait for an officer, per kind: "emergency=5,tip=120,…". */
  SLA_MINUTES: z
    .string()
    .default('emergency=5,tip=120,complaint=1440,dispute=1440,question=1440,followup=1440')
    .transform((v, ctx) => {
      const out: Record<string, number> = {};
      for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^([a-z_]+)=(\d+)$/.exec(part);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not kind=minutes` });
          return z.NEVER;
        }
        out[m[1]] = Number(m[2]);
      }
      return out;
    }),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these environment variables (see .env.example) and start again.`);
    this.name = 'ConfigError';
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}
