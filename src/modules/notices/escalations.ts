import type { Types } from 'mongoose';
import { EscalationModel, escalationKey } from './escalation.model';
import { insertUnique } from '../../storage/unique-insert';

/** When each escalation of these items was made, by escalation key (escalationKey(item, dueAt, level)). */
export async function escalationsOf(items: readonly Types.ObjectId[]): Promise<Map<string, Date>> {
  if (items.length === 0) return new Map();
  const markers = await EscalationModel.find({ item: { $in: items } }, { key: 1, at: 1 }).lean();
  return new Map(markers.map((m) => [m.key, m.at]));
}

/**
 * Records that an item was escalated to a level for one due time. Write it only after every
 * notification of that level was made: until it exists, the next run completes the escalation.
 */
export async function markEscalated(props: { item: Types.ObjectId; dueAt: Date; level: 1 | 2; room: string; at: Date }): Promise<void> {
  await insertUnique(EscalationModel, { key: escalationKey(props.item, props.dueAt, props.level), item: props.item, dueAt: props.dueAt, level: props.level, room: props.room, at: props.at });
}
