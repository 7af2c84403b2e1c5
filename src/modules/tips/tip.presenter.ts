import { type Item, ITEM_STATUS_LABELS, type ItemMessage, type ItemStatus } from '../items';

/** What the tipster sees: status and the dialogue. Never officer names, notes, labels or assignee. */
export function presentTipForTipster(item: Item, roomName: string | null, thread: ItemMessage[]) {
  return {
    code: item.code,
    status: item.status,
    statusLabel: ITEM_STATUS_LABELS[item.status as ItemStatus],
    room: item.room,
    roomName,
    createdAt: item.createdAt,
    resolvedAt: item.resolvedAt ?? null,
    messages: thread.map((m) => ({
      id: String(m._id),
      from: m.author === 'officer' ? 'police' : 'you',
      text: m.text,
      images: m.attachments?.length ?? 0,
      at: m.at,
    })),
  };
}
