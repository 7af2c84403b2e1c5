import type { Config } from '../../config';

/**
 * Which WeCom roads are on, from the config alone. A road whose settings are missing is off
 * and names what it lacks, so an admin sees "set WECOM_KF_SECRET" instead of silence.
 */
export type WecomRoad = 'kf' | 'groups' | 'alerts';

export interface RoadState {
  on: boolean;
  missing: string[];
}

export const ROAD_LABELS: Record<WecomRoad, string> = {
  kf: '微信客服（居民一对一）',
  groups: '客户群群发（公告）',
  alerts: '应用消息（民警提醒）',
};

function missing(config: Config, names: Array<keyof Config>): string[] {
  return names.filter((n) => config[n] === undefined || config[n] === '').map(String);
}

export function roadStates(config: Config): Record<WecomRoad, RoadState> {
  const kf = missing(config, ['WECOM_CORP_ID', 'WECOM_CALLBACK_TOKEN', 'WECOM_CALLBACK_AES_KEY', 'WECOM_KF_SECRET']);
  const groups = missing(config, ['WECOM_CORP_ID']);
  if (!config.WECOM_CONTACT_SECRET && !config.WECOM_APP_SECRET) groups.push('WECOM_CONTACT_SECRET');
  const alerts = missing(config, ['WECOM_CORP_ID', 'WECOM_APP_AGENT_ID', 'WECOM_APP_SECRET']);
  return {
    kf: { on: kf.length === 0, missing: kf },
    groups: { on: groups.length === 0, missing: groups },
    alerts: { on: alerts.length === 0, missing: alerts },
  };
}

/** A WeCom secret with the name it is known by in logs and the call record (never the secret itself). */
export interface WecomSecret {
  name: 'kf' | 'app' | 'contact';
  secret: string;
}

export function kfSecret(config: Config): WecomSecret | null {
  return config.WECOM_KF_SECRET ? { name: 'kf', secret: config.WECOM_KF_SECRET } : null;
}

export function appSecret(config: Config): WecomSecret | null {
  return config.WECOM_APP_SECRET ? { name: 'app', secret: config.WECOM_APP_SECRET } : null;
}

/** The customer-contact secret, or the app's when the app has the customer-contact permission. */
export function contactSecret(config: Config): WecomSecret | null {
  if (config.WECOM_CONTACT_SECRET) return { name: 'contact', secret: config.WECOM_CONTACT_SECRET };
  return config.WECOM_APP_SECRET ? { name: 'contact', secret: config.WECOM_APP_SECRET } : null;
}
