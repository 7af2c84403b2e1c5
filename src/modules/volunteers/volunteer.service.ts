import { badRequest, forbidden, notFound } from '../../lib/errors';
import { maskPersonalData } from '../../lib/mask';
import { insertUnique } from '../../storage/unique-insert';
import { type AuditActor, recordAudit } from '../audit';
import type { JobRunContext } from '../notices';
import { smsSettings, smsText } from '../sms';
import { appendMessage, findItemByCode, type Item, ITEM_STATUS_LABELS, type ItemStatus, itemById, loadThread } from '../items';
import { officersByIds } from '../officers';
import { roomByCode, roomsByCodes } from '../rooms';
import { submitTip } from '../tips';
import {
  DisputeAssignmentModel,
  NOTICE_TEAMS,
  type Volunteer,
  VOLUNTEER_TEAM_LABELS,
  VolunteerActivityModel,
  VolunteerModel,
  VolunteerNoticeModel,
  type VolunteerTeam,
} from './volunteer.model';
import { presentVolunteer } from './volunteer.presenter';

/**
 * The four volunteer teams (信息员、专管员、调解员、安全员): accounts tied to one room with least
 * privilege. Each function here takes the signed-in volunteer's profile and checks its team;
 * the HTTP edge refuses volunteers on every officer route (requireOfficer). Every view a
 * volunteer makes is written to the audit log and counted as activity for the month.
 * A volunteer never sees a tipster's identity (only its own tips), nor another room's work.
 */

export interface SignedInVolunteer {
  id: string;
  username: string;
  name: string;
}

const actorOf = (v: Pick<Volunteer, '_id' | 'name' | 'username'>): AuditActor => ({ kind: 'volunteer', id: v._id, name: v.name, username: v.username });

/** The signed-in volunteer's profile; 403 when the account has none or it was switched off. */
export async function volunteerOf(account: SignedInVolunteer): Promise<Volunteer> {
  const v = await VolunteerModel.findById(account.id).lean<Volunteer>();
  if (!v || !v.active) throw forbidden('该志愿者账号未启用（Volunteer profile missing or inactive）', 'volunteer_inactive');
  return v;
}

function assertTeam(v: Volunteer, teams: VolunteerTeam[]): void {
  if (!teams.includes(v.team as VolunteerTeam)) {
    throw forbidden(`只有${teams.map((t) => VOLUNTEER_TEAM_LABELS[t]).join('、')}可以使用此功能（Not for this team）`, 'volunteer_team_forbidden');
  }
}

async function noteActivity(v: Volunteer, kind: 'tip' | 'dispute_note' | 'view', at: Date, itemCode: string | null = null): Promise<void> {
  await VolunteerActivityModel.create({ volunteer: v._id, room: v.room, kind, itemCode, at });
}

/** Every view a volunteer makes: one audit entry and one activity row. */
async function auditView(v: Volunteer, what: string, at: Date, item?: Pick<Item, '_id' | 'code' | 'room'>): Promise<void> {
  await Promise.all([
    recordAudit({ actor: actorOf(v), action: item ? 'volunteer.dispute_view' : 'volunteer.view', room: v.room, item: item ?? null, detail: what, at }),
    noteActivity(v, 'view', at, item?.code ?? null),
  ]);
}

/** The volunteer's own page: who they are and what their team may do. */
export async function volunteerHome(v: Volunteer, now: Date) {
  await auditView(v, '志愿者首页', now);
  const room = await roomByCode(v.room, { fields: ['code', 'name'] });
  return { ...presentVolunteer(v), roomName: room?.name ?? v.room };
}

// ---------------------------------------------------------------- 信息员: named tips

/** A named tip from a 信息员: an item of kind tip in its room, labelled 信息员, with the volunteer's name. */
export async function submitVolunteerTip(v: Volunteer, text: string, now: Date): Promise<{ code: string }> {
  assertTeam(v, ['informant']);
  const { item } = await submitTip({ room: v.room, text, anonymous: false, contact: { name: `${v.name}（信息员）` }, labels: ['信息员'], now });
  await Promise.all([
    noteActivity(v, 'tip', now, item.code),
    recordAudit({ actor: actorOf(v), action: 'volunteer.tip', item, detail: '信息员实名线索', at: now }),
  ]);
  return { code: item.code };
}

