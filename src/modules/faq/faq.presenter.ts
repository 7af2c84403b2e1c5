import type { Faq } from './faq.model';

export function presentFaq(f: Faq) {
  return {
    id: f.faqId,
    question: f.question,
    answer: f.answer,
    keywords: f.keywords,
    service: f.service ?? null,
    active: f.active,
    updatedAt: f.updatedAt?.toISOString?.() ?? null,
  };
}
