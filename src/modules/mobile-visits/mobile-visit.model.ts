import { Schema, model, type InferSchemaType, Types } from 'mongoose';

/**
 * A stop of a mobile police station (流动警务室): where and when, and which groups hear about
 * it the day before — every group bound to the listed rooms, plus groups named one by one.
 * Deleting a visit marks it cancelled (its notice, if already sent, stays in the record).
 */
const mobileVisitSchema = new Schema(
  {
    /** The mobile room (or any room) that makes the visit. */
    room: { type: String, required: true, uppercase: true },
    place: { type: String, required: true, maxlength: 200 },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    note: { type: String, maxlength: 300, default: '' },
    targetRooms: { type: [String], default: [] },
    targetGroups: { type: [String], default: [] },
    /**
     * Whose groups the notice may reach: the rooms its creator could message when entering it
     * (the broadcasts' rule); `scopeAll` for an admin. Visits stored before these fields keep the
     * rule they were entered under (the visiting room's district).
     */
    scopeAll: { type: Boolean, default: undefined },
    scopeRooms: { type: [String], default: undefined },
    createdBy: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: String, default: null },
  },
  { timestamps: true },
);
mobileVisitSchema.index({ start: 1 });
mobileVisitSchema.index({ room: 1, start: 1 });

export type MobileVisit = InferSchemaType<typeof mobileVisitSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const MobileVisitModel = model('MobileVisit', mobileVisitSchema);
