import { Types } from 'mongoose';
import { DomainError, badRequest, conflict, forbidden, notFound } from '../../lib/errors';
import { containsPersonalData } from '../../lib/mask';
import { canAccessRoom } from '../auth';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { appendMessage } from '../items/thread';
import { ITEM_STATUS_LABELS, ItemModel, type Item, type ItemKind, type ItemMessage, type ItemStatus } from '../items/item.model';
import { publishLiveEvent } from '../live/live.service';
import { OfficerModel } from '../officers/officer.model';
import { enqueueMessage } from '../outbox/outbox.service';
import type { OutboxMessage } from '../outbox/outbox.model';
import { emitItemResolved } from './inbox.events';
import type { ClaimAction } from './item-claim.model';
import { transitionItem, type ItemPatch, type TransitionResult } from './item-transition';
import { DEFAULT_LEASE_MINUTES, type Actor, type InboxSettings } from './inbox.types';
import { openRows, type QueueRow } from './queue.service';

/*
 * The inbox's commands. Every change of an item's state goes through transitionItem (one
 * exclusive epoch per change), then leaves three traces: an 'event' line in the thread, an
 * entry in the 工作日志 (audit), and a live event for every instance's open inbox pages.
 */

const isPrivileged = (actor: Actor) => actor.role === 'supervisor' || actor.role === 'admin';
const idOf = (v: unknown) => (v ? String(v) : null);

export function leaseIsLive(item: Pick<Item, 'status' | 'assignee' | 'leaseUntil'>, now: Date): boolean {
  return item.status === 'claimed' && Boolean(item.assignee) && Boolean(item.leaseUntil) && item.leaseUntil!.getTime() > now.getTime();
}

/** Someone other than `officerId` is working on the item (a live lease, or waiting for the resident on their reply). */
export function heldByOther(item: Pick<Item, 'status' | 'assignee' | 'leaseUntil'>, officerId: string, now: Date): boolean {
  if (!item.assignee || String(item.assignee) === officerId) return false;
  if (item.status === 'waiting') return true;
  return leaseIsLive(item, now);
}

function isHolder(item: Pick<Item, 'status' | 'assignee'>, officerId: string): boolean {
  return (item.status === 'claimed' || item.status === 'waiting') && String(item.assignee) === officerId;
}

const alreadyClaimed = (item: Item) =>
  conflict('该事项已由其他民警处理中（Already claimed by another officer）', 'already_claimed', { assignee: idOf(item.assignee) });
const itemClosed = () =>
  conflict('该事项已办结或关闭，请先重新打开（The item is resolved or closed; reopen it first）', 'item_closed');
const notHolder = () =>
  forbidden('只有当前处理人可以执行此操作，督导或管理员可强制执行（Only the holder may do this）', 'not_holder');

function officerActor(actor: Actor): AuditActor {
  return { kind: 'officer', id: actor.id, name: actor.name, username: actor.username };
}

function leaseFrom(now: Date, settings: Pick<InboxSettings, 'leaseMinutes'>): Date {
  return new Date(now.getTime() + settings.leaseMinutes * 60_000);
}

const ACTION_TEXT: Record<string, (who: string, extra?: string) => string> = {
  claim: (who) => `${who} 领取了此事项`,
  takeover: (who) => `${who} 接管了此事项（原处理人租约已过期）`,
  release: (who) => `${who} 将此事项退回队列`,
  transfer: (who, to) => `${who} 将此事项转交给 ${to}`,
  resolve: (who) => `${who} 办结了此事项`,
  reopen: (who) => `${who} 重新打开了此事项`,
  labels: (who, labels) => `${who} 将标签设为：${labels || '（无）'}`,
};

interface AfterChange {
  result: TransitionResult;
  action: ClaimAction;
  actor: AuditActor;
  now: Date;
  threadText?: string;
  auditDetail?: string;
}

