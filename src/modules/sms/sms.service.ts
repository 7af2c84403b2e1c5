import type { Types } from 'mongoose';
import { quietHoursRelease } from '../../lib/quiet-hours';
import { enqueueMessage } from '../outbox';
import type { SmsSettings } from './sms.settings';
import { smsText } from './sms.texts';
import type { SmsPurpose } from './sms.types';

export interface QueueSmsProps {
  /** Idempotency key: the same key is stored (and sent) once, whoever enqueues it and however often. */
  key: string;
  phone: string;
  purpose: SmsPurpose;
  params: Record<string, string>;
  /** Urgent texts (a code the resident waits for, a confirmation of what they just did) ignore quiet hours. */
  urgent?: boolean;
  /** Given up when still unsent then (a verification code's expiry). */
  notAfter?: Date | null;
  item?: Types.ObjectId | string | null;
  source?: string;
  now?: Date;
}

/**
 * Puts a text in the persisted outbox (channel `sms`, conversation = the number); the SMS
 * sender delivers it. Nothing is queued when SMS is off. Non-urgent texts queued in quiet
 * hours wait until they end.
 */
export async function queueSms(settings: SmsSettings, props: QueueSmsProps): Promise<{ queued: boolean; created: boolean }> {
  if (!settings.provider) return { queued: false, created: false };
  const now = props.now ?? new Date();
  const { created } = await enqueueMessage({
    key: `sms:${props.key}`,
    to: { channel: 'sms', conversationId: props.phone, isGroup: false },
    text: smsText(props.purpose, props.params, settings.signName),
    params: props.params,
    purpose: props.purpose,
    urgent: props.urgent ?? false,
    notBefore: props.urgent ? now : quietHoursRelease(now, settings.quiet, settings.zone),
    notAfter: props.notAfter ?? null,
    item: props.item ?? null,
    source: props.source,
  });
  return { queued: true, created };
}
