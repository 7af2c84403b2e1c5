import type { Config } from '../../config';
import { parseQuietHours, type QuietHours } from '../../lib/quiet-hours';
import { DEFAULT_TEMPLATE_PARAMS, SMS_PURPOSES, type SmsPurpose, type SmsTemplate } from './sms.types';

/** Everything the SMS module needs, read once from the validated config. */
export interface SmsSettings {
  provider: 'tencent' | 'aliyun' | 'webhook' | null;
  signName: string;
  templates: Record<SmsPurpose, SmsTemplate>;
  /**
   * Whether room notices may be texted to volunteers (安全员、专管员): the webhook gateway takes
   * any purpose; the clouds need SMS_TEMPLATE_NOTICE approved (optional: without it they get the
   * notices on their page only).
   */
  noticeTexts: boolean;
  webhook: { url: string; secret: string } | null;
  tencent: { secretId: string; secretKey: string; sdkAppId: string; region: string; endpoint: string } | null;
  aliyun: { accessKeyId: string; accessKeySecret: string; endpoint: string } | null;
  dailyCapPerPhone: number;
  maxAttempts: number;
  quiet: QuietHours | null;
  zone: string;
  publicUrl: string;
}

const TEMPLATE_VARS: Record<SmsPurpose, keyof Config> = {
  verify: 'SMS_TEMPLATE_VERIFY',
  booking: 'SMS_TEMPLATE_BOOKING',
  reminder: 'SMS_TEMPLATE_REMINDER',
  reply: 'SMS_TEMPLATE_REPLY',
  cancel: 'SMS_TEMPLATE_CANCEL',
  notice: 'SMS_TEMPLATE_NOTICE',
};

/** "ID" or "ID:a,b,c" → the template; without names the purpose's default parameters. */
export function parseTemplate(value: string | undefined, purpose: SmsPurpose): SmsTemplate {
  if (!value) return { id: purpose, params: DEFAULT_TEMPLATE_PARAMS[purpose] };
  const [id, names] = value.split(':', 2);
  const params = names ? names.split(',').map((n) => n.trim()).filter(Boolean) : DEFAULT_TEMPLATE_PARAMS[purpose];
  return { id: id.trim(), params };
}

export function smsSettings(config: Config): SmsSettings {
  const templates = Object.fromEntries(SMS_PURPOSES.map((p) => [p, parseTemplate(config[TEMPLATE_VARS[p]] as string | undefined, p)])) as Record<SmsPurpose, SmsTemplate>;
  return {
    provider: config.SMS_PROVIDER ?? null,
    signName: config.SMS_SIGN_NAME,
    templates,
    noticeTexts: config.SMS_PROVIDER === 'webhook' || Boolean(config.SMS_TEMPLATE_NOTICE),
    webhook: config.SMS_WEBHOOK_URL && config.SMS_WEBHOOK_SECRET ? { url: config.SMS_WEBHOOK_URL, secret: config.SMS_WEBHOOK_SECRET } : null,
    tencent:
      config.TENCENT_SMS_SECRET_ID && config.TENCENT_SMS_SECRET_KEY && config.TENCENT_SMS_SDK_APP_ID
        ? { secretId: config.TENCENT_SMS_SECRET_ID, secretKey: config.TENCENT_SMS_SECRET_KEY, sdkAppId: config.TENCENT_SMS_SDK_APP_ID, region: config.TENCENT_SMS_REGION, endpoint: config.TENCENT_SMS_ENDPOINT }
        : null,
    aliyun:
      config.ALIYUN_SMS_ACCESS_KEY_ID && config.ALIYUN_SMS_ACCESS_KEY_SECRET
        ? { accessKeyId: config.ALIYUN_SMS_ACCESS_KEY_ID, accessKeySecret: config.ALIYUN_SMS_ACCESS_KEY_SECRET, endpoint: config.ALIYUN_SMS_ENDPOINT }
        : null,
    dailyCapPerPhone: config.SMS_PHONE_DAILY_CAP,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    quiet: parseQuietHours(config.QUIET_HOURS),
    zone: config.APP_TIMEZONE,
    publicUrl: config.PUBLIC_URL.replace(/\/+$/, ''),
  };
}

/** "https://host:port" or "host" → the parts the SDKs take separately. */
export function splitEndpoint(endpoint: string): { protocol: 'http' | 'https'; host: string } {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(endpoint.trim());
  return m ? { protocol: m[1] as 'http' | 'https', host: m[2] } : { protocol: 'https', host: endpoint.trim() };
}
