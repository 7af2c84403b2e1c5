import { createUnderstanding, type Understanding } from '../../understanding';
import type { FaqEntry } from '../../understanding/types';
import { faqVersion, loadActiveFaq, seedFaqIfEmpty } from '../faq';
import { officersOfRoom } from '../officers';
import { type Room, type RoomOfficerView, findRoom, listRooms } from '../rooms';
import { SERVICE_CATALOG, type ServiceKey } from '../../lib/service-catalog';
import { listServices } from '../services';

/** What the bot says about a service (from the stored, editable catalog). */
export interface ServiceInfo {
  key: ServiceKey;
  name: string;
  gloss?: string | null;
  materials: string[];
  mode: string;
  typicalTime: string;
  bookable: boolean;
}

/**
 * The read-mostly data the core answers from, cached in memory: the understanding core
 * (with the FAQ loaded), the service catalog, rooms and their officers. Each cache entry
 * lives `ttlMs`; the FAQ is reloaded only when its version stamp changes, so an edit made on
 * another instance is picked up within `ttlMs`.
 *
 * This is why the core touches the database only for the conversation memory (one read,
 * one write per message) and for side effects (items, threads).
 */
export interface Knowledge {
  understanding(): Promise<Understanding>;
  services(): Promise<ServiceInfo[]>;
  service(key: string): Promise<ServiceInfo | null>;
  faqEntry(id: string): Promise<FaqEntry | null>;
  room(code: string | null | undefined): Promise<Room | null>;
  rooms(): Promise<Room[]>;
  roomOfficers(code: string): Promise<RoomOfficerView[]>;
  /** Forget the caches (after an edit in this process). */
  invalidate(): void;
}

export interface KnowledgeOptions {
  ttlMs?: number;
  /** A fixed FAQ (benchmarks, tests): the database FAQ is then not read. */
  faq?: FaqEntry[];
  /** A fixed catalog instead of the stored one. */
  services?: ServiceInfo[];
  clock?: () => number;
}

interface Cached<T> {
  value: T;
  at: number;
}

export function createKnowledge(options: KnowledgeOptions = {}): Knowledge {
  const ttl = options.ttlMs ?? 30_000;
  const clock = options.clock ?? Date.now;
  let und: { value: Understanding; version: string; entries: Map<string, FaqEntry>; checkedAt: number } | null = null;
  let loadingUnd: Promise<void> | null = null;
  let services: Cached<ServiceInfo[]> | null = null;
  let roomList: Cached<Room[]> | null = null;
  const rooms = new Map<string, Cached<Room | null>>();
  const officers = new Map<string, Cached<RoomOfficerView[]>>();
  const fresh = (c: { at: number } | null | undefined) => !!c && clock() - c.at < ttl;

  async function refreshUnderstanding(): Promise<void> {
    if (options.faq) {
      if (!und) und = { value: createUnderstanding({ faq: options.faq }), version: 'fixed', entries: new Map(options.faq.map((e) => [e.id, e])), checkedAt: Infinity };
      return;
    }
    if (!und) await seedFaqIfEmpty();
    const version = await faqVersion();
    if (und && und.version === version) {
      und.checkedAt = clock();
      return;
    }
    const entries = await loadActiveFaq();
    if (und) und.value.setFaq(entries);
    const value = und?.value ?? createUnderstanding({ faq: entries });
    und = { value, version, entries: new Map(entries.map((e) => [e.id, e])), checkedAt: clock() };
  }

  async function understanding(): Promise<Understanding> {
    if (!und || clock() - und.checkedAt >= ttl) {
      loadingUnd ??= refreshUnderstanding().finally(() => {
        loadingUnd = null;
      });
      // The first load must finish; later refreshes happen in the background with the old index answering.
      if (!und) await loadingUnd;
      else void loadingUnd.catch(() => undefined);
    }
    return und!.value;
  }

  async function allServices(): Promise<ServiceInfo[]> {
    if (options.services) return options.services;
    if (fresh(services)) return services!.value;
    const stored = await listServices();
    const value: ServiceInfo[] = stored.length
      ? stored.map((s) => ({ key: s.key as ServiceKey, name: s.name, gloss: s.gloss, materials: s.materials, mode: s.mode, typicalTime: s.typicalTime, bookable: s.bookable ?? true }))
      : SERVICE_CATALOG.map((s) => ({ ...s, bookable: true }));
    services = { value, at: clock() };
    return value;
  }

  return {
    understanding,
    services: allServices,
    async service(key) {
      return (await allServices()).find((s) => s.key === key) ?? null;
    },
    async faqEntry(id) {
      await understanding();
      return und?.entries.get(id) ?? null;
    },
    async room(code) {
      if (!code) return null;
      const c = code.toUpperCase();
      const hit = rooms.get(c);
      if (fresh(hit)) return hit!.value;
      const value = await findRoom(c);
      rooms.set(c, { value, at: clock() });
      return value;
    },
    async rooms() {
      if (fresh(roomList)) return roomList!.value;
      const value = await listRooms();
      roomList = { value, at: clock() };
      return value;
    },
    async roomOfficers(code) {
      const hit = officers.get(code);
      if (fresh(hit)) return hit!.value;
      const value = await officersOfRoom(code);
      officers.set(code, { value, at: clock() });
      return value;
    },
    invalidate() {
      if (und) und.checkedAt = 0;
      services = null;
      roomList = null;
      rooms.clear();
      officers.clear();
    },
  };
}
