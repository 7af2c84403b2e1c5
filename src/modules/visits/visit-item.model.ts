import { Schema, model, Types } from 'mongoose';

/**
 * A 约访 turned into an item ("转为事项"). `_id` is the appointment's code, so one 约访 becomes at
 * most one item however many officers press the button at once: the first insert wins, the
 * others read what it made. `itemCode` is null while the winner is still creating the item.
 */
const visitItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    room: { type: String, required: true },
    item: { type: Types.ObjectId, default: null },
    itemCode: { type: String, default: null },
    officer: { type: Types.ObjectId, default: null },
  },
  { timestamps: true },
);

export const VisitItemModel = model('VisitItem', visitItemSchema);