/** The 信息员's own tips: code, status, when (what they wrote is theirs; nobody else's). */
export async function ownTips(v: Volunteer, now: Date) {
  assertTeam(v, ['informant']);
  await auditView(v, '我提交的线索', now);
  const rows = await VolunteerActivityModel.find({ volunteer: v._id, kind: 'tip' }).sort({ at: -1 }).limit(100).lean();
  const items = await Promise.all(rows.map((r) => (r.itemCode ? findItemByCode(r.itemCode) : null)));
  return items
    .filter((i): i is Item => i !== null && i.room === v.room)
    .map((i) => ({ code: i.code, status: i.status, statusText: ITEM_STATUS_LABELS[i.status as ItemStatus], createdAt: i.createdAt, summary: i.summary }));
}

// ---------------------------------------------------------------- 调解员: disputes given to them

export async function assignDispute(props: { volunteerId: string; itemCode: string; by: { id: string; name: string; username: string } }) {
  const v = await VolunteerModel.findById(props.volunteerId).lean<Volunteer>();
  if (!v || !v.active) throw notFound('未找到该志愿者（Volunteer not found）', 'volunteer_not_found');
  if (v.team !== 'mediator') throw badRequest('只能把纠纷交给调解员（Only a 调解员 takes disputes）', undefined, 'not_a_mediator');
  const item = await findItemByCode(props.itemCode);
  if (!item) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  if (item.kind !== 'dispute') throw badRequest('只有“矛盾纠纷”类事项可以交给调解员（Only a dispute）', undefined, 'not_a_dispute');
  if (item.room !== v.room) throw badRequest('调解员只能调解本警务室的纠纷（Another room’s dispute）', undefined, 'other_room');
  const { won } = await insertUnique(DisputeAssignmentModel, { _id: `${v._id}|${String(item._id)}`, volunteer: v._id, item: String(item._id), itemCode: item.code, room: item.room, assignedBy: props.by.id });
  if (won) await recordAudit({ actor: { kind: 'officer', ...props.by }, action: 'volunteer.assign_dispute', item, detail: `交给调解员 ${v.name}` });
  return { volunteer: presentVolunteer(v), itemCode: item.code, assigned: won };
}

/** The dispute behind a code, if it was given to this 调解员 (else 404: nothing is said about it). */
async function assignedDispute(v: Volunteer, code: string): Promise<Item> {
  assertTeam(v, ['mediator']);
  const item = await findItemByCode(code);
  const given = item ? await DisputeAssignmentModel.findById(`${v._id}|${String(item._id)}`).lean() : null;
  if (!item || !given || item.room !== v.room) throw notFound('未找到交给您的这起纠纷（Dispute not found）', 'dispute_not_found');
  return item;
}

const disputeSummary = (i: Item) => ({ code: i.code, summary: maskPersonalData(i.summary), status: i.status, statusText: ITEM_STATUS_LABELS[i.status as ItemStatus], createdAt: i.createdAt });

export async function mediatorDisputes(v: Volunteer, now: Date) {
  assertTeam(v, ['mediator']);
  const rows = await DisputeAssignmentModel.find({ volunteer: v._id }).sort({ createdAt: -1 }).limit(200).lean();
  const items = (await Promise.all(rows.map((r) => itemById(r.item)))).filter((i): i is Item => i !== null && i.room === v.room && i.kind === 'dispute');
  await Promise.all([
    recordAudit({ actor: actorOf(v), action: 'volunteer.view', room: v.room, itemCodes: items.map((i) => i.code), detail: '交给我的纠纷（列表）', at: now }),
    noteActivity(v, 'view', now),
  ]);
  return items.map(disputeSummary);
}

/**
 * One dispute as its 调解员 sees it: what the residents said and the officers replied, and the
 * mediator's own notes; never the residents' contact or where they wrote from, never the
 * officers' internal notes; numbers masked.
 */
export async function disputeForMediator(v: Volunteer, code: string, now: Date) {
  const item = await assignedDispute(v, code);
  await auditView(v, '查看纠纷', now, item);
  const thread = await loadThread(item._id);
  const mine = (m: { officer?: unknown }) => m.officer != null && String(m.officer) === v._id;
  const visible = thread.filter((m) => m.kind === 'message' || m.kind === 'reply' || (m.kind === 'note' && mine(m)));
  return {
    ...disputeSummary(item),
    thread: visible.map((m) => ({
      from: m.kind === 'message' ? '群众' : m.kind === 'reply' ? '民警' : '调解员（我）',
      text: maskPersonalData(m.text),
      at: m.at,
    })),
  };
}

