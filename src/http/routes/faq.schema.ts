import { z } from 'zod';
import { humanText } from '../validate';
import { SERVICE_KEYS } from '../../lib/service-catalog';

export const FaqIdSchema = z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, 'FAQ 编号只能包含字母、数字、_ 和 -');

const keywords = z.array(humanText(30)).max(30);

export const FaqCreateSchema = z.object({
  id: FaqIdSchema.optional(),
  question: humanText(300),
  answer: humanText(4000),
  keywords: keywords.default([]),
  service: z.enum(SERVICE_KEYS).nullable().default(null),
  active: z.boolean().default(true),
});

export const FaqUpdateSchema = z
  .object({
    question: humanText(300),
    answer: humanText(4000),
    keywords,
    service: z.enum(SERVICE_KEYS).nullable(),
    active: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '至少修改一个字段');

export const FaqListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  service: z.enum(SERVICE_KEYS).optional(),
});

/** "试一试": a sample message, and optionally the entry being edited as it stands in the form. */
export const FaqTrySchema = z.object({
  text: humanText(500),
  draft: z
    .object({
      id: FaqIdSchema.optional(),
      question: humanText(300),
      answer: humanText(4000),
      keywords: keywords.default([]),
      service: z.enum(SERVICE_KEYS).nullable().default(null),
    })
    .optional(),
});
export type FaqTryReq = z.infer<typeof FaqTrySchema>;
