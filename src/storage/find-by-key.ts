import type { Types } from 'mongoose';
import type { AnyModel } from './unique-insert';

/**
 * Reads one document by its string `_id` through the driver, without mongoose's query
 * building and casting: for hot paths that read plain data by key (every chat message reads
 * its conversation memory and pending survey this way).
 */
export function findByKey<T>(model: AnyModel, id: string): Promise<T | null> {
  return model.collection.findOne<T>({ _id: id as unknown as Types.ObjectId });
}
