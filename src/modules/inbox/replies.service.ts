import type { ChannelName } from '../../lib/channel-names';
import { Types } from 'mongoose';
import { badRequest, DomainError, notFound } from '../../lib/errors';
import { containsPersonalData } from '../../lib/mask';
import { recordAudit } from '../audit';
import { appendMessage, type Item, ITEM_STATUS_LABELS, itemById, type ItemMessage, type ItemStatus } from '../items';
import { publishLiveEvent } from '../live';
import { enqueueMessage, type OutboxMessage } from '../outbox';
import { normalizeMobile } from '../appointments';
import { DEFAULT_LEASE_MINUTES, type Actor, type InboxSettings } from './inbox.types';
import { alreadyClaimed, heldByOther, isPrivileged, itemClosed, officerActor } from './item-changes';
import { transitionItem, type ItemPatch } from './item-transition';

/**
 * Replies: the thread between officers and the resident. An officer's reply (back to where
 * the resident wrote, through the outbox), an internal note, and the resident's further messages.
 */

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
  const loaded = await itemById(props.itemId);
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
        channel: origin.channel as ChannelName,
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
  // The officer's first answer since the resident last wrote; later replies of the same turn text nobody.
  if (result.before.status !== 'waiting') await textReplyNotice(loaded, String(message._id), settings, now);
  await Promise.all([
    recordAudit({ actor: officerActor(actor), action: 'item.reply', item: result.after, at: now, detail: target === 'thread' ? '回复已存入会话（匿名线索由举报人凭编号查看）' : `经${target === 'group' ? '群聊' : '私聊/网页'}发送` }),
    publishLiveEvent({ type: 'item.updated', item: result.after, action: 'reply', at: now }),
  ]);
  return { item: result.after, message, outbox };
}

/**
 * "民警已回复您反映的事项 S…，请查看 LINK" by SMS, through the outbox (one text per key, whichever
 * instance queues it), for a resident who wrote on the web (web chat or web form) and gave a
 * mobile number. Never for an anonymous tip (it keeps no number anyway: the check is explicit),
 * never for WeChat residents (the reply reaches them in WeChat). The text names only the code.
 */
async function textReplyNotice(item: Item, messageId: string, settings: InboxSettings, now: Date): Promise<void> {
  const notice = settings.replyNotice;
  if (!notice || item.anonymous) return;
  if (item.origin && item.origin.channel !== 'web') return;
  const withContact = await itemById(item._id, { withContact: true });
  if (!withContact || withContact.anonymous) return;
  const phone = normalizeMobile(withContact.contact?.phone ?? '');
  if (!phone) return;
  const link = `${notice.publicUrl}/status/?code=${encodeURIComponent(item.code)}`;
  await notice.send({ key: `reply:${item.code}:${messageId}`, phone, params: { item: item.code, link }, item: item._id, now });
  settings.logger?.info({ item: item.code }, 'reply notice texted to the resident');
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
  const decide = (item: Item): ItemPatch => {
    if (item.status === 'waiting') {
      return item.assignee
        ? { status: 'claimed', leaseUntil: new Date(now.getTime() + leaseMinutes * 60_000), lastActivityAt: now }
        : { status: 'new', lastActivityAt: now };
    }
    if (item.status === 'resolved') {
      return { status: 'new', assignee: null, leaseUntil: null, resolvedAt: null, reopenCount: (item.reopenCount ?? 0) + 1, lastActivityAt: now };
    }
    return { lastActivityAt: now };
  };
  const result = await transitionItem({ itemId: props.itemId, action: 'resident_message', officerId: null, now, attempts: 8, decide }).catch(
    async (err: unknown) => {
      // Many messages at once on one item (a panicking resident's repeats, all joined into one
      // emergency item) can keep losing the epoch race, or meet a winner the database lost mid-way
      // (an outage between its claim and its write). The message itself is already in the thread;
      // when it would change nothing but the activity time, that is not worth failing the
      // resident's message for. A status change (reopen, back from waiting) still must happen.
      if (!(err instanceof DomainError) || err.code !== 'item_busy') throw err;
      const item = await itemById(props.itemId);
      if (!item || 'status' in decide(item)) throw err;
      return { before: item, after: item, epoch: item.claimEpoch ?? 0 };
    },
  );
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