/** The three traces of a committed change. */
async function afterChange(props: AfterChange): Promise<void> {
  const { result, now } = props;
  const item = result.after;
  const actorOfficer = props.actor.kind === 'officer' ? props.actor.id : null;
  await Promise.all([
    props.threadText
      ? appendMessage({ item: item._id, author: 'system', kind: 'event', officer: actorOfficer, text: props.threadText, at: now })
      : Promise.resolve(),
    recordAudit({
      actor: props.actor,
      action: `item.${props.action}`,
      item,
      at: now,
      detail:
        props.auditDetail ??
        (result.before.status !== item.status
          ? `状态：${ITEM_STATUS_LABELS[result.before.status as ItemStatus]} → ${ITEM_STATUS_LABELS[item.status as ItemStatus]}`
          : null),
    }),
    publishLiveEvent({ type: 'item.updated', item, action: props.action, at: now }),
  ]);
}

// ---------------------------------------------------------------- claims

export interface ClaimProps {
  actor: Actor;
  itemId: Types.ObjectId | string;
  force?: boolean;
  settings: InboxSettings;
  /** Reload-and-retry rounds when another change wins the same epoch (next: 1, losing just moves on). */
  attempts?: number;
}

/** Claims one item (or renews one's own lease). Exclusive: of many concurrent claimants one wins, the rest get 409. */
export async function claimItem(props: ClaimProps): Promise<Item> {
  const { actor, settings } = props;
  const now = settings.now();
  let action: ClaimAction = 'claim';
  const result = await transitionItem({
    itemId: props.itemId,
    action: 'claim',
    officerId: actor.id,
    now,
    attempts: props.attempts ?? 2,
    decide(item) {
      if (item.status === 'resolved' || item.status === 'closed') throw itemClosed();
      if (heldByOther(item, actor.id, now) && !(props.force && isPrivileged(actor))) throw alreadyClaimed(item);
      const expiredOther = item.assignee && String(item.assignee) !== actor.id && item.status === 'claimed';
      action = expiredOther ? 'takeover' : 'claim';
      return { status: 'claimed', assignee: new Types.ObjectId(actor.id), leaseUntil: leaseFrom(now, settings), lastActivityAt: now };
    },
  });
  const renewed = result.before.status === 'claimed' && String(result.before.assignee) === actor.id;
  await afterChange({
    result,
    action,
    actor: officerActor(actor),
    now,
    threadText: renewed ? undefined : ACTION_TEXT[action](actor.name),
    auditDetail: renewed ? '续期租约' : undefined,
  });
  return result.after;
}

/**
 * The best candidate first (a lone officer always gets the top item); after losing it,
 * the rest from a random offset, so officers who call "next" at the same moment spread
 * over the batch instead of all colliding on the same items in the same order.
 */
function tryOrder<T>(candidates: T[]): T[] {
  if (candidates.length <= 2) return candidates;
  const rest = candidates.slice(1);
  const offset = Math.floor(Math.random() * rest.length);
  return [candidates[0], ...rest.slice(offset), ...rest.slice(0, offset)];
}

export interface NextProps {
  actor: Actor;
  rooms: string[] | 'all';
  settings: InboxSettings;
  /** Candidates read per round. */
  batch?: number;
}

/**
 * "Next": the highest-priority, then oldest, open item in the officer's rooms that nobody
 * holds under a live lease. Reads a batch of candidates and tries to claim them in order;
 * a lost race just moves on to the next candidate. Returns null when the queue is empty.
 */
export async function nextItem(props: NextProps): Promise<Item | null> {
  const { actor, settings } = props;
  const batch = props.batch ?? 25;
  const tried = new Set<string>();
  for (let round = 0; round < 20; round++) {
    const now = settings.now();
    const candidates = (await openRows(props.rooms))
      .filter((r) => !tried.has(String(r._id)) && (r.status === 'new' || (r.status === 'claimed' && (!r.leaseUntil || r.leaseUntil.getTime() < now.getTime()))))
      .sort(queueOrder)
      .slice(0, batch);
    if (candidates.length === 0) return null;
    for (const candidate of tryOrder(candidates)) {
      tried.add(String(candidate._id));
      try {
        return await claimItem({ actor, itemId: candidate._id, settings, attempts: 1 });
      } catch (err) {
        if (err instanceof DomainError && (err.kind === 'conflict' || err.kind === 'not_found')) continue;
        throw err;
      }
    }
  }
  return null;
}

