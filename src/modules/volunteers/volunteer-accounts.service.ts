import { badRequest, conflict, notFound } from '../../lib/errors';
import { type AuditActor, recordAudit } from '../audit';
import { generateTemporaryPassword, hashPassword, insertOfficer, officerById, officersByIds, type OfficerSessions, setAccountFields, setOfficerPassword } from '../officers';
import { roomByCode } from '../rooms';
import { type Volunteer, VOLUNTEER_TEAM_LABELS, VolunteerModel, type VolunteerTeam } from './volunteer.model';
import { presentVolunteer } from './volunteer.presenter';

/**
 * Volunteers' accounts, managed by admins: an account of role volunteer tied to one room, with
 * its profile (team, active). Creating, listing, editing, switching off and resetting the sign-in
 * are audited. What a signed-in volunteer does is volunteer.service.ts.
 */

type Acting = { id: string; name: string; username: string };
const officerActor = (by: Acting): AuditActor => ({ kind: 'officer', ...by });
const volunteerNotFound = () => notFound('未找到该志愿者（Volunteer not found）', 'volunteer_not_found');

async function knownRoom(code: string): Promise<string> {
  const room = await roomByCode(code, { fields: ['code'] });
  if (!room) throw badRequest(`警务室不存在：${code}（Unknown room）`, undefined, 'room_not_found');
  return room.code;
}

export interface CreateVolunteerProps {
  username: string;
  name: string;
  phone?: string;
  room: string;
  team: VolunteerTeam;
  password?: string;
  by: Acting;
  /** When it is created (the month counts volunteers from then). */
  now?: Date;
}

/** Creates the account (role volunteer, one room) and its profile; a temporary password unless one is given. */
export async function createVolunteer(props: CreateVolunteerProps) {
  const room = await knownRoom(props.room);
  const temporary = props.password ? null : generateTemporaryPassword();
  const outcome = await insertOfficer({
    username: props.username,
    name: props.name,
    phone: props.phone,
    role: 'volunteer',
    rooms: [room],
    passwordHash: await hashPassword(props.password ?? temporary!),
    mustChangePassword: temporary !== null,
    active: true,
  });
  if (!outcome.won) throw conflict('用户名已被使用（Username taken）', 'username_taken');
  const id = String(outcome.doc._id);
  const doc = await VolunteerModel.create({ _id: id, username: props.username, name: props.name, room, team: props.team, createdBy: props.by.id, createdAt: props.now ?? new Date() });
  await recordAudit({ actor: officerActor(props.by), action: 'volunteer.create', room, detail: `${props.username}：${props.name}（${VOLUNTEER_TEAM_LABELS[props.team]}）` });
  return { volunteer: presentVolunteer(doc.toObject() as Volunteer, { phone: props.phone ?? null, mustChangePassword: temporary !== null }), temporaryPassword: temporary };
}

/** Volunteers of these rooms ('all' for admins), with their phone masked. */
export async function listVolunteers(codes: readonly string[] | 'all', room?: string) {
  const filter: Record<string, unknown> = codes === 'all' ? {} : { room: { $in: [...codes] } };
  if (room) filter.room = codes === 'all' || codes.includes(room) ? room : '__none__';
  const docs = await VolunteerModel.find(filter).sort({ room: 1, team: 1, name: 1 }).limit(1000).lean<Volunteer[]>();
  const accounts = new Map((await officersByIds(docs.map((d) => d._id))).map((a) => [String(a._id), a]));
  return docs.map((d) => presentVolunteer(d, accounts.get(d._id) ?? null));
}

async function loadVolunteer(id: string): Promise<Volunteer> {
  const v = await VolunteerModel.findById(id).lean<Volunteer>();
  if (!v) throw volunteerNotFound();
  return v;
}

/** The full phone number, for an admin who must call the volunteer (each look is audited). */
export async function volunteerPhone(id: string, by: Acting): Promise<{ phone: string | null }> {
  const v = await loadVolunteer(id);
  const account = await officerById(id);
  await recordAudit({ actor: officerActor(by), action: 'volunteer.phone_view', room: v.room, detail: `${v.username}：查看手机号` });
  return { phone: account?.phone || null };
}

