import { cachedRead } from '../../lib/read-cache';
import { isServiceKey } from './catalog';
import { ServiceModel, type Service } from './service.model';

// The catalog changes only when it is seeded; reads are cached for a few seconds (src/lib/read-cache.ts).

export async function listServices(): Promise<Service[]> {
  return cachedRead('services|all', () => ServiceModel.find().sort({ order: 1 }).lean<Service[]>());
}

export async function findService(key: string): Promise<Service | null> {
  if (!isServiceKey(key)) return null;
  return cachedRead(`services|${key}`, () => ServiceModel.findOne({ key }).lean<Service>());
}