export interface HolderActionProps {
  actor: Actor;
  itemId: Types.ObjectId | string;
  force?: boolean;
  settings: InboxSettings;
}

function assertHolderOrForce(item: Item, actor: Actor, force: boolean | undefined): void {
  if (isHolder(item, actor.id)) return;
  if (force && isPrivileged(actor)) return;
  throw notHolder();
}

/**
 * The shape every plain officer action shares: one exclusive transition whose patch `decide`
 * computes from the loaded item, then the thread line, audit entry and live event.
 */
async function officerTransition(
  props: Omit<HolderActionProps, 'force'>,
  action: 'release' | 'resolve' | 'reopen',
  decide: (item: Item, now: Date) => ItemPatch,
): Promise<Item> {
  const { actor, settings } = props;
  const now = settings.now();
  const result = await transitionItem({ itemId: props.itemId, action, officerId: actor.id, now, decide: (item) => decide(item, now) });
  await afterChange({ result, action, actor: officerActor(actor), now, threadText: ACTION_TEXT[action](actor.name) });
  return result.after;
}

/** Gives the item back to the queue. Holder only (supervisors/admins with force). */
export function releaseItem(props: HolderActionProps): Promise<Item> {
  return officerTransition(props, 'release', (item, now) => {
    if (item.status === 'resolved' || item.status === 'closed') throw itemClosed();
    assertHolderOrForce(item, props.actor, props.force);
    return { status: 'new', assignee: null, leaseUntil: null, lastActivityAt: now };
  });
}

/** Marks the item resolved and then runs the onItemResolved hooks. Holder only (supervisors/admins with force). */
export async function resolveItem(props: HolderActionProps): Promise<Item> {
  const after = await officerTransition(props, 'resolve', (item, now) => {
    if (item.status === 'resolved' || item.status === 'closed') throw conflict('该事项已办结（Already resolved）', 'already_resolved');
    assertHolderOrForce(item, props.actor, props.force);
    return { status: 'resolved', resolvedAt: now, leaseUntil: null, lastActivityAt: now };
  });
  await emitItemResolved(after, props.settings.logger);
  return after;
}

/** Reopens a resolved or closed item; the officer who reopens it holds it. */
export function reopenItem(props: Omit<HolderActionProps, 'force'>): Promise<Item> {
  return officerTransition(props, 'reopen', (item, now) => {
    if (item.status !== 'resolved' && item.status !== 'closed') throw conflict('该事项尚未办结，无需重新打开（The item is still open）', 'not_resolved');
    return {
      status: 'claimed',
      assignee: new Types.ObjectId(props.actor.id),
      leaseUntil: leaseFrom(now, props.settings),
      resolvedAt: null,
      closedAt: null,
      reopenCount: (item.reopenCount ?? 0) + 1,
      lastActivityAt: now,
    };
  });
}

export interface TransferProps extends HolderActionProps {
  targetOfficerId: string;
}

/**
 * Hands the item to another officer who serves its room. Allowed for the holder, for
 * anyone when nobody holds it, and for supervisors/admins (force).
 */
export async function transferItem(props: TransferProps): Promise<Item> {
  const { actor, settings } = props;
  if (!Types.ObjectId.isValid(props.targetOfficerId)) throw badRequest('接收民警编号不正确（Invalid officer id）');
  const target = await OfficerModel.findOne({ _id: props.targetOfficerId, active: true }).lean();
  if (!target) throw notFound('未找到接收民警（Officer not found）', 'officer_not_found');
  const current = await ItemModel.findById(props.itemId, { room: 1 }).lean();
  if (!current) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  const targetView = { role: target.role, rooms: target.rooms, district: target.district ?? null };
  if (!(await canAccessRoom(targetView, current.room))) {
    throw badRequest('接收民警不负责该警务室，无法转交（The officer does not serve this room）', undefined, 'target_not_in_room');
  }
  const now = settings.now();
  const result = await transitionItem({
    itemId: props.itemId,
    action: 'transfer',
    officerId: actor.id,
    now,
    decide(item) {
      if (item.status === 'resolved' || item.status === 'closed') throw itemClosed();
      if (!isHolder(item, actor.id) && heldByOther(item, actor.id, now) && !(props.force && isPrivileged(actor))) throw notHolder();
      return { status: 'claimed', assignee: target._id, leaseUntil: leaseFrom(now, settings), lastActivityAt: now };
    },
  });
  await afterChange({
    result,
    action: 'transfer',
    actor: officerActor(actor),
    now,
    threadText: ACTION_TEXT.transfer(actor.name, target.name),
    auditDetail: `转交给 ${target.name}（${target.username}）`,
  });
  return result.after;
}

