import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { badRequest, tooManyRequests, unauthorized } from '../../lib/errors';
import { publishSessionEnded } from '../live';
import { clientKey } from '../rate-limits';
import { activeOfficerById, activeOfficerWithPassword, hashPassword, needsRehash, setOfficerPassword, verifyPassword } from '../officers';
import type { SessionOfficer } from './auth.types';
import { LoginFailureModel, SessionModel } from './session.model';

export const SESSION_COOKIE = 'pr_session';

/** How long sessions last: at most `maxHours` after sign-in, and `idleMinutes` after the last request. */
export interface SessionPolicy {
  maxHours: number;
  idleMinutes: number;
}
export const DEFAULT_SESSION_POLICY: SessionPolicy = { maxHours: 12, idleMinutes: 30 };

/**
 * Sign-in throttling. Failures are counted per username *and* address, so an attacker's wrong
 * guesses slow down only the attacker's own address: the officer signing in from elsewhere is
 * never held up by them. After FREE_TRIES failures each further try must wait a delay that
 * doubles with every failure (30 s, 1 min, 2 min … up to 15 min). A second, looser count per
 * address across usernames slows down password spraying.
 */
const FAILURE_WINDOW_MS = 60 * 60_000;
const FREE_TRIES_PER_USER_AND_IP = 5;
const FREE_TRIES_PER_IP = 20;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;

// A real hash to verify against when the username is unknown, so both cases take the same time.
const DUMMY_HASH_PROMISE = hashPassword('not-a-real-password-ever-1');

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

/** The wait required after `failures` earlier failures (0 while within the free tries). */
export function delayAfterFailures(failures: number, freeTries: number): number {
  if (failures < freeTries) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - freeTries));
}

/** How long the caller must still wait, given earlier attempts (times) and the rule. */
function waitRemainingMs(earlier: Date[], freeTries: number, now: Date): number {
  const delay = delayAfterFailures(earlier.length, freeTries);
  if (!delay) return 0;
  const last = Math.max(...earlier.map((d) => d.getTime()));
  return Math.max(0, last + delay - now.getTime());
}

/**
 * Checks the password and opens a server-side session.
 *
 * Each attempt first inserts its own row, then counts the rows before deciding: concurrent
 * attempts each see the others (inserts are atomic, a count after an insert includes it), so a
 * burst of parallel guesses gets no more tries than sequential ones. A refused attempt removes
 * its row; a failed one keeps it as the failure record; a successful one clears that username's
 * failures from that address.
 */
export async function login(props: {
  username: string;
  password: string;
  ip?: string;
  now?: Date;
  policy?: SessionPolicy;
}): Promise<LoginResult> {
  const now = props.now ?? new Date();
  const policy = props.policy ?? DEFAULT_SESSION_POLICY;
  // The address is kept only as the day's keyed hash (src/modules/rate-limits/client-key.ts).
  const ip = props.ip ? await clientKey(props.ip, now) : '';
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const attempt = await LoginFailureModel.create({ username: props.username, ip, at: now });
  // Every other row in the window, concurrent attempts included (not only earlier ones by clock):
  // of N attempts racing, the k-th to count sees at least k-1 others.
  const others = { _id: { $ne: attempt._id }, at: { $gte: since } };
  const [userRows, ipRows] = await Promise.all([
    LoginFailureModel.find({ username: props.username, ip, ...others }, { at: 1 }).lean(),
    LoginFailureModel.find({ ip, ...others }, { at: 1 }).lean(),
  ]);
  const waitMs = Math.max(
    waitRemainingMs(userRows.map((r) => r.at), FREE_TRIES_PER_USER_AND_IP, now),
    waitRemainingMs(ipRows.map((r) => r.at), FREE_TRIES_PER_IP, now),
  );
  if (waitMs > 0) {
    await LoginFailureModel.deleteOne({ _id: attempt._id });
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const wait = seconds >= 60 ? `${Math.ceil(seconds / 60)}分钟` : `${seconds}秒`;
    throw tooManyRequests(
      `登录失败次数过多，请${wait}后再试（Too many failed sign-ins from this address; try again in ${seconds} s）`,
      'login_slowed_down',
      seconds,
    );
  }

  const officer = await activeOfficerWithPassword({ username: props.username });
  let passwordOk = false;
  if (officer?.passwordHash) passwordOk = await verifyPassword(officer.passwordHash, props.password);
  else await verifyPassword(await DUMMY_HASH_PROMISE, props.password); // same cost as a real check
  if (!officer || !passwordOk) {
    throw unauthorized('用户名或密码错误（Wrong username or password）', 'invalid_credentials');
  }
  await LoginFailureModel.deleteMany({ username: props.username, ip });
  // Hashes made with older, weaker parameters are replaced now that the password is at hand.
  if (officer.passwordHash && needsRehash(officer.passwordHash)) {
    await setOfficerPassword(officer._id, { passwordHash: await hashPassword(props.password) });
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.maxHours * 3600_000);
  const session = await SessionModel.create({ tokenHash: sha256(token), officer: officer._id, csrfToken, expiresAt, lastSeenAt: now, ip: props.ip });
  return { token, expiresAt, officer: toSessionOfficer(officer, csrfToken, String(session._id)) };
}

