import { Types } from 'mongoose';
import { badRequest, conflict, notFound } from '../../lib/errors';
import { insertUnique } from '../../storage/unique-insert';
import { recordAudit } from '../audit';
import { roomsByCodes } from '../rooms';
import { accessibleRoomCodes } from './access';
import { OFFICER_ROLE_LABELS, OFFICER_ROLES, OfficerModel, type OfficerRole } from './officer.model';
import { presentOfficer, type OfficerWithHash } from './officer.presenter';
import type { ActingOfficer, OfficerSessions } from './officer.types';
import { generateTemporaryPassword, hashPassword } from './password';

interface OfficerFields {
  name: string;
  badge?: string;
  phone?: string;
  role: OfficerRole;
  rooms: string[];
  district?: string;
  wechatIds: string[];
  wecomUserId?: string;
}
export interface OfficerCreateReq extends OfficerFields {
  username: string;
  /** Absent: a temporary password is generated. */
  password?: string;
}
export type OfficerUpdateReq = Partial<OfficerFields & { active: boolean; password: string }>;
export interface OfficerListReq {
  q?: string;
  room?: string;
  role?: OfficerRole;
  active?: boolean;
}

const auditActor = (o: ActingOfficer) => ({ kind: 'officer' as const, id: o.id, name: o.name, username: o.username });
const officerNotFound = () => notFound('未找到该民警（Officer not found）', 'officer_not_found');
/**
 * The accounts this module lists and edits. A volunteer's account (role volunteer) belongs to the
 * volunteers module, which keeps it in step with the volunteer's profile (team, room, phone):
 * changed here, the two would disagree, or a volunteer would become an officer.
 */
const OFFICER_ACCOUNTS = { role: { $in: [...OFFICER_ROLES] } };
const volunteerAccount = () =>
  conflict('这是志愿者账号，请在“志愿者”页面管理（This is a volunteer account: use the volunteers page）', 'volunteer_account');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function assertRoomsExist(codes: string[]): Promise<void> {
  if (!codes.length) return;
  const found = await roomsByCodes(codes, { fields: ['code'] });
  const missing = codes.filter((c) => !found.some((r) => r.code === c));
  if (missing.length) throw badRequest(`警务室不存在：${missing.join('、')}（Unknown room）`, { missing }, 'room_not_found');
}

async function loadOfficer(id: string): Promise<OfficerWithHash> {
  if (!Types.ObjectId.isValid(id)) throw officerNotFound();
  const doc = await OfficerModel.findOne({ _id: id }).select('+passwordHash').lean<OfficerWithHash>();
  if (!doc) throw officerNotFound();
  if (doc.role === 'volunteer') throw volunteerAccount();
  return doc;
}

/**
 * Officer accounts as the signed-in officer may list them: admins all; supervisors the
 * officers and supervisors of their own district (never admins, and nobody when they have no
 * district); search by username, name or badge.
 */
export async function listOfficers(me: ActingOfficer, query: OfficerListReq, sessions: Pick<OfficerSessions, 'recentFailureCounts'>) {
  const and: Record<string, unknown>[] = [OFFICER_ACCOUNTS];
  if (query.role) and.push({ role: query.role });
  if (query.active !== undefined) and.push({ active: query.active });
  if (query.room) and.push({ rooms: query.room });
  if (query.q) {
    const re = new RegExp(escapeRegex(query.q), 'i');
    and.push({ $or: [{ username: re }, { name: re }, { badge: re }] });
  }
  if (me.role === 'supervisor') {
    if (!me.district) return [];
    const codes = await accessibleRoomCodes(me);
    and.push({ role: { $ne: 'admin' } });
    and.push({ $or: [{ rooms: { $in: codes === 'all' ? [] : codes } }, { district: me.district }] });
  }
  const officers = await OfficerModel.find({ $and: and })
    .select('+passwordHash')
    .sort({ role: 1, username: 1 })
    .limit(1000)
    .lean<OfficerWithHash[]>();
  const failures = me.role === 'admin' ? await sessions.recentFailureCounts(officers.map((o) => o.username)) : new Map<string, number>();
  return officers.map((o) => presentOfficer(o, { failedSignIns: failures.get(o.username) ?? 0 }));
}

/** Creates an account; without a chosen password it gets a temporary one, returned once, to be changed at first sign-in. */
export async function createOfficer(me: ActingOfficer, input: OfficerCreateReq) {
  await assertRoomsExist(input.rooms);
  const { password: chosen, ...fields } = input;
  const temporaryPassword = chosen ? null : generateTemporaryPassword();
  const outcome = await insertUnique<OfficerWithHash>(OfficerModel, {
    ...fields,
    wecomUserId: fields.wecomUserId || null,
    passwordHash: await hashPassword(chosen ?? temporaryPassword!),
    mustChangePassword: !chosen,
  });
  if (!outcome.won) throw conflict('用户名已存在（Username already taken）', 'username_taken');
  await recordAudit({
    actor: auditActor(me),
    action: 'officer.create',
    room: input.rooms[0] ?? null,
    detail: `${input.username}（${OFFICER_ROLE_LABELS[input.role]}${input.rooms.length ? `，${input.rooms.join('、')}` : ''}）`,
  });
  return { officer: presentOfficer(outcome.doc), temporaryPassword };
}

