import { cachedRead } from '../../lib/read-cache';
import { isServiceKey, SERVICE_CATALOG } from '../../lib/service-catalog';
import { insertUnique } from '../../storage/unique-insert';
import { ServiceModel, type Service } from './service.model';

// The catalog changes only when it is seeded; reads are cached for a few seconds (src/lib/read-cache.ts).

export async function listServices(): Promise<Service[]> {
  return cachedRead('services|all', () => ServiceModel.find().sort({ order: 1 }).lean<Service[]>());
}

export async function findService(key: string): Promise<Service | null> {
  if (!isServiceKey(key)) return null;
  return cachedRead(`services|${key}`, () => ServiceModel.findOne({ key }).lean<Service>());
}

/** Writes the catalog's services that are not stored yet (an admin's edits stay); returns how many were added. */
export async function seedCatalog(): Promise<number> {
  let inserted = 0;
  for (const entry of SERVICE_CATALOG) {
    const { won } = await insertUnique(ServiceModel, { ...entry, materials: [...entry.materials], bookable: true });
    if (won) inserted++;
  }
  return inserted;
}