function toSessionOfficer(
  officer: { _id: unknown; username: string; name: string; role: SessionOfficer['role']; rooms: string[]; district?: string | null; mustChangePassword?: boolean | null },
  csrfToken: string,
  sessionId: string,
): SessionOfficer {
  return {
    id: String(officer._id),
    username: officer.username,
    name: officer.name,
    role: officer.role,
    rooms: officer.rooms,
    district: officer.district ?? null,
    mustChangePassword: Boolean(officer.mustChangePassword),
    csrfToken,
    sessionId,
  };
}

/**
 * Resolves a session cookie to the officer, or null when absent, unknown, past its absolute
 * expiry, idle for longer than the policy allows, or the officer was deactivated.
 */
export async function resolveSession(token: string | undefined, now = new Date(), policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<SessionOfficer | null> {
  if (!token || token.length > 100) return null;
  const session = await SessionModel.findOne({ tokenHash: sha256(token) }).lean();
  if (!session || session.expiresAt <= now) return null;
  const idleMs = policy.idleMinutes * 60_000;
  if (now.getTime() - session.lastSeenAt.getTime() > idleMs) {
    await SessionModel.deleteOne({ _id: session._id });
    return null;
  }
  const officer = await activeOfficerById(session.officer);
  if (!officer) return null;
  // lastSeenAt is written at most every tenth of the idle time (≤ 1 min), not on every request.
  if (now.getTime() - session.lastSeenAt.getTime() > Math.min(60_000, idleMs / 10)) {
    void SessionModel.updateOne({ _id: session._id }, { $set: { lastSeenAt: now } }).catch(() => undefined);
  }
  return toSessionOfficer(officer, session.csrfToken, String(session._id));
}

/** Signs one session out, and closes its live streams at once. */
export async function logout(officer: Pick<SessionOfficer, 'id' | 'sessionId'>): Promise<void> {
  await SessionModel.deleteOne({ _id: officer.sessionId });
  await publishSessionEnded({ officer: officer.id, session: officer.sessionId });
}

/**
 * Ends every session of an officer (deactivation, a password reset), or every one but
 * `except` (the officer changing their own password keeps the session they did it in).
 */
export async function endOfficerSessions(officerId: string, except?: string): Promise<number> {
  const filter: Record<string, unknown> = { officer: new Types.ObjectId(officerId) };
  if (except) filter._id = { $ne: new Types.ObjectId(except) };
  const ended = await SessionModel.find(filter, { _id: 1 }).lean();
  await SessionModel.deleteMany(filter);
  if (except) for (const s of ended) await publishSessionEnded({ officer: officerId, session: String(s._id) });
  else await publishSessionEnded({ officer: officerId });
  return ended.length;
}

/** An officer's own open sessions, newest first. */
export async function listOwnSessions(officerId: string, now = new Date()) {
  const sessions = await SessionModel.find({ officer: new Types.ObjectId(officerId), expiresAt: { $gt: now } }).sort({ lastSeenAt: -1 }).lean();
  return sessions;
}

/** Ends one of the officer's own sessions; false when it is not theirs (or gone). */
export async function endOwnSession(officerId: string, sessionId: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(sessionId)) return false;
  const res = await SessionModel.deleteOne({ _id: new Types.ObjectId(sessionId), officer: new Types.ObjectId(officerId) });
  if (!res.deletedCount) return false;
  await publishSessionEnded({ officer: officerId, session: sessionId });
  return true;
}

/**
 * An officer changes their own password: the current one must be right (a session left open
 * on a shared computer must not be enough), the new one must differ; every other session ends.
 */
export async function changeOwnPassword(props: { officer: SessionOfficer; currentPassword: string; newPassword: string; now?: Date }): Promise<void> {
  const doc = await activeOfficerWithPassword({ id: props.officer.id });
  if (!doc) throw unauthorized();
  if (!doc.passwordHash || !(await verifyPassword(doc.passwordHash, props.currentPassword))) {
    throw badRequest('当前密码不正确（Current password is wrong）', undefined, 'wrong_current_password');
  }
  if (props.currentPassword === props.newPassword) {
    throw badRequest('新密码不能与当前密码相同（The new password must differ）', undefined, 'password_unchanged');
  }
  await setOfficerPassword(doc._id, { passwordHash: await hashPassword(props.newPassword), mustChangePassword: false, passwordChangedAt: props.now ?? new Date() });
  await endOfficerSessions(props.officer.id, props.officer.sessionId);
}

/** Failed sign-ins per username in the throttling window (for the admins' officer list). */
export async function recentFailureCounts(usernames: string[], now = new Date()): Promise<Map<string, number>> {
  const rows = await LoginFailureModel.find({ username: { $in: usernames }, at: { $gte: new Date(now.getTime() - FAILURE_WINDOW_MS) } }, { username: 1 }).lean();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.username, (counts.get(r.username) ?? 0) + 1);
  return counts;
}

/** An admin lifts the sign-in delays of a username, from every address. */
export async function clearLoginFailures(username: string): Promise<number> {
  return (await LoginFailureModel.deleteMany({ username })).deletedCount ?? 0;
}

/** Deletes sessions past their absolute expiry (nightly housekeeping: no TTL indexes on FerretDB). */
export async function purgeExpiredSessions(now: Date): Promise<number> {
  return (await SessionModel.deleteMany({ expiresAt: { $lt: now } })).deletedCount ?? 0;
}

/** Deletes failed sign-ins older than `before` (nightly housekeeping). */
export async function purgeLoginFailures(before: Date): Promise<number> {
  return (await LoginFailureModel.deleteMany({ at: { $lt: before } })).deletedCount ?? 0;
}
