import { ROOM_TYPES, ROOM_TYPE_LABELS, type RoomType } from '../rooms';
import { WORK_LOG_KINDS, WORK_LOG_KIND_LABELS, type WorkLogKind } from './work-log.kinds';
import { WorkLogTargetModel, type WorkLogTargetDoc, type WorkLogTargets } from './work-log.model';

/**
 * Monthly targets per room type and kind of work, set by an admin (local rules differ, so
 * nothing is hard-coded: a kind without a target shows its count only).
 */
export const noTargets = (): WorkLogTargets => Object.fromEntries(WORK_LOG_KINDS.map((k) => [k, null])) as WorkLogTargets;

function normalise(doc: Pick<WorkLogTargetDoc, 'targets'> | null | undefined): WorkLogTargets {
  const out = noTargets();
  for (const k of WORK_LOG_KINDS) {
    const v = doc?.targets?.[k];
    out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

export type TargetsByRoomType = Record<RoomType, WorkLogTargets>;

export async function workLogTargets(): Promise<TargetsByRoomType> {
  const docs = await WorkLogTargetModel.find({ _id: { $in: [...ROOM_TYPES] } }).lean<WorkLogTargetDoc[]>();
  return Object.fromEntries(ROOM_TYPES.map((t) => [t, normalise(docs.find((d) => d._id === t))])) as TargetsByRoomType;
}

/** Replaces one room type's targets (one document per type, written by `_id`). */
export async function setWorkLogTargets(props: { type: RoomType; targets: Partial<Record<WorkLogKind, number | null>>; by: string; now: Date }): Promise<WorkLogTargets> {
  const targets = noTargets();
  for (const k of WORK_LOG_KINDS) targets[k] = props.targets[k] ?? null;
  await WorkLogTargetModel.collection.replaceOne(
    { _id: props.type } as never,
    { _id: props.type, targets, updatedAt: props.now, updatedBy: props.by } as never,
    { upsert: true },
  );
  return targets;
}

/** The targets as they leave the server: every room type, its label, and each kind with its label. */
export function presentTargets(all: TargetsByRoomType) {
  return {
    kinds: WORK_LOG_KINDS.map((k) => ({ key: k, label: WORK_LOG_KIND_LABELS[k] })),
    roomTypes: ROOM_TYPES.map((t) => ({ type: t, label: ROOM_TYPE_LABELS[t], targets: all[t] })),
  };
}

/** A human summary of the change, for the audit log ("城市社区警务室：入户走访 20，治安巡逻 8"). */
export function describeTargets(type: RoomType, targets: WorkLogTargets): string {
  const set = WORK_LOG_KINDS.filter((k) => targets[k] !== null).map((k) => `${WORK_LOG_KIND_LABELS[k]} ${targets[k]}`);
  return `${ROOM_TYPE_LABELS[type]}：${set.length ? set.join('，') : '未设目标'}`;
}
