/**
 * SMS to residents: providers (Tencent Cloud, Alibaba Cloud, a signed webhook), the texts,
 * queueing through the persisted outbox, and the sender with its per-number cap and quiet hours.
 */
export { SMS_PURPOSES, DEFAULT_TEMPLATE_PARAMS, SmsRejected, type SmsPurpose, type SmsMessage, type SmsProvider, type SmsTemplate } from './sms.types';
export { smsSettings, parseTemplate, type SmsSettings } from './sms.settings';
export { smsText } from './sms.texts';
export { queueSms, type QueueSmsProps } from './sms.service';
export { createSmsSender } from './sms.sender';
export { createSmsProvider } from './providers';
export { webhookSignature, WEBHOOK_SIGNATURE_HEADER } from './providers/webhook';
