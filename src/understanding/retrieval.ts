/**
 * BM25 retrieval (minisearch) over the service catalog and the FAQ, tokenised with jieba.
 * An inverted index: query cost depends on the postings of the query's words, so it grows at most
 * linearly with the number of entries.
 */
import MiniSearch from 'minisearch';
import { SERVICE_CATALOG, type ServiceKey } from '../lib/service-catalog';
import type { FaqEntry, Hit } from './types';
import { normalize, segmentForSearch } from './segment';
import { SERVICE_SYNONYMS } from './service';

interface Doc {
  id: string;
  kind: 'faq' | 'service';
  ref: string;
  service: ServiceKey | null;
  title: string;
  keywords: string;
  body: string;
}

// Function words that carry no meaning for retrieval.
const STOPWORDS = new Set(
  ('的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 我 你 他 她 它 我们 你们 他们 俺 咱 咱们 这 那 这个 那个 一个 个 有 在 和 与 或 就 都 也 还 要 想 能 可以 ' +
    '会 请问 请 问 一下 下 怎么 咋 如何 怎样 什么 啥 哪 哪里 哪儿 多少 几 吗 不 没 没有 给 把 被 让 去 来 到 上 中 对 为 办 办理 需要 ' +
    '咋办 咋整 怎么办 能不能 可不可以 行 行不 好 嗯 谢谢 您好 你好 了解 知道 现在 已经 就是 还是 然后 因为 所以 如果 但是 the').split(/\s+/),
);

export function tokenize(text: string): string[] {
  const words = segmentForSearch(normalize(text));
  const out: string[] = [];
  for (const w of words) if (w.trim() && !STOPWORDS.has(w)) out.push(w);
  return out;
}

function serviceDocs(): Doc[] {
  return SERVICE_CATALOG.map((s) => ({
    id: `service:${s.key}`,
    kind: 'service' as const,
    ref: s.key,
    service: s.key,
    title: s.name,
    keywords: SERVICE_SYNONYMS[s.key].join(' '),
    body: s.materials.join(' '),
  }));
}

function faqDoc(e: FaqEntry): Doc {
  return {
    id: `faq:${e.id}`,
    kind: 'faq',
    ref: e.id,
    service: e.service ?? null,
    title: e.question,
    keywords: (e.keywords ?? []).join(' '),
    body: e.answer,
  };
}

export interface RetrievalHit extends Hit {
  service: ServiceKey | null;
}

/** Query terms found in more than this share of documents (and at least MIN_PRUNE_DF) are dropped: near-zero IDF, long postings. */
const PRUNE_SHARE = 0.25;
const MIN_PRUNE_DF = 50;

export class Retriever {
  private index: MiniSearch<Doc>;
  private df = new Map<string, number>();
  private docCount = 0;

  constructor(faq: FaqEntry[]) {
    this.index = this.build(faq);
  }

  private build(faq: FaqEntry[]): MiniSearch<Doc> {
    const df = new Map<string, number>();
    const indexTokenize = (text: string, field?: string): string[] => {
      const terms = tokenize(text);
      if (field === 'title') for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
      return terms;
    };
    const index = new MiniSearch<Doc>({
      idField: 'id',
      fields: ['title', 'keywords'],
      storeFields: ['kind', 'ref', 'service'],
      tokenize: indexTokenize,
      processTerm: (t) => t,
      // Queries arrive already segmented (see search), joined by a space.
      searchOptions: { combineWith: 'OR', tokenize: (s) => s.split(' ').filter(Boolean), processTerm: (t) => t },
    });
    const seen = new Set<string>();
    const docs = serviceDocs();
    for (const e of faq) {
      if (!e || typeof e.id !== 'string' || seen.has(e.id)) continue; // later duplicates of an id are ignored
      seen.add(e.id);
      docs.push(faqDoc(e));
    }
    index.addAll(docs);
    this.df = df;
    this.docCount = docs.length;
    return index;
  }

  setFaq(faq: FaqEntry[]): void {
    this.index = this.build(faq);
  }

  private queryTerms(text: string): string[] {
    const terms = [...new Set(tokenize(text))];
    const limit = Math.max(MIN_PRUNE_DF, this.docCount * PRUNE_SHARE);
    const kept = terms.filter((t) => (this.df.get(t) ?? 0) <= limit);
    return kept.length ? kept : terms;
  }

  /** Best hits of both kinds, highest score first. */
  search(text: string, k = 5, kind?: 'faq' | 'service'): RetrievalHit[] {
    if (k <= 0 || !text) return [];
    const terms = this.queryTerms(text);
    if (!terms.length) return [];
    const results = this.index.search(terms.join(' '), kind ? { filter: (r) => r.kind === kind } : undefined);
    const hits: RetrievalHit[] = [];
    for (const r of results) {
      hits.push({ kind: r.kind as Doc['kind'], id: r.ref as string, score: Math.round(r.score * 1000) / 1000, service: (r.service ?? null) as ServiceKey | null });
      if (hits.length >= k) break;
    }
    return hits;
  }
}
