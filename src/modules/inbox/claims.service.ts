import { Types } from 'mongoose';
import { DomainError, badRequest, conflict, notFound } from '../../lib/errors';
import { canAccessRoom } from '../auth';
import { type Item, itemById, openRows } from '../items';
import { activeOfficerById } from '../officers';
import { emitItemResolved } from './inbox.events';
import { queueOrder } from './inbox.queries';
import type { Actor, InboxSettings } from './inbox.types';
import type { ClaimAction } from './item-claim.model';
import { ACTION_TEXT, afterChange, alreadyClaimed, heldByOther, isHolder, isPrivileged, itemClosed, leaseFrom, leaseIsLive, notHolder, officerActor } from './item-changes';
import { transitionItem, type ItemPatch } from './item-transition';

/**
 * Claims: who works on an item. Claim (exclusive: of many concurrent claimants one wins),
 * "next", release, resolve, reopen, transfer, and labels.
 */

export interface ClaimProps {
  actor: Actor;
  itemId: Types.ObjectId | string;
  force?: boolean;
  settings: InboxSettings;
  /** Reload-and-retry rounds when another change wins the same epoch (next: 1, losing just moves on). */
  attempts?: number;
  /**
   * Only a new claim will do ("next"): an item the officer already holds counts as taken, not as
   * a lease renewal. Without it, one officer pressing "next" twice at once (two tabs, a double
   * click) could get, on the second press, the item the first press had just claimed.
   */
  fresh?: boolean;
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
      if (props.fresh && isHolder(item, actor.id) && (item.status === 'waiting' || leaseIsLive(item, now))) throw alreadyClaimed(item);
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
        return await claimItem({ actor, itemId: candidate._id, settings, attempts: 1, fresh: true });
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
  const target = await activeOfficerById(props.targetOfficerId);
  if (!target) throw notFound('未找到接收民警（Officer not found）', 'officer_not_found');
  const current = await itemById(props.itemId, { fields: ['room'] });
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
