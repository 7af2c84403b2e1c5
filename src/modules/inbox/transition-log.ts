import type { Types } from 'mongoose';
import { ItemClaimModel } from './item-claim.model';

/** One item transition as the report rollups read it (who held the item when, and what changed). */
export interface TransitionLogEntry {
  item: Types.ObjectId;
  epoch: number;
  at: Date;
  officer?: Types.ObjectId | null;
  patch?: unknown;
}

/**
 * The item transitions (ItemClaim log) made in a time range, or of some items, or all of them,
 * streamed in batches: the rollups scan it without holding it all in memory.
 */
export function transitionLog(where: { at?: { $gte: Date; $lt: Date }; items?: ReadonlyArray<Types.ObjectId> } = {}): AsyncIterable<TransitionLogEntry> {
  const filter: Record<string, unknown> = {};
  if (where.at) filter.at = where.at;
  if (where.items) filter.item = { $in: [...where.items] };
  return ItemClaimModel.find(filter, { item: 1, epoch: 1, at: 1, officer: 1, patch: 1 }).lean<TransitionLogEntry[]>().cursor({ batchSize: 2000 });
}
