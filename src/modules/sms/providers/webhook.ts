import { createHmac } from 'node:crypto';
import { SmsRejected, type SmsMessage, type SmsProvider } from '../sms.types';

/** The header that carries `sha256=<hex HMAC-SHA256 of the raw body, keyed with SMS_WEBHOOK_SECRET>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-sms-signature';

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Any other gateway: POSTs `{"phone", "purpose", "params", "text"}` as JSON to SMS_WEBHOOK_URL,
 * signed over the exact body bytes. A 2xx answer is "accepted"; 4xx other than 408/429 means the
 * gateway will never take this message; anything else is retried by the outbox.
 */
export function webhookProvider(options: { url: string; secret: string; timeoutMs?: number }): SmsProvider {
  return {
    name: 'webhook',
    async send(message: SmsMessage) {
      const body = JSON.stringify({ phone: message.phone, purpose: message.purpose, params: message.params, text: message.text });
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(options.secret, body) },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const answer = (await res.text().catch(() => '')).slice(0, 200);
      if (res.ok) {
        try {
          const parsed = JSON.parse(answer) as { id?: unknown };
          return { id: typeof parsed.id === 'string' ? parsed.id : null };
        } catch {
          return { id: null };
        }
      }
      const reason = `短信网关拒绝（HTTP ${res.status}）：${answer}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new SmsRejected(reason);
      throw new Error(reason);
    },
  };
}