export async function updateOfficer(me: ActingOfficer, id: string, input: OfficerUpdateReq, sessions: Pick<OfficerSessions, 'endOfficerSessions'>) {
  if (id === me.id && (input.active === false || (input.role && input.role !== 'admin'))) {
    throw badRequest('不能停用自己的账号或取消自己的管理员权限（You cannot lock yourself out）', undefined, 'self_lockout');
  }
  if (input.role === 'volunteer') throw badRequest('志愿者账号请在“志愿者”页面新增（Volunteers are added on the volunteers page）', undefined, 'volunteer_role');
  const before = await loadOfficer(id);
  if (input.rooms) await assertRoomsExist(input.rooms);
  const { password: plain, ...fields } = input;
  const set: Record<string, unknown> = { ...fields };
  if (plain) Object.assign(set, { passwordHash: await hashPassword(plain), mustChangePassword: false, passwordChangedAt: new Date() });
  const updated = await OfficerModel.findOneAndUpdate({ _id: before._id }, { $set: set }, { returnDocument: 'after' }).select('+passwordHash').lean<OfficerWithHash>();
  if (!updated) throw officerNotFound();
  // A new password or a deactivated account ends every open session and live stream of that officer.
  if (plain || input.active === false) await sessions.endOfficerSessions(String(updated._id));
  const changed = Object.keys(fields).concat(plain ? ['password'] : []);
  const action = input.active === false && before.active !== false ? 'officer.deactivate' : input.active === true && before.active === false ? 'officer.activate' : 'officer.update';
  await recordAudit({ actor: auditActor(me), action, detail: `${updated.username}：${changed.join('、')}` });
  return presentOfficer(updated);
}

/** Replaces the password with a temporary one (returned once), ends the officer's sessions, lifts sign-in delays. */
export async function resetOfficerPassword(me: ActingOfficer, id: string, sessions: Pick<OfficerSessions, 'endOfficerSessions' | 'clearLoginFailures'>) {
  const officer = await loadOfficer(id);
  if (String(officer._id) === me.id) throw badRequest('请在“我的账号”中修改自己的密码（Use your account page）', undefined, 'reset_self');
  const temporaryPassword = generateTemporaryPassword();
  await OfficerModel.updateOne(
    { _id: officer._id },
    { $set: { passwordHash: await hashPassword(temporaryPassword), mustChangePassword: true, passwordChangedAt: new Date() } },
  );
  await sessions.endOfficerSessions(String(officer._id));
  await sessions.clearLoginFailures(officer.username);
  await recordAudit({ actor: auditActor(me), action: 'officer.reset_password', detail: officer.username });
  return { officer: presentOfficer({ ...officer, mustChangePassword: true }), temporaryPassword };
}

/** Lifts the sign-in delays that failed attempts put on a username (from every address). */
export async function unlockOfficer(me: ActingOfficer, id: string, sessions: Pick<OfficerSessions, 'clearLoginFailures'>) {
  const officer = await loadOfficer(id);
  const cleared = await sessions.clearLoginFailures(officer.username);
  await recordAudit({ actor: auditActor(me), action: 'officer.unlock', detail: `${officer.username}：清除 ${cleared} 次失败登录` });
  return { officer: presentOfficer(officer), cleared };
}

/** Officers serving a room (for the room's page in the admin console; its volunteers are on the volunteers page). */
export async function roomMembers(code: string) {
  const docs = await OfficerModel.find({ rooms: code, ...OFFICER_ACCOUNTS }).sort({ username: 1 }).lean<OfficerWithHash[]>();
  return docs.map((o) => ({ id: String(o._id), username: o.username, name: o.name, role: o.role, active: o.active ?? true }));
}

/**
 * Sets which officers serve a room: those listed gain it, others lose it (their other rooms stay).
 * The room's volunteers are not officers here: never listed, never taken out of their room.
 */
export async function assignRoomOfficers(me: ActingOfficer, code: string, officerIds: string[]) {
  const ids = [...new Set(officerIds)];
  if (ids.some((id) => !Types.ObjectId.isValid(id))) throw badRequest('民警编号格式不正确（Invalid officer id）', undefined, 'officer_not_found');
  const wanted = await OfficerModel.find({ _id: { $in: ids }, ...OFFICER_ACCOUNTS }).lean<OfficerWithHash[]>();
  if (wanted.length !== ids.length) throw badRequest('有民警账号不存在（Unknown officer）', undefined, 'officer_not_found');
  const current = await OfficerModel.find({ rooms: code, ...OFFICER_ACCOUNTS }).lean<OfficerWithHash[]>();
  const added: string[] = [];
  const removed: string[] = [];
  for (const o of wanted) {
    if ((o.rooms ?? []).includes(code)) continue;
    await OfficerModel.updateOne({ _id: o._id }, { $set: { rooms: [...(o.rooms ?? []), code] } });
    added.push(o.username);
  }
  for (const o of current) {
    if (ids.includes(String(o._id))) continue;
    await OfficerModel.updateOne({ _id: o._id }, { $set: { rooms: (o.rooms ?? []).filter((r) => r !== code) } });
    removed.push(o.username);
  }
  if (added.length || removed.length) {
    const parts = [added.length ? `加入 ${added.join('、')}` : '', removed.length ? `移出 ${removed.join('、')}` : ''].filter(Boolean);
    await recordAudit({ actor: auditActor(me), action: 'room.officers', room: code, detail: parts.join('；') });
  }
  return roomMembers(code);
}

/**
 * The WeCom userids of a room's active officers, or of a district's active supervisors (for
 * alerts through WeCom app messages). Officers without one are left out.
 */
export async function wecomUserIdsOf(target: { room: string } | { district: string }): Promise<string[]> {
  const filter = 'room' in target ? { rooms: target.room, role: 'officer' as const } : { district: target.district, role: 'supervisor' as const };
  const docs = await OfficerModel.find({ ...filter, active: true }, { wecomUserId: 1 }).lean<Array<{ wecomUserId?: string | null }>>();
  return [...new Set(docs.map((d) => d.wecomUserId ?? '').filter(Boolean))].sort();
}
