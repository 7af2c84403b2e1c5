import type { Types } from 'mongoose';
import { LiveEventModel, type LiveEvent, type LiveEventType } from './live-event.model';

export interface PublishProps {
  type: LiveEventType;
  item: { _id: Types.ObjectId | string; room: string; kind?: string | null; status?: string | null; assignee?: Types.ObjectId | string | null };
  action?: string;
  at?: Date;
}

type LocalListener = (event: LiveEvent) => void;
const localListeners = new Set<LocalListener>();

/** Hubs in this process hear their own instance's events at once (others via polling). */
export function onLocalEvent(listener: LocalListener): () => void {
  localListeners.add(listener);
  return () => localListeners.delete(listener);
}

/** Records a change for every instance's live inbox. */
export async function publishLiveEvent(props: PublishProps): Promise<void> {
  const created = await LiveEventModel.create({
    at: props.at ?? new Date(),
    type: props.type,
    item: props.item._id,
    room: props.item.room,
    kind: props.item.kind ?? null,
    status: props.item.status ?? null,
    assignee: props.item.assignee ?? null,
    action: props.action ?? null,
  });
  const event = created.toObject() as LiveEvent;
  for (const listener of localListeners) listener(event);
}
