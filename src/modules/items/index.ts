/** Items: the officers' work (questions, tips, disputes, complaints, emergencies, follow-ups); other modules never query the Item model themselves. */
export { createItemTimeIndexes, itemById, itemsByActivity, itemsCreatedBetween, itemsDueBy, itemsForRollup, itemsWaitingFor, itemWithSecrets, replaceItem } from './item.store';
export { applyToQueue, openRows, type QueueRow } from './queue.service';
export { type Item, ITEM_KIND_LABELS, ITEM_KINDS, ITEM_STATUS_LABELS, ITEM_STATUSES, type ItemKind, type ItemMessage, type ItemStatus, OPEN_STATUSES } from './item.model';
export { createItem, DEFAULT_SLA_MINUTES, ensureItemCodes, findItemByCode, itemBriefs } from './item.service';
export { appendMessage, loadThread } from './thread';
