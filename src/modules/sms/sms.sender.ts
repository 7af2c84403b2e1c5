import type { Logger } from '../../logging/logger';
import { quietHoursRelease } from '../../lib/quiet-hours';
import { createOutboxSender, OutboxGiveUp, OutboxHold, type OutboxSender, redactMessage } from '../outbox';
import { smsText } from './sms.texts';
import { createDailyLimiter } from '../rate-limits';
import type { SmsSettings } from './sms.settings';
import { SmsRejected, type SmsProvider, type SmsPurpose } from './sms.types';

/**
 * Delivers the outbox's `sms` messages through the provider. Any number of instances may run
 * one: each attempt is claimed by a unique insert (see the outbox sender), so a text is handed
 * to the gateway once. The channel's rules, each recorded on the message when it holds it:
 *  - quiet hours: a non-urgent text waits for their end, even when it fell due inside them
 *    after a retry;
 *  - per-number daily cap (SMS_PHONE_DAILY_CAP, all purposes, the Asia/Shanghai day): the text
 *    waits for the next day; a code (which expires) is given up instead. The cap counts
 *    attempts, so a failed attempt uses a place too: the cautious side;
 *  - a text whose `notAfter` passed (an expired code) is given up, never sent late;
 *  - a verification code is blanked in the outbox once sent or given up;
 *  - a rejection the gateway will repeat (bad number, unapproved template) fails at once;
 *    other failures are retried with backoff up to OUTBOX_MAX_ATTEMPTS, the reason kept.
 */
export function createSmsSender(props: { settings: SmsSettings; provider: SmsProvider; logger: Logger; senderId: string; now?: () => Date; baseBackoffMs?: number }): OutboxSender {
  const { settings, provider } = props;
  const now = props.now ?? (() => new Date());
  const cap = createDailyLimiter({ name: 'sms-phone-day', points: settings.dailyCapPerPhone, zone: settings.zone });
  return createOutboxSender({
    channel: 'sms',
    senderId: props.senderId,
    logger: props.logger,
    now,
    maxAttempts: settings.maxAttempts,
    baseBackoffMs: props.baseBackoffMs,
    async send(message) {
      const at = now();
      const purpose = message.purpose as SmsPurpose;
      const params = (message.params ?? {}) as Record<string, string>;
      // A code must not stay readable in the outbox once it was sent or given up.
      const redact = async () => {
        if (!params.code || purpose !== 'verify') return;
        const hidden = { ...params, code: '******' };
        await redactMessage(message._id, smsText(purpose, hidden, settings.signName), hidden);
      };
      const giveUp = async (reason: string) => {
        await redact();
        return new OutboxGiveUp(reason);
      };
      if (message.notAfter && message.notAfter.getTime() < at.getTime()) throw await giveUp('已过有效期，未发送（expired before it could be sent）');
      if (!message.urgent) {
        const release = quietHoursRelease(at, settings.quiet, settings.zone);
        if (release.getTime() > at.getTime()) throw new OutboxHold(release, `免打扰时段（${settings.quiet?.start}-${settings.quiet?.end}），时段结束后发送`);
      }
      const phone = message.conversationId;
      // An urgent room notice (an emergency 警情通报) is never held back by the cap.
      const capped = !(purpose === 'notice' && message.urgent);
      const seat = capped ? await cap.consume(phone, at) : { allowed: true, retryAfterMs: 0 };
      if (!seat.allowed) {
        const reason = `该号码今日短信已达上限（${settings.dailyCapPerPhone}条）`;
        if (message.notAfter) throw await giveUp(`${reason}，验证码未发送`);
        const tomorrow = new Date(at.getTime() + seat.retryAfterMs);
        throw new OutboxHold(message.urgent ? tomorrow : quietHoursRelease(tomorrow, settings.quiet, settings.zone), `${reason}，次日发送`);
      }
      try {
        await provider.send({ phone, purpose, params, text: message.text });
      } catch (err) {
        if (err instanceof SmsRejected) throw await giveUp(err.message);
        throw err;
      }
      await redact();
    },
  });
}
