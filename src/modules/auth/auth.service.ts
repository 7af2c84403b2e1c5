import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { tooManyRequests, unauthorized } from '../../lib/errors';
import { OfficerModel } from '../officers/officer.model';
import type { SessionOfficer } from './auth.types';
import { LoginFailureModel, SessionModel } from './session.model';

export const SESSION_COOKIE = 'pr_session';
const SESSION_HOURS = 12;
const LOCKOUT_WINDOW_MS = 15 * 60_000;
const MAX_FAILURES_PER_USER = 5;
const MAX_FAILURES_PER_IP = 20;
// A real hash to verify against when the username is unknown, so both cases take the same time.
const DUMMY_HASH_PROMISE = hash('not-a-real-password-ever');

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  officer: SessionOfficer;
}

/**
 * How long a lock still lasts: with `max` or more failures in the window, it lifts when enough
 * of the oldest ones leave the window that fewer than `max` remain. 0 when not locked.
 */
function lockRemainingMs(failures: Array<{ at: Date }>, max: number, now: Date): number {
  if (failures.length < max) return 0;
  const times = failures.map((f) => f.at.getTime()).sort((a, b) => a - b);
  return times[times.length - max] + LOCKOUT_WINDOW_MS - now.getTime();
}

/** Checks the password, enforces lockout, and opens a server-side session. */
export async function login(props: { username: string; password: string; ip?: string; now?: Date }): Promise<LoginResult> {
  const now = props.now ?? new Date();
  const since = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  const [userFailures, ipFailures] = await Promise.all([
    LoginFailureModel.find({ username: props.username, at: { $gte: since } }, { at: 1 }).lean(),
    props.ip ? LoginFailureModel.find({ ip: props.ip, at: { $gte: since } }, { at: 1 }).lean() : Promise.resolve([]),
  ]);
  const lockedFor = Math.max(lockRemainingMs(userFailures, MAX_FAILURES_PER_USER, now), lockRemainingMs(ipFailures, MAX_FAILURES_PER_IP, now));
  if (lockedFor > 0) {
    const minutes = Math.max(1, Math.ceil(lockedFor / 60_000));
    throw tooManyRequests(
      `登录失败次数过多，账号已临时锁定，请${minutes}分钟后再试（Too many failed logins; try again in ${minutes} min）`,
      'account_locked',
      lockedFor / 1000,
    );
  }
  const officer = await OfficerModel.findOne({ username: props.username, active: true }).select('+passwordHash').lean();
  let passwordOk = false;
  if (officer?.passwordHash) passwordOk = await verify(officer.passwordHash, props.password).catch(() => false);
  else await verify(await DUMMY_HASH_PROMISE, props.password).catch(() => false); // same cost as a real check
  if (!officer || !passwordOk) {
    await LoginFailureModel.create({ username: props.username, ip: props.ip, at: now });
    throw unauthorized('用户名或密码错误（Wrong username or password）', 'invalid_credentials');
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  const session = await SessionModel.create({ tokenHash: sha256(token), officer: officer._id, csrfToken, expiresAt, lastSeenAt: now, ip: props.ip });
  return {
    token,
    expiresAt,
    officer: {
      id: String(officer._id),
      username: officer.username,
      name: officer.name,
      role: officer.role,
      rooms: officer.rooms,
      district: officer.district ?? null,
      csrfToken,
      sessionId: String(session._id),
    },
  };
}

/** Resolves a session cookie to the officer, or null when absent, unknown, expired, or the officer was deactivated. */
export async function resolveSession(token: string | undefined, now = new Date()): Promise<SessionOfficer | null> {
  if (!token || token.length > 100) return null;
  const session = await SessionModel.findOne({ tokenHash: sha256(token) }).lean();
  if (!session || session.expiresAt <= now) return null;
  const officer = await OfficerModel.findOne({ _id: session.officer, active: true }).lean();
  if (!officer) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > 5 * 60_000) {
    void SessionModel.updateOne({ _id: session._id }, { $set: { lastSeenAt: now } }).catch(() => undefined);
  }
  return {
    id: String(officer._id),
    username: officer.username,
    name: officer.name,
    role: officer.role,
    rooms: officer.rooms,
    district: officer.district ?? null,
    csrfToken: session.csrfToken,
    sessionId: String(session._id),
  };
}

export async function logout(sessionId: string): Promise<void> {
  await SessionModel.deleteOne({ _id: sessionId });
}

