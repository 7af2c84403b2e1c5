/** Items: the officers' work (questions, tips, disputes, complaints, emergencies, follow-ups). */
export { ITEM_KIND_LABELS, ITEM_KINDS, type Item, type ItemKind } from './item.model';
export { itemBriefs } from './item.service';
