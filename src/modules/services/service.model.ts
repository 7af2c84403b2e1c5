import { Schema, model, type InferSchemaType } from 'mongoose';
import { BOOKABLE_KEYS } from '../../lib/service-catalog';

/** The stored, editable catalog of the 21 delegated services (seeded from src/lib/service-catalog.ts). */
const serviceSchema = new Schema(
  {
    key: { type: String, required: true, enum: BOOKABLE_KEYS },
    order: { type: Number, required: true, min: 1 },
    name: { type: String, required: true, trim: true, maxlength: 40 },
    gloss: { type: String, trim: true, maxlength: 200 },
    materials: { type: [String], default: [] },
    mode: { type: String, required: true, maxlength: 40 },
    typicalTime: { type: String, required: true, maxlength: 200 },
    bookable: { type: Boolean, default: true },
  },
  { timestamps: true },
);

serviceSchema.index({ key: 1 }, { unique: true });

export type Service = InferSchemaType<typeof serviceSchema>;
export const ServiceModel = model('Service', serviceSchema);

/** How the mode reads to a resident: completed here, forwarded, or handled on their behalf. */
export function describeMode(mode: string): string {
  if (mode.startsWith('办结')) return '警务室可当场办结';
  if (mode.startsWith('转办')) return '警务室受理后转派出所/分局办理';
  if (mode.startsWith('代办')) return '民警代为办理';
  if (mode.startsWith('受理')) return '警务室受理并核查';
  if (mode.startsWith('约访')) return '与社区民警当面交谈（18日恳谈日可约所领导）';
  return mode;
}