export async function addMediatorNote(v: Volunteer, code: string, text: string, now: Date) {
  const item = await assignedDispute(v, code);
  await appendMessage({ item: item._id, author: 'officer', kind: 'note', officer: v._id, text: `【调解员 ${v.name}】${text}`, at: now });
  await Promise.all([
    noteActivity(v, 'dispute_note', now, item.code),
    recordAudit({ actor: actorOf(v), action: 'volunteer.dispute_note', item, at: now }),
  ]);
  return { code: item.code };
}

// ---------------------------------------------------------------- 安全员、专管员: the room's notices

/** A room notice as the notice's job hands it over (a broadcast: 警情通报 or 防范提示). */
export interface RoomNotice {
  /** Stable key of the notice (e.g. `broadcast:<id>`): with the volunteer's id, what makes a delivery once. */
  key: string;
  rooms: readonly string[];
  kind: string;
  kindLabel: string;
  title: string;
  text: string;
  /** An emergency: by SMS at once, never held by quiet hours or the per-number cap. */
  urgent: boolean;
}

/**
 * Tells the rooms' active 安全员 and 专管员 of a notice, once each: a record on their page (a
 * unique insert keyed by notice and volunteer) and, when they have a number and SMS is on, a
 * text through the notice run's keyed delivery (the outbox key names the volunteer, so a rerun
 * or a second instance sends nothing twice). Residents' numbers and ID numbers are masked; the
 * text carries only the room, the kind and the title, and a link to the page.
 */
export async function deliverRoomNotice(ctx: Pick<JobRunContext, 'deliver' | 'env'>, notice: RoomNotice): Promise<number> {
  const rooms = [...new Set(notice.rooms)];
  if (!rooms.length) return 0;
  const volunteers = await VolunteerModel.find({ room: { $in: rooms }, team: { $in: [...NOTICE_TEAMS] }, active: true }).lean<Volunteer[]>();
  if (!volunteers.length) return 0;
  const accounts = new Map((await officersByIds(volunteers.map((v) => v._id))).map((a) => [String(a._id), a]));
  const sms = smsSettings(ctx.env.config);
  const texting = Boolean(sms.provider) && sms.noticeTexts;
  const roomNames = new Map((await roomsByCodes(rooms, { fields: ['code', 'name'] })).map((r) => [r.code, r.name]));
  const now = ctx.env.now();
  let told = 0;
  for (const v of volunteers) {
    const account = accounts.get(v._id);
    if (!account || account.active === false) continue;
    const phone = texting && account.phone ? account.phone : null;
    const { won } = await insertUnique(VolunteerNoticeModel, {
      _id: `${notice.key}|${v._id}`,
      volunteer: v._id,
      room: v.room,
      team: v.team,
      notice: notice.key,
      kind: notice.kind,
      kindLabel: notice.kindLabel,
      title: maskPersonalData(notice.title),
      text: maskPersonalData(notice.text),
      urgent: notice.urgent,
      sms: phone !== null,
      at: now,
    });
    if (won) told++;
    if (!phone) continue;
    const params = { room: roomNames.get(v.room) ?? v.room, kind: notice.kindLabel, title: maskPersonalData(notice.title), link: `${sms.publicUrl}/volunteer/` };
    await ctx.deliver({
      recipient: `volunteer:${v._id}`,
      room: v.room,
      audience: 'volunteer',
      label: `${VOLUNTEER_TEAM_LABELS[v.team as VolunteerTeam]} ${v.name}`,
      to: { channel: 'sms', conversationId: phone, isGroup: false },
      text: smsText('notice', params, sms.signName),
      params,
      purpose: 'notice',
      urgent: notice.urgent,
    });
  }
  return told;
}

/** The notices delivered to this 安全员 / 专管员, newest first (its 「通知」 list). */
export async function roomNotices(v: Volunteer, now: Date) {
  assertTeam(v, [...NOTICE_TEAMS]);
  await auditView(v, '本室通报和防范提示', now);
  const rows = await VolunteerNoticeModel.find({ volunteer: v._id }).sort({ at: -1 }).limit(100).lean();
  return rows.map((n) => ({ kind: n.kind, kindLabel: n.kindLabel, title: n.title, text: n.text, urgent: n.urgent, sentAt: n.at }));
}
