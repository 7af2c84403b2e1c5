import dotenv from 'dotenv';
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
  COOKIE_SECURE: bool.optional(),
  /** Officers' sessions end this many minutes after their last request (besides SESSION_MAX_HOURS). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Officers' sessions end this many hours after sign-in, however active. */
  SESSION_MAX_HOURS: z.coerce.number().min(0.1).max(24 * 30).default(12),
  /**
   * Reverse proxies in front that append the client's address to X-Forwarded-For (0 = none:
   * the header is ignored, since a client could write it to dodge per-IP limits).
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.string().url().optional()),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Model of the OpenAI-compatible audio/transcriptions endpoint (residents' voice messages). */
  OPENAI_TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(8000),
  WECHATY_PUPPET: z.string().min(1).default('wechaty-puppet-wechat4u'),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  BOT_NAME: z.string().min(1).default('警务室小助手'),
  BOT_GROUP_KEYWORD: z.string().min(1).default('警务室'),
  BOT_DAILY_SEND_CAP: z.coerce.number().int().min(1).default(2000),
  /**
   * WeCom (企业微信) API: the official WeChat roads (customer service for residents, customer-group
   * announcements, officer alerts). All optional: a channel whose settings are missing is off and
   * says which are missing (GET /api/channels/status). Government WeCom runs the same API under its own host.
   */
  WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com').transform((v) => v.replace(/\/+$/, '')),
  WECOM_CORP_ID: optionalString,
  /** Callback URL settings (Token and EncodingAESKey, 43 characters) of the customer-service / app callback. */
  WECOM_CALLBACK_TOKEN: optionalString,
  WECOM_CALLBACK_AES_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey').optional()),
  /** Secret of WeChat Customer Service (微信客服). */
  WECOM_KF_SECRET: optionalString,
  /** The internal app that alerts officers (message/send). */
  WECOM_APP_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'must be the numeric AgentId').optional()),
  WECOM_APP_SECRET: optionalString,
  /** Customer-contact secret (customer groups, group-send tasks), when it differs from the app's. */
  WECOM_CONTACT_SECRET: optionalString,
  /**
   * Key that encrypts credentials stored in the database (the rooms' WeCom robot webhook keys)
   * with AES-256-GCM: 32 random bytes as 64 hex characters or base64 (`openssl rand -hex 32`).
   */
  SECRETS_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes: 64 hex characters or base64 (openssl rand -hex 32)')
      .optional(),
  ),
  /** Hours after which a group-send task nobody confirmed reminds its officer. */
  WECOM_GROUP_REMIND_HOURS: z.coerce.number().min(0.05).max(24 * 7).default(4),
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
  /** Inbox: minutes a claim (lease) lasts without action before the item returns to the queue. */
  CLAIM_LEASE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Largest image a tipster or officer may attach, in KiB (jpeg/png/webp only). */
  ATTACHMENT_MAX_KB: z.coerce.number().int().min(16).max(51200).default(5120),
  /** Tip line: images one tip may receive per day (Beijing day); more gets 429. */
  TIP_ATTACHMENTS_PER_TIP_DAILY: z.coerce.number().int().min(1).max(1000).default(20),
  /** Tip line: images one client address may upload per day, over all tips; more gets 429. */
  TIP_ATTACHMENTS_PER_ADDRESS_DAILY: z.coerce.number().int().min(1).max(10000).default(40),
  /** How often each instance polls the events collection for live inbox updates (ms). */
  LIVE_POLL_MS: z.coerce.number().int().min(100).max(60000).default(1000),
  /** Conversations: minutes of inactivity after which a half-finished multi-turn flow is forgotten. */
  CONVERSATION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Conversations: hours after an item is resolved during which a resident's message reopens it. */
  ITEM_REOPEN_HOURS: z.coerce.number().int().min(0).max(24 * 30).default(72),
  /** Web chat: messages per minute allowed per conversation and per client IP. */
  CHAT_RATE_CONVERSATION_PER_MIN: z.coerce.number().int().min(1).default(20),
  CHAT_RATE_IP_PER_MIN: z.coerce.number().int().min(1).default(60),
  /** Tip line: submissions per IP per hour, and look-ups/messages with a code per IP per 10 minutes. */
  TIP_RATE_SUBMIT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  TIP_RATE_LOOKUP_PER_10MIN: z.coerce.number().int().min(1).default(120),
  /** WeChat bot: messages per minute it answers per sender and per group. */
  BOT_RATE_SENDER_PER_MIN: z.coerce.number().int().min(1).default(10),
  BOT_RATE_GROUP_PER_MIN: z.coerce.number().int().min(1).default(30),
  /**
   * Emergencies: repeats from one conversation or client address within this many minutes join
   * the first one's item (officers are paged once), and a bound group's unaddressed emergency
   * is answered at most once per sender in this window.
   */
  EMERGENCY_REPEAT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(5),
  /** WeChat bot: binding commands from non-officers answered per group per 10 minutes. */
  BOT_BIND_COMMANDS_PER_10MIN: z.coerce.number().int().min(1).max(100).default(2),
  /** WeChat bot: heartbeat interval (s); the bot counts as offline after 3 missed beats. */
  BOT_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** WeChat bot: messages older than this at arrival are ignored (start-up backlog). */
  BOT_MAX_MESSAGE_AGE_SECONDS: z.coerce.number().int().min(1).default(120),
  /** Outbox sender: poll interval (ms) and attempts before a message is marked failed. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60000).default(1000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** Delivered (or finally failed) outbox messages are deleted by the nightly housekeeping after this many days. */
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** One-time group binding codes expire after this many minutes. */
  BIND_CODE_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  /** Appointments: defaults for rooms whose schedule was never edited (each room's schedule is editable). */
  APPOINTMENT_SLOT_MINUTES: z.coerce.number().int().min(5).max(240).default(30),
  APPOINTMENT_SLOT_CAPACITY: z.coerce.number().int().min(1).max(50).default(3),
  APPOINTMENT_WALKIN_SHARE: z.coerce.number().min(0).max(1).default(0.25),
  APPOINTMENT_BOOKING_OPENS_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  APPOINTMENT_BOOKING_CLOSES_MINUTES: z.coerce.number().int().min(0).max(10080).default(60),
  /** Appointments: residents may cancel or reschedule until this many minutes before the slot. */
  APPOINTMENT_CANCEL_CLOSES_MINUTES: z.coerce.number().int().min(0).max(10080).default(120),
  /** Appointments abuse limits: active bookings per mobile; N no-shows within the window block booking for BLOCK_DAYS. */
  APPOINTMENT_MAX_ACTIVE_PER_PHONE: z.coerce.number().int().min(1).max(20).default(3),
  APPOINTMENT_NOSHOW_LIMIT: z.coerce.number().int().min(1).max(50).default(3),
  APPOINTMENT_NOSHOW_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  APPOINTMENT_NOSHOW_BLOCK_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /**
   * Appointment guards (with or without SMS), per client address and per mobile number. Defaults a
   * room would choose: a family books a few services, a neighbourhood shares one address behind
   * its broadband; a script booking every seat does not get far.
   */
  APPOINTMENT_RATE_BOOK_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(20),
  APPOINTMENT_RATE_BOOK_PER_PHONE_PER_DAY: z.coerce.number().int().min(1).default(5),
  /** Look-ups, cancels and reschedules by code + number. */
  APPOINTMENT_RATE_MANAGE_PER_IP_PER_10MIN: z.coerce.number().int().min(1).default(60),
  APPOINTMENT_RATE_MANAGE_PER_PHONE_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** .ics downloads, and the free-slot list (counts only, never names), per address. */
  APPOINTMENT_RATE_ICS_PER_IP_PER_10MIN: z.coerce.number().int().min(1).default(60),
  APPOINTMENT_RATE_SLOTS_PER_IP_PER_MIN: z.coerce.number().int().min(1).default(120),
  /** Scheduler: a run missed while the service was down still happens if it is at most this many hours late. */
  JOB_CATCHUP_HOURS: z.coerce.number().min(0).max(24 * 7).default(6),
  /** Scheduler: seconds a job run is leased to one instance; after that another instance resumes it. */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(10).max(24 * 3600).default(300),
  /** Non-urgent group messages enqueued inside these hours (APP_TIMEZONE, "HH:mm-HH:mm") wait until the end. */
  QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must look like 21:30-08:00 (or 00:00-00:00 for none)')
    .default('21:30-08:00'),
  /**
   * SMS to residents (verification codes, booking confirmations, reminders, reply notices,
   * cancellations): tencent | aliyun | webhook, or empty for none. With SMS on, booking and
   * managing a booking by phone need a code sent to that number.
   */
  SMS_PROVIDER: optionalString.pipe(z.enum(['tencent', 'aliyun', 'webhook']).optional()),
  /** The approved SMS signature (签名), without the brackets. */
  SMS_SIGN_NAME: z.string().min(1).max(20).default('网上警务室'),
  /**
   * Per purpose, the approved template: "TEMPLATE_ID" or "TEMPLATE_ID:param1,param2" (the
   * parameter names in the template's order; the defaults are listed in .env.example).
   */
  SMS_TEMPLATE_VERIFY: optionalString,
  SMS_TEMPLATE_BOOKING: optionalString,
  SMS_TEMPLATE_REMINDER: optionalString,
  SMS_TEMPLATE_REPLY: optionalString,
  SMS_TEMPLATE_CANCEL: optionalString,
  /** Optional: room notices texted to 安全员/专管员 (issue 20); without it (tencent/aliyun) they are on their page only. */
  SMS_TEMPLATE_NOTICE: optionalString,
  /** Webhook provider: the gateway URL and the HMAC-SHA256 key of the X-Sms-Signature header. */
  SMS_WEBHOOK_URL: optionalString.pipe(z.string().url().optional()),
  SMS_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Tencent Cloud SMS (tencentcloud-sdk-nodejs-sms); the endpoint may be a full http(s):// URL. */
  TENCENT_SMS_SECRET_ID: optionalString,
  TENCENT_SMS_SECRET_KEY: optionalString,
  TENCENT_SMS_SDK_APP_ID: optionalString,
  TENCENT_SMS_REGION: z.string().min(1).default('ap-guangzhou'),
  TENCENT_SMS_ENDPOINT: z.string().min(1).default('sms.tencentcloudapi.com'),
  /** Alibaba Cloud SMS (@alicloud/dysmsapi20170525); the endpoint may be a full http(s):// URL. */
  ALIYUN_SMS_ACCESS_KEY_ID: optionalString,
  ALIYUN_SMS_ACCESS_KEY_SECRET: optionalString,
  ALIYUN_SMS_ENDPOINT: z.string().min(1).default('dysmsapi.aliyuncs.com'),
  /** Texts per mobile number per day (Asia/Shanghai day), all purposes together; more wait for the next day. */
  SMS_PHONE_DAILY_CAP: z.coerce.number().int().min(1).max(100).default(15),
  /** Verification codes: per number per day, and requests per client address per hour. */
  VERIFY_CODES_PER_PHONE_PER_DAY: z.coerce.number().int().min(1).max(50).default(10),
  VERIFY_CODES_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(30),
  /** SLA escalation: minutes after the room's officers were told before the district supervisor is told too. */
  SLA_SUPERVISOR_AFTER_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  /** Local time of each officer's daily digest of what waits for them. */
  DAILY_DIGEST_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm').default('08:30'),
  /** Local time of the evening-before appointment reminder. */
  REMINDER_EVENING_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm').default('19:00'),
  /** Satisfaction surveys: hours after sending during which an answer still counts. */
  SURVEY_WINDOW_HOURS: z.coerce.number().min(1).max(24 * 90).default(72),
  /** Monthly assessment: satisfaction below this percentage is flagged (the bureau's line is 90). */
  REPORT_SATISFACTION_TARGET: z.coerce.number().min(1).max(100).default(90),
  /** Local time of the nightly job that rolls up each closed day for the monthly assessment. */
  REPORT_ROLLUP_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm').default('00:20'),
  /** Minutes between refreshes of the cached figures of the still-open day (0 = no refresh job). */
  REPORT_LIVE_REFRESH_MINUTES: z.coerce.number().int().min(0).max(1440).default(10),
  /** Seconds a cached computation of the open day may be used by a report before it is recomputed. */
  REPORT_LIVE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86400).default(900),
});

