/**
 * SMS to residents. In China every text needs an approved signature (签名) and template (模板):
 * a provider sends a template id and its parameters, never free text. `text` is the message as
 * the resident reads it (what the webhook gateway gets, what the outbox and logs show).
 */
export const SMS_PURPOSES = ['verify', 'booking', 'reminder', 'reply', 'cancel', 'notice'] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

/** Parameter names of each purpose's template, in the order Tencent's TemplateParamSet takes them. */
export const DEFAULT_TEMPLATE_PARAMS: Record<SmsPurpose, readonly string[]> = {
  verify: ['code', 'minutes'],
  booking: ['code', 'service', 'time', 'address', 'materials'],
  reminder: ['service', 'time', 'address', 'code'],
  reply: ['item', 'link'],
  cancel: ['room', 'date', 'service', 'code'],
  notice: ['room', 'kind', 'title', 'link'],
};

export interface SmsTemplate {
  id: string;
  params: readonly string[];
}

export interface SmsMessage {
  /** 11-digit mainland mobile number. */
  phone: string;
  purpose: SmsPurpose;
  params: Record<string, string>;
  text: string;
}

export interface SmsProvider {
  readonly name: 'tencent' | 'aliyun' | 'webhook';
  /** Resolves when the gateway accepted the message; throws SmsRejected / Error otherwise. */
  send(message: SmsMessage): Promise<{ id: string | null }>;
}

/** The gateway refused the message for a reason a retry cannot fix (bad number, template not approved). */
export class SmsRejected extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmsRejected';
  }
}
