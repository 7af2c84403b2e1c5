import { createHash, randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { badRequest, tooManyRequests } from '../../lib/errors';
import type { Logger } from '../../logging/logger';
import { claimFirstFree, insertUnique } from '../../storage/unique-insert';
import { clientKey, createDailyLimiter, createRateLimiter } from '../rate-limits';
import { queueSms, type SmsSettings } from '../sms';
import { VerificationCodeModel, VerificationGrantModel, VerificationTryModel, VerificationUseModel } from './verification.model';

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

export const VERIFICATION_PURPOSES = ['booking', 'manage'] as const;
export type VerificationPurpose = (typeof VERIFICATION_PURPOSES)[number];

/** The rules of the issue: 6 digits, valid 5 minutes, 5 tries, one a minute per number. */
export const CODE_TTL_MINUTES = 5;
export const CODE_MAX_TRIES = 5;
export const CODE_INTERVAL_SECONDS = 60;
/** How long a right "manage" code lets the page act on that number's bookings. */
export const GRANT_MINUTES = 15;

/**
 * A salted scrypt hash (N=2^14): a stolen database does not give the codes back cheaply, and a
 * guess costs the server the same as a right answer. The code lives 5 minutes and has 5 tries.
 */
async function hashCode(code: string, salt: string): Promise<string> {
  return (await scryptAsync(code, salt, 32, { N: 16384, r: 8, p: 1 })).toString('hex');
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const codeId = (phone: string, purpose: VerificationPurpose) => `${phone}|${purpose}`;

export type CheckOutcome = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'wrong' | 'locked' | 'used'; triesLeft?: number };

export interface VerificationCodes {
  /** SMS is on: booking and managing by phone need codes. */
  readonly enabled: boolean;
  /**
   * Sends a code (when the number should get one). The answer is the same whether or not the
   * number has bookings; only the limits (per address, per number) refuse, with 429.
   */
  request(props: { phone: string; purpose: VerificationPurpose; ip: string; now?: Date } | { phone: string; purpose: VerificationPurpose; clientKey: string; now?: Date }): Promise<{ expiresInSeconds: number; retryAfterSeconds: number }>;
  /** Checks a code and uses it up when right (a right code works once). */
  use(props: { phone: string; purpose: VerificationPurpose; code: string; now?: Date }): Promise<CheckOutcome & { release?: () => Promise<void> }>;
  /** `use()` that throws the resident-facing error instead of returning the reason. */
  assertUse(props: { phone: string; purpose: VerificationPurpose; code: string | null | undefined; now?: Date }): Promise<{ release: () => Promise<void> }>;
  /** After a right "manage" code: a token for GRANT_MINUTES. */
  grant(props: { phone: string; purpose: VerificationPurpose; now?: Date }): Promise<{ token: string; expiresAt: Date }>;
  hasGrant(props: { phone: string; purpose: VerificationPurpose; token: string | null | undefined; now?: Date }): Promise<boolean>;
}

export interface VerificationOptions {
  sms: SmsSettings;
  perPhonePerDay: number;
  perIpPerHour: number;
  logger: Logger;
  /**
   * Whether this number should get a text for this purpose (e.g. "manage" only when it has a
   * booking): when not, nothing is sent, but the answer is the same.
   */
  worthSending?: (phone: string, purpose: VerificationPurpose) => Promise<boolean>;
  /** The clock (tests move it through expiry and daily limits). */
  now?: () => Date;
}

const REASON_MESSAGES: Record<'missing' | 'expired' | 'wrong' | 'locked' | 'used', string> = {
  missing: '请先获取短信验证码（Verification code required）',
  expired: '验证码已过期，请重新获取（Verification code expired）',
  wrong: '验证码不正确，请核对短信后重新输入（Wrong verification code）',
  locked: '验证码输错次数过多，请重新获取（Too many wrong attempts）',
  used: '该验证码已使用过，请重新获取（Verification code already used）',
};

export function verificationError(reason: keyof typeof REASON_MESSAGES, triesLeft?: number) {
  const message = reason === 'wrong' && triesLeft !== undefined ? REASON_MESSAGES.wrong.replace('重新输入', `重新输入，还可尝试${triesLeft}次`) : REASON_MESSAGES[reason];
  return badRequest(message, triesLeft !== undefined ? { triesLeft } : undefined, reason === 'missing' ? 'verification_required' : `verification_${reason}`);
}

export function createVerificationCodes(options: VerificationOptions): VerificationCodes {
  const { sms } = options;
  const clock = options.now ?? (() => new Date());
  const perIp = createRateLimiter({ name: 'vcode-ip', points: options.perIpPerHour, windowMs: 3600_000 });
  const perMinute = createRateLimiter({ name: 'vcode-phone-min', points: 1, windowMs: CODE_INTERVAL_SECONDS * 1000 });
  const perDay = createDailyLimiter({ name: 'vcode-phone-day', points: options.perPhonePerDay, zone: sms.zone });

  async function use(props: { phone: string; purpose: VerificationPurpose; code: string; now?: Date }) {
    const now = props.now ?? clock();
    const current = await VerificationCodeModel.findById(codeId(props.phone, props.purpose)).lean();
    if (!current) return { ok: false as const, reason: 'missing' as const };
    if (current.expiresAt.getTime() <= now.getTime()) return { ok: false as const, reason: 'expired' as const };
    if (await VerificationUseModel.exists({ _id: current.issue })) return { ok: false as const, reason: 'used' as const };
    const tries = Array.from({ length: CODE_MAX_TRIES }, (_, i) => i + 1);
    const taken = await claimFirstFree<unknown, number>(VerificationTryModel, tries, (n) => ({ _id: `${current.issue}|${n}`, expiresAt: current.expiresAt }), { spread: false });
    if (!taken) return { ok: false as const, reason: 'locked' as const };
    const given = /^\d{6}$/.test(props.code) ? props.code : '';
    const expected = Buffer.from(current.hash, 'hex');
    const actual = Buffer.from(await hashCode(given, current.salt), 'hex');
    if (!given || !timingSafeEqual(expected, actual)) {
      const triesLeft = CODE_MAX_TRIES - taken.candidate;
      return triesLeft > 0 ? { ok: false as const, reason: 'wrong' as const, triesLeft } : { ok: false as const, reason: 'locked' as const };
    }
    const used = await insertUnique(VerificationUseModel, { _id: current.issue, expiresAt: current.expiresAt });
    if (!used.won) return { ok: false as const, reason: 'used' as const };
    // What the code unlocked failed for another reason (the slot filled up): the code stays good.
    const release = async () => {
      await VerificationUseModel.deleteOne({ _id: current.issue });
    };
    return { ok: true as const, release };
  }

  return {
    enabled: sms.provider !== null,

    async request(props) {
      const { phone, purpose, now = clock() } = props;
      const answer = { expiresInSeconds: CODE_TTL_MINUTES * 60, retryAfterSeconds: CODE_INTERVAL_SECONDS };
      // The web chat hands over its own keyed hash of the address (the message never carries the address).
      const key = 'clientKey' in props ? `chat:${props.clientKey}` : await clientKey(props.ip || 'unknown', now);
      const byIp = await perIp.consume(key, now);
      if (!byIp.allowed) throw tooManyRequests('获取验证码太频繁，请稍后再试（Too many code requests from this address）');
      const current = await VerificationCodeModel.findById(codeId(phone, purpose), { issuedAt: 1 }).lean();
      const wait = current ? CODE_INTERVAL_SECONDS * 1000 - (now.getTime() - current.issuedAt.getTime()) : 0;
      const minute = wait > 0 ? { allowed: false, retryAfterMs: wait } : await perMinute.consume(`${phone}|${purpose}`, now);
      if (!minute.allowed) throw tooManyRequests(`验证码已发送，请${Math.ceil(minute.retryAfterMs / 1000)}秒后再重新获取（One code a minute）`);
      const day = await perDay.consume(phone, now);
      if (!day.allowed) throw tooManyRequests('该号码今天获取验证码的次数已用完，请明天再试（Daily code limit reached）');
      if (options.worthSending && !(await options.worthSending(phone, purpose))) {
        options.logger.info({ purpose }, 'verification code not sent: nothing to verify for this number');
        return answer;
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const salt = randomBytes(16).toString('hex');
      const issue = randomUUID();
      const expiresAt = new Date(now.getTime() + CODE_TTL_MINUTES * 60_000);
      await VerificationCodeModel.replaceOne(
        { _id: codeId(phone, purpose) },
        { _id: codeId(phone, purpose), issue, hash: await hashCode(code, salt), salt, issuedAt: now, expiresAt },
        { upsert: true },
      );
      await queueSms(sms, { key: `verify:${issue}`, phone, purpose: 'verify', params: { code, minutes: String(CODE_TTL_MINUTES) }, urgent: true, notAfter: expiresAt, source: `verify:${purpose}`, now });
      return answer;
    },

    use,

    async assertUse(props) {
      if (!props.code) throw verificationError('missing');
      const outcome = await use({ ...props, code: props.code });
      if (!outcome.ok) throw verificationError(outcome.reason, outcome.triesLeft);
      return { release: outcome.release! };
    },

    async grant({ phone, purpose, now = clock() }) {
      const token = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now.getTime() + GRANT_MINUTES * 60_000);
      await VerificationGrantModel.create({ _id: sha256(token), phone, purpose, expiresAt });
      return { token, expiresAt };
    },

    async hasGrant({ phone, purpose, token, now = clock() }) {
      if (!token || token.length > 100) return false;
      const grant = await VerificationGrantModel.findById(sha256(token)).lean();
      return !!grant && grant.phone === phone && grant.purpose === purpose && grant.expiresAt.getTime() > now.getTime();
    },
  };
}

/** Deletes codes, tries, uses and grants that are over (the housekeeping job; FerretDB has no TTL index). */
export async function purgeVerification(now = new Date()): Promise<number> {
  const filter = { expiresAt: { $lt: now } };
  const results = [
    await VerificationCodeModel.deleteMany(filter),
    await VerificationTryModel.deleteMany(filter),
    await VerificationUseModel.deleteMany(filter),
    await VerificationGrantModel.deleteMany(filter),
  ];
  return results.reduce((n, r) => n + (r.deletedCount ?? 0), 0);
}