export type Config = z.infer<typeof ConfigSchema>;

/** What the chosen SMS provider cannot work without. */
function smsProblems(c: Config): string[] {
  const need = (names: Array<keyof Config>) => names.filter((n) => !c[n]).map((n) => `${n}: required when SMS_PROVIDER=${c.SMS_PROVIDER}`);
  const templates: Array<keyof Config> = ['SMS_TEMPLATE_VERIFY', 'SMS_TEMPLATE_BOOKING', 'SMS_TEMPLATE_REMINDER', 'SMS_TEMPLATE_REPLY', 'SMS_TEMPLATE_CANCEL'];
  if (c.SMS_PROVIDER === 'webhook') return need(['SMS_WEBHOOK_URL', 'SMS_WEBHOOK_SECRET']);
  if (c.SMS_PROVIDER === 'tencent') return need(['TENCENT_SMS_SECRET_ID', 'TENCENT_SMS_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID', ...templates]);
  if (c.SMS_PROVIDER === 'aliyun') return need(['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET', ...templates]);
  return [];
}

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
  const problems = smsProblems(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/**
 * For the entry points (service and bot): reads `.env` into the environment, then the config;
 * an invalid config prints what to fix and exits 78 (EX_CONFIG) instead of a stack trace.
 */
export function loadConfigOrExit(): Config {
  dotenv.config({ quiet: true });
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
