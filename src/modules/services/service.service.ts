import { cachedRead } from '../../lib/read-cache';
import { isServiceKey, SERVICE_CATALOG, TALK_ENTRY, TALK_KEY } from '../../lib/service-catalog';
import { insertUnique } from '../../storage/unique-insert';
import { ServiceModel, type Service } from './service.model';

// The catalog changes only when it is seeded; reads are cached for a few seconds (src/lib/read-cache.ts).

export async function listServices(): Promise<Service[]> {
  return cachedRead('services|all', () => ServiceModel.find().sort({ order: 1 }).lean<Service[]>());
}

/**
 * A service of the catalog, or 约访 (`talk_with_officer`): not one of the 21 and not stored, but
 * what the booking engine, the booking page and the chat read of it looks like a service.
 */
export async function findService(key: string): Promise<Service | null> {
  if (key === TALK_KEY) return { ...TALK_ENTRY, materials: [...TALK_ENTRY.materials], bookable: true } as Service;
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