export interface VolunteerChanges {
  name?: string;
  team?: VolunteerTeam;
  room?: string;
  /** '' or null removes the number. */
  phone?: string | null;
  active?: boolean;
}

const CHANGE_LABELS: Record<keyof VolunteerChanges, string> = { name: '姓名', team: '队伍', room: '警务室', phone: '手机号', active: '状态' };

/**
 * An admin edits a volunteer: name, team, room, phone, and switching it off or on. Switching off
 * refuses its sign-in and ends its open sessions at once (every request re-reads the account),
 * and with it every view of the disputes given to it. Audited with what changed (never the number).
 */
export async function updateVolunteer(props: { id: string; changes: VolunteerChanges; by: Acting; sessions: Pick<OfficerSessions, 'endOfficerSessions'>; now: Date }) {
  const before = await loadVolunteer(props.id);
  const account = await officerById(props.id);
  if (!account || account.role !== 'volunteer') throw volunteerNotFound();
  const c = props.changes;
  const room = c.room ? await knownRoom(c.room) : undefined;
  const phone = c.phone === undefined ? undefined : c.phone || null;
  const changed = (Object.keys(CHANGE_LABELS) as Array<keyof VolunteerChanges>).filter((k) => {
    if (c[k] === undefined) return false;
    if (k === 'phone') return (account.phone || null) !== phone;
    if (k === 'room') return before.room !== room;
    if (k === 'active') return before.active !== c.active || account.active !== c.active;
    return (before as Record<string, unknown>)[k] !== c[k];
  });
  if (!changed.length) return presentVolunteer(before, account);
  await setAccountFields(props.id, {
    name: c.name,
    phone,
    rooms: room ? [room] : undefined,
    active: c.active,
  });
  const set: Record<string, unknown> = {};
  if (c.name !== undefined) set.name = c.name;
  if (c.team !== undefined) set.team = c.team;
  if (room) set.room = room;
  if (c.active !== undefined) {
    set.active = c.active;
    if (c.active !== before.active) set.deactivatedAt = c.active ? null : props.now;
  }
  const after = Object.keys(set).length ? await VolunteerModel.findOneAndUpdate({ _id: props.id }, { $set: set }, { returnDocument: 'after' }).lean<Volunteer>() : before;
  if (c.active === false) await props.sessions.endOfficerSessions(props.id);
  const action = c.active === false && before.active ? 'volunteer.deactivate' : c.active === true && !before.active ? 'volunteer.activate' : 'volunteer.update';
  const moved = room && room !== before.room ? `，${before.room} → ${room}` : '';
  await recordAudit({ actor: officerActor(props.by), action, room: room ?? before.room, detail: `${before.username}：${changed.map((k) => CHANGE_LABELS[k]).join('、')}${moved}`, at: props.now });
  return presentVolunteer(after ?? before, { phone: phone === undefined ? account.phone : phone, mustChangePassword: account.mustChangePassword });
}

/**
 * A new temporary password (returned once; to be changed at first sign-in), the volunteer's
 * open sessions ended and its sign-in delays lifted.
 */
export async function resetVolunteerSignIn(props: { id: string; by: Acting; sessions: Pick<OfficerSessions, 'endOfficerSessions' | 'clearLoginFailures'>; now: Date }) {
  const v = await loadVolunteer(props.id);
  const temporaryPassword = generateTemporaryPassword();
  await setOfficerPassword(props.id, { passwordHash: await hashPassword(temporaryPassword), mustChangePassword: true, passwordChangedAt: props.now });
  await props.sessions.endOfficerSessions(props.id);
  await props.sessions.clearLoginFailures(v.username);
  await recordAudit({ actor: officerActor(props.by), action: 'volunteer.reset_password', room: v.room, detail: v.username, at: props.now });
  const account = await officerById(props.id);
  return { volunteer: presentVolunteer(v, account), temporaryPassword };
}

export async function findVolunteer(id: string): Promise<Volunteer | null> {
  return VolunteerModel.findById(id).lean<Volunteer>();
}
