import type { DateTime } from 'luxon';
import { cachedRead, forgetReads } from '../../lib/read-cache';
import { claimFirstFree } from '../../storage/unique-insert';
import { SeatModel, ServiceSeatModel, seatId, serviceSeatId } from './appointment.model';
import type { Setting } from './booking-context';
import type { ServiceSlot } from './slots';

/**
 * Seats: capacity never overbooks because a booking *is* the insert of seat documents under the
 * unique index {room, slotStart, seat} (see appointment.model.ts). Reads of held seats only
 * order the candidates and fail fast; the unique index decides.
 */

export interface HeldSeat {
  slotStart: Date;
  seat: number;
}

let lastPurge = 0;

/**
 * Seats of slots that are over can no longer be booked, and the appointments keep their own
 * copy (`seats`), so they are deleted: on FerretDB every non-_id query scans its collection,
 * and this keeps the Seat collection to the bookable future. At most every 10 minutes per process.
 */
export async function purgePastSeats(now: Date): Promise<void> {
  if (now.getTime() - lastPurge < 600_000) return;
  lastPurge = now.getTime();
  const before = new Date(now.getTime() - 86_400_000);
  await SeatModel.deleteMany({ slotStart: { $lt: before } });
  await ServiceSeatModel.deleteMany({ slotStart: { $lt: before } });
}

/**
 * How long a list of held seats is reused. Slot lists show "N left" from it; booking itself
 * never reads it (a seat is a unique insert), and seats taken or given back through this
 * process forget the room's lists at once, so only other instances' bookings show late.
 */
const HELD_SEATS_TTL_MS = 2000;

const heldSeatsKey = (room: string) => `seats|${room}|`;

/** Seats of `room` changed (or proved fuller than a list said): forget its cached lists. */
function seatsChanged(room: string): void {
  forgetReads(heldSeatsKey(room));
}

/** Held seat numbers per base-slot start (ms), for base slots in [from, to). */
export function heldSeats(room: string, from: DateTime, to: DateTime): Promise<Map<number, Set<number>>> {
  const key = `${heldSeatsKey(room)}${from.toMillis()}|${to.toMillis()}`;
  return cachedRead(key, () => readHeldSeats(room, from, to), HELD_SEATS_TTL_MS);
}

async function readHeldSeats(room: string, from: DateTime, to: DateTime): Promise<Map<number, Set<number>>> {
  const seats = await SeatModel.find({ room, slotStart: { $gte: from.toJSDate(), $lt: to.toJSDate() } }, { slotStart: 1, seat: 1 }).lean();
  const map = new Map<number, Set<number>>();
  for (const s of seats) {
    const key = s.slotStart.getTime();
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(s.seat);
  }
  return map;
}

/** What every appointment record holds about its slot: code (also `_id`), room, service, times and seats. */
export function heldSlotFields(setting: Setting, slot: ServiceSlot, code: string, seats: HeldSeat[]) {
  return {
    _id: code,
    code,
    room: setting.room.code,
    service: setting.service.key,
    serviceName: setting.service.name,
    start: new Date(slot.start),
    end: new Date(slot.end),
    seats,
  };
}

/** Which of the seats in question are held: primary-key reads only (one per seat). */
export async function takenSeats(room: string, slot: ServiceSlot, seatNumbers: number[]): Promise<HeldSeat[]> {
  const probes = slot.baseStarts.flatMap((b) => seatNumbers.map((seat) => ({ b, seat })));
  const found = await Promise.all(probes.map((p) => SeatModel.findById(seatId(room, p.b, p.seat), { _id: 1 }).lean()));
  return probes.filter((_, i) => found[i]).map((p) => ({ slotStart: new Date(p.b), seat: p.seat }));
}

/** From a read of held seats (a hint: it may be stale by the time we insert), whether any base slot has no candidate left. */
export function looksFull(slot: ServiceSlot, taken: HeldSeat[], seatNumbers: number[]): boolean {
  return slot.baseStarts.some((b) => {
    const here = new Set(taken.filter((t) => t.slotStart.getTime() === b).map((t) => t.seat));
    return seatNumbers.every((n) => here.has(n));
  });
}

export interface ClaimSeatsProps {
  room: string;
  slot: ServiceSlot;
  /** The seat numbers this booking may take (bookable seats online, walk-in seats first at the counter). */
  seatNumbers: number[];
  /** The appointment's code, stored on each seat. */
  code: string;
  /** Marks the seats as taken by a walk-in. */
  walkIn: boolean;
  /** Start at a random free seat, so concurrent bookings of one slot do not all collide on the first one. */
  spread: boolean;
  /** Seats already known to be held (from `takenSeats`); read again when absent. */
  hint?: HeldSeat[];
}

