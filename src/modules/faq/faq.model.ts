import { Schema, model, type InferSchemaType, Types } from 'mongoose';
import { SERVICE_KEYS } from '../../lib/service-catalog';

/**
 * The editable Chinese FAQ knowledge base the bot retrieves answers from (seeded from
 * src/understanding/faq-seed.ts, then edited by admins through /api/faq).
 * `faqId` is the stable id the understanding core and the model's citations use.
 */
const faqSchema = new Schema(
  {
    faqId: { type: String, required: true, trim: true, match: /^[A-Za-z0-9_-]{1,40}$/ },
    question: { type: String, required: true, trim: true, maxlength: 300 },
    answer: { type: String, required: true, trim: true, maxlength: 4000 },
    keywords: { type: [String], default: [] },
    service: { type: String, enum: [...SERVICE_KEYS, null], default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

faqSchema.index({ faqId: 1 }, { unique: true });
faqSchema.index({ updatedAt: -1 });

export type Faq = InferSchemaType<typeof faqSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const FaqModel = model('Faq', faqSchema);