const LABEL = /^[\p{L}\p{N}_\- ]{1,20}$/u;

export function normalizeLabels(labels: string[]): string[] {
  const out = [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
  if (out.length > 10) throw badRequest('标签最多 10 个（At most 10 labels）');
  for (const l of out) if (!LABEL.test(l)) throw badRequest(`标签“${l.slice(0, 20)}”格式不正确（Invalid label）`);
  return out;
}

export async function setLabels(props: { actor: Actor; itemId: Types.ObjectId | string; labels: string[]; settings: InboxSettings }): Promise<Item> {
  const labels = normalizeLabels(props.labels);
  const now = props.settings.now();
  const result = await transitionItem({
    itemId: props.itemId,
    action: 'labels',
    officerId: props.actor.id,
    now,
    attempts: 6,
    decide: () => ({ labels }),
  });
  await afterChange({ result, action: 'labels', actor: officerActor(props.actor), now, auditDetail: `标签：${labels.join('、') || '（无）'}` });
  return result.after;
}

// ---------------------------------------------------------------- thread

export interface ReplyResult {
  item: Item;
  message: ItemMessage;
  /** The outbox message, or null when the reply lives only in the thread (anonymous tips, web tips). */
  outbox: OutboxMessage | null;
}

/** Why a reply to this item may not go back to where the resident wrote. */
export function replyTarget(item: Pick<Item, 'origin' | 'kind'>): 'private' | 'group' | 'thread' {
  if (!item.origin) return 'thread';
  if (item.origin.isGroup) return item.kind === 'tip' ? 'thread' : 'group'; // tips never appear in groups
  return 'private';
}

/**
 * An officer answers the resident: the reply joins the thread and, when the resident wrote
 * from WeChat or the web chat, goes into the outbox addressed back to that conversation
 * (in a group: with an @-mention, and only when the text holds no personal data).
 * The replier takes the item (unless someone else holds it), and it waits for the resident.
 */
export async function replyToItem(props: { actor: Actor; itemId: Types.ObjectId | string; text: string; force?: boolean; settings: InboxSettings }): Promise<ReplyResult> {
  const { actor, settings } = props;
  const loaded = await ItemModel.findById(props.itemId).lean<Item>();
  if (!loaded) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  const target = replyTarget(loaded);
  if (target === 'group' && containsPersonalData(props.text)) {
    throw badRequest(
      '群聊中不能发送身份证号、手机号等个人信息。请让群众先私聊警务室小助手，再在私聊中回复（Personal data may not be sent to a group; ask the resident to message privately）',
      undefined,
      'personal_data_in_group',
    );
  }
  const now = settings.now();
  const result = await transitionItem({
    itemId: props.itemId,
    action: 'reply',
    officerId: actor.id,
    now,
    decide(item) {
      if (item.status === 'resolved' || item.status === 'closed') throw itemClosed();
      if (heldByOther(item, actor.id, now) && !(props.force && isPrivileged(actor))) throw alreadyClaimed(item);
      return {
        status: 'waiting',
        assignee: new Types.ObjectId(actor.id),
        leaseUntil: null,
        firstResponseAt: item.firstResponseAt ?? now,
        lastActivityAt: now,
      };
    },
  });
  const message = await appendMessage({ item: loaded._id, author: 'officer', kind: 'reply', officer: actor.id, text: props.text, at: now });
  let outbox: OutboxMessage | null = null;
  if (target !== 'thread' && loaded.origin) {
    const origin = loaded.origin;
    ({ message: outbox } = await enqueueMessage({
      key: `reply:${String(message._id)}`,
      to: {
        channel: origin.channel as 'wechat' | 'web',
        conversationId: origin.conversationId,
        isGroup: target === 'group',
        mentionId: target === 'group' ? (origin.senderId ?? undefined) : undefined,
        account: origin.account ?? undefined,
      },
      text: props.text,
      purpose: 'reply',
      item: loaded._id,
      source: `inbox:${actor.username}`,
    }));
  }
  await Promise.all([
    recordAudit({ actor: officerActor(actor), action: 'item.reply', item: result.after, at: now, detail: target === 'thread' ? '回复已存入会话（匿名线索由举报人凭编号查看）' : `经${target === 'group' ? '群聊' : '私聊/网页'}发送` }),
    publishLiveEvent({ type: 'item.updated', item: result.after, action: 'reply', at: now }),
  ]);
  return { item: result.after, message, outbox };
}

/** An internal note: stays in the thread for officers, never sent. */
export async function addNote(props: { actor: Actor; item: Item; text: string; settings: InboxSettings }): Promise<ItemMessage> {
  const now = props.settings.now();
  const created = await appendMessage({ item: props.item._id, author: 'officer', kind: 'note', officer: props.actor.id, text: props.text, at: now });
  await Promise.all([
    recordAudit({ actor: officerActor(props.actor), action: 'item.note', item: props.item, at: now }),
    publishLiveEvent({ type: 'item.message', item: props.item, action: 'note', at: now }),
  ]);
  return created;
}

export interface ResidentMessageProps {
  itemId: Types.ObjectId | string;
  text: string;
  attachments?: string[];
  /** 'tipster' for tips followed up with code + secret. */
  actorKind?: 'resident' | 'tipster';
  now?: Date;
  leaseMinutes?: number;
}

/**
 * A resident's (or tipster's) further message joins the item's thread. An item waiting for
 * the resident goes back to its officer (lease renewed); a resolved item reopens into the
 * queue. The message is stored first, so it is never lost even if the state change races.
 * Used by the conversation flows and the tip follow-up.
 */
export async function addResidentMessage(props: ResidentMessageProps): Promise<{ item: Item; message: ItemMessage }> {
  const now = props.now ?? new Date();
  const leaseMinutes = props.leaseMinutes ?? DEFAULT_LEASE_MINUTES;
  const created = await appendMessage({
    item: typeof props.itemId === 'string' ? new Types.ObjectId(props.itemId) : props.itemId,
    author: 'resident',
    kind: 'message',
    text: props.text.slice(0, 4000),
    attachments: props.attachments ?? [],
    at: now,
  });
  const result = await transitionItem({
    itemId: props.itemId,
    action: 'resident_message',
    officerId: null,
    now,
    attempts: 8,
    decide(item): ItemPatch {
      if (item.status === 'waiting') {
        return item.assignee
          ? { status: 'claimed', leaseUntil: new Date(now.getTime() + leaseMinutes * 60_000), lastActivityAt: now }
          : { status: 'new', lastActivityAt: now };
      }
      if (item.status === 'resolved') {
        return { status: 'new', assignee: null, leaseUntil: null, resolvedAt: null, reopenCount: (item.reopenCount ?? 0) + 1, lastActivityAt: now };
      }
      return { lastActivityAt: now };
    },
  });
  const reopened = result.before.status === 'resolved' && result.after.status === 'new';
  await Promise.all([
    reopened
      ? appendMessage({ item: result.after._id, author: 'system', kind: 'event', text: '群众追加了消息，事项已重新打开', at: now })
      : Promise.resolve(),
    result.before.status !== result.after.status
      ? recordAudit({
          actor: { kind: props.actorKind ?? 'resident' },
          action: reopened ? 'item.reopen' : 'item.resident_message',
          item: result.after,
          at: now,
          detail: `状态：${ITEM_STATUS_LABELS[result.before.status as ItemStatus]} → ${ITEM_STATUS_LABELS[result.after.status as ItemStatus]}`,
        })
      : Promise.resolve(),
    publishLiveEvent({ type: 'item.message', item: result.after, action: 'resident_message', at: now }),
  ]);
  return { item: result.after, message: created };
}

// ---------------------------------------------------------------- queries

export interface InboxFilter {
  status?: ItemStatus | 'open' | 'all';
  room?: string;
  kind?: ItemKind;
  mine?: boolean;
  breached?: boolean;
  limit: number;
}

/** Queue order: highest priority first, then oldest. */
export function queueOrder(a: Pick<QueueRow, 'priority' | 'createdAt' | '_id'>, b: Pick<QueueRow, 'priority' | 'createdAt' | '_id'>): number {
  return b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime() || String(a._id).localeCompare(String(b._id));
}

export type ListedItem = Item | QueueRow;

/**
 * The queue as one officer may see it. Open statuses (the everyday view, and "breached")
 * are read from the open-queue rows; resolved/closed/all from the items themselves
 * (newest activity first), which on FerretDB means a scan of the items collection.
 */
export async function listInbox(props: { rooms: string[] | 'all'; officerId: string; filter: InboxFilter; now: Date }): Promise<{ items: ListedItem[]; hasMore: boolean }> {
  const { filter, now } = props;
  const status = filter.status ?? 'open';
  const rooms = filter.room ? [filter.room] : props.rooms;
  if (status === 'open' || status === 'new' || status === 'claimed' || status === 'waiting' || filter.breached) {
    const rows = (await openRows(rooms)).filter(
      (r) =>
        (status === 'open' || status === 'all' || r.status === status) &&
        (!filter.kind || r.kind === filter.kind) &&
        (!filter.mine || String(r.assignee) === props.officerId) &&
        (!filter.breached || ((r.status === 'new' || r.status === 'claimed') && !r.firstResponseAt && r.dueAt.getTime() < now.getTime())),
    );
    rows.sort(queueOrder);
    return { items: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
  }
  const query: Record<string, unknown> = {};
  if (rooms !== 'all') query.room = rooms.length === 1 ? rooms[0] : { $in: rooms };
  if (status !== 'all') query.status = status;
  if (filter.kind) query.kind = filter.kind;
  if (filter.mine) query.assignee = new Types.ObjectId(props.officerId);
  const items = await ItemModel.find(query).sort({ lastActivityAt: -1, _id: -1 }).limit(filter.limit + 1).lean<Item[]>();
  return { items: items.slice(0, filter.limit), hasMore: items.length > filter.limit };
}

export async function loadItem(id: string, options: { withContact?: boolean } = {}): Promise<Item> {
  if (!Types.ObjectId.isValid(id)) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  const query = ItemModel.findById(id);
  if (options.withContact) query.select('+contact');
  const item = await query.lean<Item>();
  if (!item) throw notFound('未找到该事项（Item not found）', 'item_not_found');
  return item;
}

export { loadThread } from '../items/thread';

/** Officers' display names by id, for presenters. */
export async function officerNames(ids: Array<Types.ObjectId | string | null | undefined>): Promise<Map<string, { name: string; badge: string | null }>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))];
  if (!unique.length) return new Map();
  const officers = await OfficerModel.find({ _id: { $in: unique } }, { name: 1, badge: 1 }).lean();
  return new Map(officers.map((o) => [String(o._id), { name: o.name, badge: o.badge ?? null }]));
}

/** Officers an item may be transferred to: active officers serving its room, and the district's supervisors. */
export async function transferTargets(room: string, district: string | null): Promise<Array<{ id: string; name: string; role: string }>> {
  const or: Record<string, unknown>[] = [{ rooms: room, role: 'officer' }];
  if (district) or.push({ role: 'supervisor', district });
  const officers = await OfficerModel.find({ active: true, $or: or }, { name: 1, role: 1 }).sort({ name: 1 }).lean();
  return officers.map((o) => ({ id: String(o._id), name: o.name, role: o.role }));
}