/**
 * Takes one seat in each base slot of `slot` for `code`, all or nothing. Returns null when a
 * base slot has no free seat among `seatNumbers` (anything already taken is given back).
 */
export async function claimSeats(props: ClaimSeatsProps): Promise<HeldSeat[] | null> {
  const { room, slot, seatNumbers, code, walkIn, spread } = props;
  const bases = slot.baseStarts.map((b) => new Date(b));
  // A hint only (the unique index decides): skip seats already held, and fail fast when none is left.
  const taken = props.hint ?? (await takenSeats(room, slot, seatNumbers));
  const held: HeldSeat[] = [];
  for (const base of bases) {
    const takenHere = new Set(taken.filter((t) => t.slotStart.getTime() === base.getTime()).map((t) => t.seat));
    const candidates = seatNumbers.filter((s) => !takenHere.has(s));
    const won = await claimFirstFree(SeatModel, candidates, (seat) => ({ _id: seatId(room, base.getTime(), seat), room, slotStart: base, seat, code, walkIn }), { spread });
    if (!won) {
      await releaseSeats(room, held, code); // also forgets the lists: the slot proved fuller than they said
      return null;
    }
    held.push({ slotStart: base, seat: won.candidate });
  }
  seatsChanged(room);
  return held;
}

export async function releaseSeats(room: string, seats: HeldSeat[], code: string): Promise<void> {
  await Promise.all(seats.map((s) => SeatModel.deleteOne({ _id: seatId(room, new Date(s.slotStart).getTime(), s.seat), code })));
  seatsChanged(room);
}

// ------------------------------------------------------------------ per-service places

/**
 * A service with its own per-slot capacity c (its rule's `capacity`): besides the room's seats, an
 * online booking takes one of the c places {room, service, slotStart, n} of its service slot, a
 * unique insert like a seat. Walk-ins at the counter take no place (an officer's decision, like the
 * walk-in seats).
 */

/** Which of the places 1..capacity of a service slot are held: primary-key reads only. */
async function takenServicePlaces(room: string, service: string, slotStart: number, capacity: number): Promise<Set<number>> {
  const ns = Array.from({ length: capacity }, (_, i) => i + 1);
  const found = await Promise.all(ns.map((n) => ServiceSeatModel.findById(serviceSeatId(room, service, slotStart, n), { _id: 1 }).lean()));
  return new Set(ns.filter((_, i) => found[i]));
}

/** Takes a free place of the service slot for `code`; null when all `capacity` places are held. */
export async function claimServicePlace(props: { room: string; service: string; slotStart: number; capacity: number; code: string }): Promise<number | null> {
  const { room, service, slotStart, capacity, code } = props;
  const taken = await takenServicePlaces(room, service, slotStart, capacity);
  const candidates = Array.from({ length: capacity }, (_, i) => i + 1).filter((n) => !taken.has(n));
  const won = await claimFirstFree(ServiceSeatModel, candidates, (n) => ({ _id: serviceSeatId(room, service, slotStart, n), room, service, slotStart: new Date(slotStart), n, code }), { spread: true });
  seatsChanged(room);
  return won ? won.candidate : null;
}

/** Frees a booking's place of its service slot (only if that booking still holds it). */
export async function releaseServicePlace(props: { room: string; service: string; slotStart: number; n: number | null | undefined; code: string }): Promise<void> {
  if (props.n == null) return;
  await ServiceSeatModel.deleteOne({ _id: serviceSeatId(props.room, props.service, props.slotStart, props.n), code: props.code });
  seatsChanged(props.room);
}

/** Places held per service-slot start (ms) of one service, for slots in [from, to). */
export function heldServicePlaces(room: string, service: string, from: DateTime, to: DateTime): Promise<Map<number, number>> {
  const key = `${heldSeatsKey(room)}svc|${service}|${from.toMillis()}|${to.toMillis()}`;
  return cachedRead(key, async () => {
    const held = await ServiceSeatModel.find({ room, service, slotStart: { $gte: from.toJSDate(), $lt: to.toJSDate() } }, { slotStart: 1 }).lean();
    const map = new Map<number, number>();
    for (const h of held) map.set(h.slotStart.getTime(), (map.get(h.slotStart.getTime()) ?? 0) + 1);
    return map;
  }, HELD_SEATS_TTL_MS);
}
