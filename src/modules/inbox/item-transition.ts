import { setTimeout as sleep } from 'node:timers/promises';
import type { Types } from 'mongoose';
import { conflict, notFound } from '../../lib/errors';
import { applyToQueue, type Item, itemWithSecrets, replaceItem } from '../items';
import { insertUnique } from '../../storage/unique-insert';
import { ItemClaimModel, type ClaimAction, type ItemClaim } from './item-claim.model';

/** Fields a transition may set on an item. */
export type ItemPatch = Partial<
  Pick<
    Item,
    'status' | 'assignee' | 'leaseUntil' | 'labels' | 'firstResponseAt' | 'resolvedAt' | 'closedAt' | 'reopenCount' | 'lastActivityAt' | 'priority'
  >
>;

export interface TransitionProps {
  itemId: Types.ObjectId | string;
  action: ClaimAction;
  officerId: string | null;
  now: Date;
  /**
   * Looks at the freshly loaded item and returns the fields to set, or throws (e.g. a
   * conflict: someone else holds it). Called again on every retry, with a fresh item.
   */
  decide: (item: Item) => ItemPatch;
  /** How many times to reload and try again when another change won the same epoch. */
  attempts?: number;
}

export interface TransitionResult {
  before: Item;
  after: Item;
  epoch: number;
}

/** A claim won this long ago whose patch is not on the item yet is treated as an abandoned winner and completed. */
const STUCK_AFTER_MS = 10_000;

/**
 * Moves an item from its current epoch to the next, exclusively (see ItemClaim). Losing
 * the race means another change happened in between: reload, decide again, retry.
 */
export async function transitionItem(props: TransitionProps): Promise<TransitionResult> {
  const attempts = props.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    // The whole document (sensitive fields included): the winner writes it back whole.
    const full = await itemWithSecrets(props.itemId);
    if (!full) throw notFound('未找到该事项（Item not found）', 'item_not_found');
    const item = withoutSecrets(full);
    const patch = props.decide(item);
    const epoch = (item.claimEpoch ?? 0) + 1;
    const outcome = await insertUnique<ItemClaim>(ItemClaimModel, {
      item: item._id,
      epoch,
      action: props.action,
      officer: props.officerId,
      patch,
      at: props.now,
    });
    if (outcome.won) {
      // The epoch insert made this caller the item's only writer. It writes the whole document
      // back by _id: on FerretDB 1.24 a replace by _id takes ~1 ms while an update with $set
      // costs time proportional to the collection (hundreds of ms at 100,000 items).
      await replaceItem({ ...full, ...patch, claimEpoch: epoch, updatedAt: props.now });
      const after: Item = { ...item, ...patch, claimEpoch: epoch, updatedAt: props.now };
      await applyToQueue(after);
      return { before: item, after, epoch };
    }
    await completeAbandoned(item, epoch, props.now);
    if (attempt >= attempts) {
      throw conflict('该事项刚被其他人更新，请刷新后重试（The item changed meanwhile; reload and retry）', 'item_busy');
    }
    await sleep(5 + Math.floor(Math.random() * 20 * attempt));
  }
}

function withoutSecrets(item: Item): Item {
  const { contact: _contact, secretHash: _secretHash, ...rest } = item as Item & { contact?: unknown; secretHash?: unknown };
  return rest as Item;
}

/**
 * If the winner of `epoch` never wrote its patch onto the item (it crashed), write it now. "Long
 * ago" is judged on the callers' clock (the claim's `at` is the winner's `now`), not the machine's:
 * a service whose clock differs from the machine's must not take a winner still writing for a
 * crashed one.
 */
async function completeAbandoned(item: Item, epoch: number, now: Date): Promise<void> {
  const winner = await ItemClaimModel.findOne({ item: item._id, epoch }).lean<ItemClaim>();
  if (!winner || now.getTime() - winner.at.getTime() < STUCK_AFTER_MS) return;
  const fresh = await itemWithSecrets(item._id);
  if (!fresh || (fresh.claimEpoch ?? 0) >= epoch) return;
  const repaired = { ...fresh, ...(winner.patch as ItemPatch), claimEpoch: epoch };
  await replaceItem(repaired);
  await applyToQueue(withoutSecrets(repaired));
}
