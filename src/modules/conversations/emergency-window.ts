import { Schema, model, Types } from 'mongoose';
import { insertUnique } from '../../storage/unique-insert';

/**
 * One emergency item per conversation (and per client address, for the web) and window: a
 * repeat inside EMERGENCY_REPEAT_MINUTES joins the first message's item instead of paging the
 * room's officers again. The window is claimed by a unique insert of its key as `_id`, before
 * the item exists; the winner records the item's id and code on it.
 */
const emergencyWindowSchema = new Schema(
  {
    /** `<room>:<key>|<window index>` */
    _id: { type: String, required: true, maxlength: 500 },
    item: { type: Types.ObjectId, default: null },
    code: { type: String, default: null },
    /** When the window is over (housekeeping deletes older ones). */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
emergencyWindowSchema.index({ expiresAt: 1 });
export const EmergencyWindowModel = model('EmergencyWindow', emergencyWindowSchema);

export type WindowClaim = { won: true; ids: string[] } | { won: false; item: Types.ObjectId | null; code: string | null };

/**
 * Claims the window of every key, or finds the item a repeat belongs to. Keys are tried in
 * order; the first one already claimed decides (its item, once the winner has recorded it).
 */
export async function claimEmergencyWindow(room: string, keys: string[], now: Date, minutes: number): Promise<WindowClaim> {
  const windowMs = minutes * 60_000;
  const index = Math.floor(now.getTime() / windowMs);
  const expiresAt = new Date((index + 1) * windowMs);
  const ids = keys.map((k) => `${room}:${k}|${index}`);
  for (const id of ids) {
    const existing = await EmergencyWindowModel.findById(id).lean();
    if (existing) return waitForItem(id, existing);
  }
  const won: string[] = [];
  for (const id of ids) {
    const outcome = await insertUnique(EmergencyWindowModel, { _id: id, expiresAt });
    if (outcome.won) won.push(id);
    else if (won.length === 0) return waitForItem(id, await EmergencyWindowModel.findById(id).lean());
  }
  return { won: true, ids: won };
}

/** The winner creates the item right after claiming: a repeat arriving in between waits briefly for it. */
async function waitForItem(id: string, doc: { item?: Types.ObjectId | null; code?: string | null } | null): Promise<WindowClaim> {
  for (let i = 0; i < 20 && !doc?.item; i++) {
    await new Promise((r) => setTimeout(r, 100));
    doc = await EmergencyWindowModel.findById(id).lean();
  }
  return { won: false, item: doc?.item ?? null, code: doc?.code ?? null };
}

export async function recordEmergencyItem(ids: string[], item: { _id: Types.ObjectId; code: string }): Promise<void> {
  if (ids.length) await EmergencyWindowModel.updateMany({ _id: { $in: ids } }, { $set: { item: item._id, code: item.code } });
}

/** Lets a window go when its item could not be created (the next message tries again). */
export async function releaseEmergencyWindow(ids: string[]): Promise<void> {
  if (ids.length) await EmergencyWindowModel.deleteMany({ _id: { $in: ids } });
}

export async function purgeEmergencyWindows(now: Date): Promise<number> {
  return (await EmergencyWindowModel.deleteMany({ expiresAt: { $lt: now } })).deletedCount ?? 0;
}
