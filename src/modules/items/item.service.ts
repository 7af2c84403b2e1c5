import type { ChannelName } from '../../lib/channel-names';
import { generateCode } from '../../lib/codes';
import { maskPersonalData } from '../../lib/mask';
import { Types } from 'mongoose';
import { insertUnique, isDuplicateKeyError } from '../../storage/unique-insert';
import { publishLiveEvent } from '../live';
import type { ServiceKey } from '../../lib/service-catalog';
import { DEFAULT_PRIORITY, ItemModel, type Item, type ItemKind } from './item.model';
import { appendMessage } from './thread';
import { ItemCodeModel } from './item-code.model';
import { addToQueue } from './queue.service';

/** Default minutes before an item of each kind is overdue; config SLA_MINUTES overrides. */
export const DEFAULT_SLA_MINUTES: Record<ItemKind, number> = {
  emergency: 5,
  tip: 120,
  complaint: 24 * 60,
  dispute: 24 * 60,
  question: 24 * 60,
  followup: 24 * 60,
};

export interface CreateItemProps {
  room: string;
  kind: ItemKind;
  /** The resident's first message; becomes the first thread entry. */
  text: string;
  summary?: string;
  service?: ServiceKey | null;
  origin?: {
    channel: ChannelName;
    conversationId: string;
    senderId?: string;
    senderName?: string;
    isGroup?: boolean;
    account?: string;
  } | null;
  anonymous?: boolean;
  contact?: { name?: string; phone?: string } | null;
  secretHash?: string;
  parentItem?: string | null;
  labels?: string[];
  slaMinutes?: Partial<Record<string, number>>;
  now?: Date;
  codeKind?: 'tip' | 'item';
}

/**
 * Creates an item with a fresh follow-up code. The code is taken first, by unique insert into
 * ItemCode (its `_id`); on the (rare) collision we draw another code.
 */
export async function createItem(props: CreateItemProps): Promise<Item> {
  const now = props.now ?? new Date();
  const minutes = props.slaMinutes?.[props.kind] ?? DEFAULT_SLA_MINUTES[props.kind];
  const summarySource = props.summary ?? props.text;
  const summary = maskPersonalData(summarySource.replace(/\s+/g, ' ').trim()).slice(0, 80);
  const codeKind = props.codeKind ?? (props.kind === 'tip' ? 'tip' : 'item');
  for (let attempt = 0; attempt < 8; attempt++) {
    const _id = new Types.ObjectId();
    const code = generateCode(codeKind);
    if (!(await insertUnique(ItemCodeModel, { _id: code, item: _id })).won) continue;
    const outcome = await insertUnique<Item>(ItemModel, {
      _id,
      code,
      room: props.room,
      kind: props.kind,
      status: 'new',
      priority: DEFAULT_PRIORITY[props.kind],
      flagged: props.kind === 'emergency',
      summary,
      service: props.service ?? null,
      labels: props.labels ?? [],
      dueAt: new Date(now.getTime() + minutes * 60_000),
      origin: props.anonymous ? null : (props.origin ?? null),
      anonymous: props.anonymous ?? false,
      contact: props.contact ?? null,
      secretHash: props.secretHash,
      parentItem: props.parentItem ?? null,
      lastActivityAt: now,
      createdAt: now,
    });
    if (outcome.won) {
      await appendMessage({ item: outcome.doc._id, author: 'resident', kind: 'message', text: props.text.slice(0, 4000), at: now }, { first: true });
      // The inbox queue row, and the announcement the officers' live pages (and the queue's
      // catch-up pass, should this row be lost) learn of the item from. Both best effort: the
      // queue's periodic full pass repairs anything missed.
      await addToQueue(outcome.doc).catch(() => undefined);
      await publishLiveEvent({ type: 'item.created', item: outcome.doc, action: 'create', at: now }).catch(() => undefined);
      return outcome.doc;
    }
  }
  throw new Error('could not allocate a unique item code');
}

/** The item behind a follow-up code (two lookups by `_id`), or null. */
export async function findItemByCode(code: string, options: { withSecret?: boolean } = {}): Promise<Item | null> {
  const ref = await ItemCodeModel.findById(code).lean();
  if (!ref) return null;
  const query = ItemModel.findById(ref.item);
  if (options.withSecret) query.select('+secretHash');
  return query.lean<Item>();
}

/**
 * Adds the code → item references that items stored without one lack (items created before
 * ItemCode existed, or imported by hand). Run at start-up; cheap when the counts agree.
 */
export async function ensureItemCodes(): Promise<number> {
  const [items, codes] = await Promise.all([ItemModel.estimatedDocumentCount(), ItemCodeModel.estimatedDocumentCount()]);
  if (codes >= items) return 0;
  const known = new Set((await ItemCodeModel.find({}, { _id: 1 }).lean()).map((c) => c._id));
  const missing = (await ItemModel.find({}, { code: 1 }).lean()).filter((i) => !known.has(i.code)).map((i) => ({ _id: i.code, item: i._id }));
  for (let k = 0; k < missing.length; k += 1000) {
    await ItemCodeModel.insertMany(missing.slice(k, k + 1000), { ordered: false }).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err; // another instance added the same ones
    });
  }
  return missing.length;
}


/** Code, kind and room of items (what an officer's alert may carry, nothing the resident wrote). */
export async function itemBriefs(ids: readonly (Types.ObjectId | string)[]): Promise<Array<Pick<Item, '_id' | 'code' | 'kind' | 'room' | 'dueAt'>>> {
  if (ids.length === 0) return [];
  const found = await Promise.all(ids.map((id) => ItemModel.findById(id, { code: 1, kind: 1, room: 1, dueAt: 1 }).lean<Pick<Item, '_id' | 'code' | 'kind' | 'room' | 'dueAt'>>()));
  return found.filter((i): i is Pick<Item, '_id' | 'code' | 'kind' | 'room' | 'dueAt'> => i !== null);
}
