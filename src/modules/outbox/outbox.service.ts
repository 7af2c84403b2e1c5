import type { Types } from 'mongoose';
import type { ReplyAddress, ReplyOption } from '../conversations';
import { insertUnique } from '../../storage/unique-insert';
import { OutboxModel, OutboxOpenModel, openRowOf, type OutboxMessage } from './outbox.model';

export interface EnqueueProps {
  key: string;
  to: ReplyAddress;
  text: string;
  options?: ReplyOption[];
  purpose?: string;
  urgent?: boolean;
  notBefore?: Date;
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
    item: props.item ?? null,
    source: props.source ?? null,
  });
  if (outcome.won) {
    // The sender polls the open rows; the web chat page fetches its messages itself. Best
    // effort: a lost row is re-added by the sender's repair pass within a minute.
    if (outcome.doc.channel !== 'web') await OutboxOpenModel.create(openRowOf(outcome.doc, 'queued', new Date())).catch(() => undefined);
    return { message: outcome.doc, created: true };
  }
  const existing = await OutboxModel.findOne({ key: props.key }).lean<OutboxMessage>();
  if (!existing) throw new Error(`outbox key ${props.key} collided but no message was found`);
  return { message: existing, created: false };
}
