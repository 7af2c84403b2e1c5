import type { SmsSettings } from '../sms.settings';
import type { SmsProvider } from '../sms.types';
import { aliyunProvider } from './aliyun';
import { tencentProvider } from './tencent';
import { webhookProvider } from './webhook';

/** The configured provider, or null when SMS is off. The config has already checked its settings. */
export function createSmsProvider(settings: SmsSettings): SmsProvider | null {
  switch (settings.provider) {
    case 'webhook':
      return settings.webhook ? webhookProvider(settings.webhook) : null;
    case 'tencent':
      return settings.tencent ? tencentProvider({ ...settings.tencent, signName: settings.signName, templates: settings.templates }) : null;
    case 'aliyun':
      return settings.aliyun ? aliyunProvider({ ...settings.aliyun, signName: settings.signName, templates: settings.templates }) : null;
    default:
      return null;
  }
}
