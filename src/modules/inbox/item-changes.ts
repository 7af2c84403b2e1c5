import { conflict, forbidden } from '../../lib/errors';
import { type AuditActor, recordAudit } from '../audit';
import { appendMessage, type Item, ITEM_STATUS_LABELS, type ItemStatus } from '../items';
import { publishLiveEvent } from '../live';
import type { ClaimAction } from './item-claim.model';
import type { TransitionResult } from './item-transition';
import type { Actor, InboxSettings } from './inbox.types';

/*
 * What every inbox command shares: who holds an item (a live lease, or waiting for the
 * resident on the holder's reply), the refusals, and the three traces every committed change
 * leaves: an 'event' line in the thread, an entry in the 操作日志 (audit log), and a live event for
 * every instance's open inbox pages. Every change itself goes through transitionItem (one
 * exclusive epoch per change).
 */

export const isPrivileged = (actor: Actor) => actor.role === 'supervisor' || actor.role === 'admin';
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

export function isHolder(item: Pick<Item, 'status' | 'assignee'>, officerId: string): boolean {
  return (item.status === 'claimed' || item.status === 'waiting') && String(item.assignee) === officerId;
}

export const alreadyClaimed = (item: Item) =>
  conflict('该事项已由其他民警处理中（Already claimed by another officer）', 'already_claimed', { assignee: idOf(item.assignee) });
export const itemClosed = () =>
  conflict('该事项已办结或关闭，请先重新打开（The item is resolved or closed; reopen it first）', 'item_closed');
export const notHolder = () =>
  forbidden('只有当前处理人可以执行此操作，督导或管理员可强制执行（Only the holder may do this）', 'not_holder');

export function officerActor(actor: Actor): AuditActor {
  return { kind: 'officer', id: actor.id, name: actor.name, username: actor.username };
}

export function leaseFrom(now: Date, settings: Pick<InboxSettings, 'leaseMinutes'>): Date {
  return new Date(now.getTime() + settings.leaseMinutes * 60_000);
}

export const ACTION_TEXT: Record<string, (who: string, extra?: string) => string> = {
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
export async function afterChange(props: AfterChange): Promise<void> {
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
