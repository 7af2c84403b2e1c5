import type { Types } from 'mongoose';
import type { ChannelName, ReplyAddress, ReplyOption } from '../../lib/messages';
import { insertUnique } from '../../storage/unique-insert';
import { publishChatSignal } from '../live';
import { OutboxModel, OutboxOpenModel, openRowOf, type OutboxMessage } from './outbox.model';

/** What the outbox delivers on: the conversation channels, and text messages to a mobile number. */
export type OutboxChannel = ChannelName | 'sms';

/** An SMS to a resident's mobile number (outbound only; the number is the conversation id). */
export interface SmsAddress {
  channel: 'sms';
  conversationId: string;
  isGroup: false;
  mentionId?: undefined;
  account?: undefined;
}

export interface EnqueueProps {
  key: string;
  to: ReplyAddress | SmsAddress;
  text: string;
  options?: ReplyOption[];
  purpose?: string;
  urgent?: boolean;
  notBefore?: Date;
  notAfter?: Date | null;
  /** SMS template parameters. */
  params?: Record<string, string> | null;
  item?: Types.ObjectId | string | null;
  source?: string;
}

/** Stores a message for delivery. Idempotent by key: returns the existing message when the key was used before. */
export async function enqueueMessage(props: EnqueueProps): Promise<{ message: OutboxMessage; created: boolean }> {
  const outcome = await insertUnique<OutboxMessage>(OutboxModel, {
    key: props.key,
    channel: props.to.channel,
    account: props.to.account ?? null,
    conversationId: props.to.conversationId,
    isGroup: props.to.isGroup,
    mentionId: props.to.mentionId ?? null,
    text: props.text,
    options: props.options ?? [],
    purpose: props.purpose ?? 'reply',
    urgent: props.urgent ?? false,
    nextAttemptAt: props.notBefore ?? new Date(),
    notAfter: props.notAfter ?? null,
    params: props.params ?? null,
    item: props.item ?? null,
    source: props.source ?? null,
  });
  if (outcome.won) {
    // The sender polls the open rows; the web chat page fetches its messages itself. Best
    // effort: a lost row is re-added by the sender's repair pass within a minute.
    if (outcome.doc.channel !== 'web') await OutboxOpenModel.create(openRowOf(outcome.doc, 'queued', new Date())).catch(() => undefined);
    // An open chat page learns of it at once (its stream reads the feed again); a lost signal only
    // delays the message until the page's next (re)connect, which reads the feed from its cursor.
    else await publishChatSignal(outcome.doc.conversationId).catch(() => undefined);
    return { message: outcome.doc, created: true };
  }
  const existing = await OutboxModel.findOne({ key: props.key }).lean<OutboxMessage>();
  if (!existing) throw new Error(`outbox key ${props.key} collided but no message was found`);
  return { message: existing, created: false };
}

/**
 * Replaces a message's text and parameters once they must no longer be readable (a verification
 * code after it was sent or given up). Only the sender holding the message's claim calls it.
 */
export async function redactMessage(id: Types.ObjectId, text: string, params: Record<string, string> | null): Promise<void> {
  await OutboxModel.updateOne({ _id: id }, { $set: { text, params } });
}

/**
 * The resident wrote again: their held messages on this channel and conversation go back to
 * the queue, oldest first (they were held because only the resident could open the way).
 */
export async function releaseHeld(props: { channel: OutboxChannel; conversationId: string; now?: Date }): Promise<OutboxMessage[]> {
  const at = props.now ?? new Date();
  const held = await OutboxModel.find({ conversationId: props.conversationId, channel: props.channel, status: 'held' }).sort({ createdAt: 1 }).lean<OutboxMessage[]>();
  for (const m of held) {
    await OutboxModel.updateOne({ _id: m._id, status: 'held' }, { $set: { status: 'queued', nextAttemptAt: at } });
    await insertUnique(OutboxOpenModel, openRowOf({ ...m, nextAttemptAt: at }, 'queued', at));
  }
  return held;
}
