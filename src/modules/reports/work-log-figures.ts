import { WORK_LOG_KINDS, WORK_LOG_KIND_LABELS, workLogTallies, workLogTargets, type TargetsByRoomType, type WorkLogKind, type WorkLogTally } from '../work-log';
import type { RoomType } from '../rooms';

/**
 * The month's field work (工作日志) against the monthly targets of each room's type. Counted live
 * from the work-log collection by a range on `at` within the rooms (one query per report, no
 * rollup): so it always agrees with the entries, and there is nothing to rebuild.
 */
export interface WorkLogFigures {
  /** Entries per kind. */
  counts: Record<WorkLogKind, number>;
  /** Households / people reached per kind (the entries' counts summed). */
  reached: Record<WorkLogKind, number>;
  /** Entries expected per kind this month; null: no target for that kind. */
  targets: Record<WorkLogKind, number | null>;
  total: number;
  /** Kinds with a target not reached (in the kinds' order). */
  belowTarget: WorkLogKind[];
}

export const WORK_LOG_KIND_LIST = WORK_LOG_KINDS.map((k) => ({ key: k, label: WORK_LOG_KIND_LABELS[k] }));

const zeros = () => Object.fromEntries(WORK_LOG_KINDS.map((k) => [k, 0])) as Record<WorkLogKind, number>;
const nulls = () => Object.fromEntries(WORK_LOG_KINDS.map((k) => [k, null])) as Record<WorkLogKind, number | null>;

function finish(counts: Record<WorkLogKind, number>, reached: Record<WorkLogKind, number>, targets: Record<WorkLogKind, number | null>): WorkLogFigures {
  return {
    counts,
    reached,
    targets,
    total: WORK_LOG_KINDS.reduce((s, k) => s + counts[k], 0),
    belowTarget: WORK_LOG_KINDS.filter((k) => targets[k] !== null && counts[k] < (targets[k] as number)),
  };
}

/** Targets summed over several rooms (an officer serving two rooms owes both); null where none has one. */
function sumTargets(list: Array<Record<WorkLogKind, number | null>>): Record<WorkLogKind, number | null> {
  const out = nulls();
  for (const t of list) for (const k of WORK_LOG_KINDS) if (t[k] !== null) out[k] = (out[k] ?? 0) + (t[k] as number);
  return out;
}

export interface WorkLogMonth {
  tallies: WorkLogTally[];
  targets: TargetsByRoomType;
}

export async function loadWorkLogMonth(rooms: readonly string[], from: Date, to: Date): Promise<WorkLogMonth> {
  const [tallies, targets] = await Promise.all([rooms.length ? workLogTallies({ rooms: [...rooms], from, to }) : Promise.resolve([]), workLogTargets()]);
  return { tallies, targets };
}

function tally(rows: WorkLogTally[]) {
  const counts = zeros();
  const reached = zeros();
  for (const r of rows) {
    counts[r.kind] += r.entries;
    reached[r.kind] += r.reached;
  }
  return { counts, reached };
}

export function roomWorkLog(month: WorkLogMonth, room: { code: string; type: RoomType }): WorkLogFigures {
  const { counts, reached } = tally(month.tallies.filter((t) => t.room === room.code));
  return finish(counts, reached, { ...month.targets[room.type] });
}

/** An officer's entries in the given rooms, against the targets of the officer's own rooms. */
export function officerWorkLog(month: WorkLogMonth, officer: string, inRooms: ReadonlySet<string>, ownRooms: Array<{ type: RoomType }>): WorkLogFigures {
  const { counts, reached } = tally(month.tallies.filter((t) => t.officer === officer && inRooms.has(t.room)));
  return finish(counts, reached, sumTargets(ownRooms.map((r) => month.targets[r.type])));
}

export function sumWorkLog(list: WorkLogFigures[]): WorkLogFigures {
  const counts = zeros();
  const reached = zeros();
  for (const f of list) for (const k of WORK_LOG_KINDS) {
    counts[k] += f.counts[k];
    reached[k] += f.reached[k];
  }
  return finish(counts, reached, sumTargets(list.map((f) => f.targets)));
}

export function emptyWorkLog(): WorkLogFigures {
  return finish(zeros(), zeros(), nulls());
}
