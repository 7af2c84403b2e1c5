import { Schema, model, Types } from 'mongoose';

/**
 * Follow-up code → item. Residents and tipsters look items up by code ("查询 S2K7…"); on
 * FerretDB 1.24 a filter on `code` reads every item, while this lookup is by `_id`. It is
 * also where a code is taken: createItem() inserts the code here before the item, so the
 * unique `_id` decides which item gets it.
 */
const itemCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    item: { type: Types.ObjectId, required: true },
  },
  { versionKey: false },
);

export const ItemCodeModel = model('ItemCode', itemCodeSchema);
