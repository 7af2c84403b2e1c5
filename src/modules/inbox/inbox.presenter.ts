import { type Item, ITEM_KIND_LABELS, ITEM_STATUS_LABELS, type ItemKind, type ItemMessage, type ItemStatus } from '../items';
import { type Attachment, presentAttachment } from '../attachments';
import type { CannedReply } from './canned-reply.model';
import { type ListedItem } from './inbox.queries';
import { leaseIsLive } from './item-changes';
import { replyTarget } from './replies.service';

type Names = Map<string, { name: string; badge: string | null }>;

const CHANNEL_LABELS: Record<string, string> = { wechat: '微信', web: '网页', 'wecom-kf': '微信客服' };

/** SLA: overdue = still waiting for a first response after its due time. */
export function slaState(item: Pick<Item, 'dueAt' | 'firstResponseAt' | 'status'>, now: Date) {
  const open = item.status === 'new' || item.status === 'claimed';
  const overdue = open && !item.firstResponseAt && item.dueAt.getTime() < now.getTime();
  const missed = overdue || Boolean(item.firstResponseAt && item.firstResponseAt.getTime() > item.dueAt.getTime());
  return { dueAt: item.dueAt, overdue, missed };
}

/** One row of the queue. No resident text except the masked one-line summary; no contact, origin ids or secrets. */
export function presentItemSummary(item: ListedItem, names: Names, now: Date, meId: string) {
  const assignee = item.assignee ? String(item.assignee) : null;
  return {
    id: String(item._id),
    code: item.code,
    room: item.room,
    kind: item.kind,
    kindLabel: ITEM_KIND_LABELS[item.kind as ItemKind],
    status: item.status,
    statusLabel: ITEM_STATUS_LABELS[item.status as ItemStatus],
    priority: item.priority,
    flagged: item.flagged,
    summary: item.summary,
    service: item.service ?? null,
    labels: item.labels ?? [],
    sla: slaState(item, now),
    assignee: assignee ? { id: assignee, name: names.get(assignee)?.name ?? '（已停用）', isMe: assignee === meId } : null,
    leaseUntil: item.leaseUntil ?? null,
    leaseLive: leaseIsLive(item, now),
    anonymous: item.anonymous ?? false,
    channel: item.origin?.channel ?? null,
    channelLabel: item.origin ? `${CHANNEL_LABELS[item.origin.channel] ?? item.origin.channel}${item.origin.isGroup ? '群聊' : ''}` : item.anonymous ? '匿名' : '网页',
    isGroup: item.origin?.isGroup ?? false,
    createdAt: item.createdAt,
    lastActivityAt: item.lastActivityAt,
    firstResponseAt: item.firstResponseAt ?? null,
    resolvedAt: item.resolvedAt ?? null,
    reopenCount: item.reopenCount ?? 0,
  };
}

export function presentThreadMessage(m: ItemMessage, names: Names, attachments: Map<string, Attachment>) {
  const officer = m.officer ? String(m.officer) : null;
  return {
    id: String(m._id),
    author: m.author,
    kind: m.kind,
    officer: officer ? { id: officer, name: names.get(officer)?.name ?? '民警' } : null,
    text: m.text,
    attachments: (m.attachments ?? []).map((id) => attachments.get(id)).filter((a): a is Attachment => Boolean(a)).map(presentAttachment),
    at: m.at,
  };
}

/**
 * The full item for an officer authorised for its room: summary fields, the resident's
 * display name on the channel, contact details they chose to give, where a reply goes,
 * and the thread (with internal notes).
 */
export function presentItemDetail(
  item: Item,
  props: { names: Names; now: Date; meId: string; thread: ItemMessage[]; attachments: Map<string, Attachment>; transferTargets: Array<{ id: string; name: string; role: string }> },
) {
  const target = replyTarget(item);
  return {
    ...presentItemSummary(item, props.names, props.now, props.meId),
    residentName: item.anonymous ? null : (item.origin?.senderName ?? item.contact?.name ?? null),
    contact: item.contact ? { name: item.contact.name ?? null, phone: item.contact.phone ?? null } : null,
    replyTarget: target,
    replyTargetLabel: { private: '回复将发送到群众的私聊/网页会话', group: '回复将在群内@群众（不得含个人信息）', thread: '回复仅保存在线索会话中，举报人凭编号和密码查看' }[target],
    parentItem: item.parentItem ? String(item.parentItem) : null,
    thread: props.thread.map((m) => presentThreadMessage(m, props.names, props.attachments)),
    transferTargets: props.transferTargets,
  };
}

export function presentCannedReply(c: CannedReply) {
  return { id: String(c._id), room: c.room, title: c.title, text: c.text };
}
