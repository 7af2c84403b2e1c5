import { roomsByCodes, type RoomType } from '../rooms';
import { appointmentEndings, appointmentFacts } from '../appointments';
import { itemsForRollup } from '../items';
import { transitionLog } from '../inbox';
import { ratingsGiven, surveysSent } from '../surveys';
import { compileBusinessClock, type BusinessClock, type OpeningPeriod } from './business-hours';
import { RollupAccumulator, type ItemEvent, type RatingValue } from './figures';

/**
 * Reads raw records (items, appointments, surveys, ratings) for a time range into a
 * RollupAccumulator. This is the only code that scans raw records; it runs in the rollup job,
 * the rebuild script and for the few days not rolled up yet — never once per report row.
 */
export interface RoomInfo {
  code: string;
  name: string;
  district: string;
  districtName: string;
  /** The room's type (its work-log targets depend on it). */
  type: RoomType;
  openingHours: OpeningPeriod[];
}

export async function loadRooms(): Promise<RoomInfo[]> {
  const rooms = await roomsByCodes('all', { fields: ['code', 'name', 'district', 'districtName', 'type', 'openingHours'] });
  return rooms
    .map((r) => ({
      code: r.code,
      name: r.name,
      district: r.district,
      districtName: r.districtName,
      type: r.type as RoomType,
      openingHours: (r.openingHours ?? []).map((p) => ({ weekday: p.weekday, open: p.open, close: p.close, breakStart: p.breakStart ?? null, breakEnd: p.breakEnd ?? null })),
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

export function businessClocks(rooms: RoomInfo[], zone: string): Map<string, BusinessClock> {
  return new Map(rooms.map((r) => [r.code, compileBusinessClock(r.openingHours, zone)]));
}

const idOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export interface AccumulateProps {
  from: Date;
  to: Date;
  zone: string;
  rooms: RoomInfo[];
  /** Only these room codes (live figures of one district); all rooms when absent. */
  onlyRooms?: string[];
  /** Scan everything once instead of filtering by range (the rebuild: one pass over each collection). */
  fullScan?: boolean;
}

export async function accumulateRange(props: AccumulateProps): Promise<RollupAccumulator> {
  const acc = new RollupAccumulator({ zone: props.zone, from: props.from, to: props.to, clocks: businessClocks(props.rooms, props.zone) });
  const range = { $gte: props.from, $lt: props.to };
  const roomFilter = props.onlyRooms ? { room: { $in: props.onlyRooms } } : {};

  // Items' facts come from their transition log (ItemClaim: inserted once, when the change
  // happened). The items to read: those created, due or closed in the range, and those with a
  // transition in it; each with its whole log (who held it when is read from the log).
  const histories = new Map<string, ItemEvent[]>();
  const addEvent = (c: { item: unknown; epoch: number; at: Date; officer?: unknown; patch?: unknown }) => {
    const key = String(c.item);
    const list = histories.get(key) ?? [];
    list.push({ epoch: c.epoch, at: c.at, officer: idOrNull(c.officer), patch: (c.patch ?? {}) as ItemEvent['patch'] });
    histories.set(key, list);
  };
  for await (const c of transitionLog(props.fullScan ? {} : { at: range })) addEvent(c);
  const touched = [...histories.keys()];
  const itemFilter = props.fullScan
    ? { ...roomFilter }
    : { ...roomFilter, $or: [...['createdAt', 'closedAt', 'dueAt', 'firstResponseAt', 'resolvedAt'].map((f) => ({ [f]: range })), ...(touched.length ? [{ _id: { $in: touched } }] : [])] };
  const items = await itemsForRollup(itemFilter);
  if (!props.fullScan) {
    // The rest of the logs of these items (transitions outside the range tell who held them when).
    const missing = items.filter((i) => (i.claimEpoch ?? 0) > 0).map((i) => i._id);
    histories.clear();
    for (let k = 0; k < missing.length; k += 500) {
      for await (const c of transitionLog({ items: missing.slice(k, k + 500) })) addEvent(c);
    }
  }
  for (const list of histories.values()) list.sort((a, b) => a.epoch - b.epoch);
  for (const i of items) {
    acc.addItem({
      history: histories.get(String(i._id)),
      room: i.room,
      kind: i.kind,
      assignee: idOrNull(i.assignee),
      createdAt: i.createdAt as Date,
      dueAt: i.dueAt ?? null,
      firstResponseAt: i.firstResponseAt ?? null,
      resolvedAt: i.resolvedAt ?? null,
      closedAt: i.closedAt ?? null,
    });
  }

  // Who completed an appointment or marked the no-show: its 'end' transition.
  const slack = 3600_000;
  const scope = { rooms: props.onlyRooms, range: props.fullScan ? undefined : range };
  const endOfficer = new Map<string, string>();
  for await (const e of appointmentEndings({ range: props.fullScan ? undefined : { $gte: new Date(props.from.getTime() - slack), $lt: new Date(props.to.getTime() + slack) } })) {
    if (e.officer) endOfficer.set(String(e.appointment), String(e.officer));
  }
  for await (const a of appointmentFacts(scope)) {
    acc.addAppointment({
      room: a.room,
      createdAt: a.createdAt ?? null,
      completedAt: a.completedAt ?? null,
      noShowAt: a.noShowAt ?? null,
      cancelledAt: a.cancelledAt ?? null,
      endOfficer: endOfficer.get(String(a._id)) ?? null,
    });
  }

  for await (const s of surveysSent(scope)) acc.addSurvey({ room: s.room, officer: s.officer ?? null, sentAt: s.sentAt });
  for await (const r of ratingsGiven(scope)) acc.addRating({ room: r.room, officer: r.officer ?? null, rating: r.rating as RatingValue, answeredAt: r.answeredAt });
  return acc;
}
