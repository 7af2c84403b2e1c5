import { randomBytes } from 'node:crypto';
import { conflict, notFound } from '../../lib/errors';
import { insertUnique } from '../../storage/unique-insert';
import { FAQ_SEED } from '../../understanding/faq-seed';
import type { FaqEntry } from '../../understanding/types';
import { isServiceKey, type ServiceKey } from '../../lib/service-catalog';
import { FaqModel, type Faq } from './faq.model';

/** A new entry, as the admin page sends it (validated at the edge). */
export interface FaqCreateReq {
  id?: string;
  question: string;
  answer: string;
  keywords: string[];
  service: ServiceKey | null;
  active: boolean;
}

/** The fields an admin changes; at least one. */
export type FaqUpdateReq = Partial<Omit<FaqCreateReq, 'id'>>;

/** Inserts the seed entries that are missing; never overwrites an admin's edit. Safe to run twice or concurrently. */
export async function seedFaq(entries: FaqEntry[] = FAQ_SEED): Promise<number> {
  let inserted = 0;
  for (const e of entries) {
    const { won } = await insertUnique(FaqModel, {
      faqId: e.id,
      question: e.question,
      answer: e.answer,
      keywords: e.keywords ?? [],
      service: e.service ?? null,
      active: true,
    });
    if (won) inserted++;
  }
  return inserted;
}

/** Seeds the FAQ on first use (empty collection). */
export async function seedFaqIfEmpty(): Promise<number> {
  if ((await FaqModel.estimatedDocumentCount()) > 0) return 0;
  return seedFaq();
}

export function toFaqEntry(f: Pick<Faq, 'faqId' | 'question' | 'answer' | 'keywords' | 'service'>): FaqEntry {
  return { id: f.faqId, question: f.question, answer: f.answer, keywords: f.keywords ?? [], service: isServiceKey(f.service) ? f.service : null };
}

/** The active entries, as the understanding core takes them. */
export async function loadActiveFaq(): Promise<FaqEntry[]> {
  const docs = await FaqModel.find({ active: true }).sort({ faqId: 1 }).lean<Faq[]>();
  return docs.map(toFaqEntry);
}

/**
 * A cheap stamp that changes whenever the FAQ changes (count + newest update), so every
 * instance notices edits made through another instance without reloading on each message.
 */
export async function faqVersion(): Promise<string> {
  const [count, newest] = await Promise.all([
    FaqModel.countDocuments({}),
    FaqModel.findOne({}, { updatedAt: 1 }).sort({ updatedAt: -1 }).lean<{ updatedAt: Date }>(),
  ]);
  return `${count}:${newest?.updatedAt?.getTime() ?? 0}`;
}

export async function listFaq(filter: { q?: string; service?: string } = {}): Promise<Faq[]> {
  const query: Record<string, unknown> = {};
  if (filter.service) query.service = filter.service;
  const docs = await FaqModel.find(query).sort({ faqId: 1 }).lean<Faq[]>();
  if (!filter.q) return docs;
  const q = filter.q.toLowerCase();
  return docs.filter((d) => d.question.toLowerCase().includes(q) || d.answer.toLowerCase().includes(q) || d.keywords.some((k) => k.toLowerCase().includes(q)));
}

export async function getFaq(id: string): Promise<Faq> {
  const doc = await FaqModel.findOne({ faqId: id }).lean<Faq>();
  if (!doc) throw notFound('未找到该问答（FAQ entry not found）', 'faq_not_found');
  return doc;
}

export async function createFaq(req: FaqCreateReq): Promise<Faq> {
  const faqId = req.id ?? `faq-${randomBytes(4).toString('hex')}`;
  const outcome = await insertUnique<Faq>(FaqModel, {
    faqId,
    question: req.question,
    answer: req.answer,
    keywords: req.keywords,
    service: req.service,
    active: req.active,
  });
  if (!outcome.won) throw conflict('该问答编号已存在（FAQ id already exists）', 'faq_exists');
  return outcome.doc;
}

export async function updateFaq(id: string, req: FaqUpdateReq): Promise<Faq> {
  const doc = await FaqModel.findOneAndUpdate({ faqId: id }, { $set: req }, { new: true, runValidators: true }).lean<Faq>();
  if (!doc) throw notFound('未找到该问答（FAQ entry not found）', 'faq_not_found');
  return doc;
}

export async function deleteFaq(id: string): Promise<void> {
  const res = await FaqModel.deleteOne({ faqId: id });
  if (res.deletedCount === 0) throw notFound('未找到该问答（FAQ entry not found）', 'faq_not_found');
}
