import { DateTime } from 'luxon';
import { SeatModel, ServiceSeatModel, seatId } from '../../src/modules/appointments/appointment.model';
import {
  claimSeats,
  claimServicePlace,
  heldSeats,
  heldServicePlaces,
  heldSlotFields,
  looksFull,
  purgePastSeats,
  releaseSeats,
  releaseServicePlace,
  takenSeats,
} from '../../src/modules/appointments/seats';
import type { Setting } from '../../src/modules/appointments/booking-context';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Seat taking and release (src/modules/appointments/seats.ts) on a real database: a booking is
 * one seat in every base slot it covers, all or nothing; release frees only the booking's own
 * seats; the "N left" lists see a change made through this process at once; per-service places
 * cap a service's bookings per slot. (The 300-request race through the HTTP API is
 * test/appointments/concurrency.test.ts.)
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(() => db?.stop());
beforeEach(() => db.clear());

const T0 = DateTime.fromISO('2031-03-04T09:00:00', { zone: 'Asia/Shanghai' });
const at = (min: number) => T0.plus({ minutes: min }).toMillis();
// A 60-minute service slot covering the 09:00 and 09:30 base slots, and a 30-minute one at 10:00.
const hour = { start: at(0), end: at(60), baseStarts: [at(0), at(30)] };
const half = { start: at(60), end: at(90), baseStarts: [at(60)] };
const claim = (code: string, extra: Partial<Parameters<typeof claimSeats>[0]> = {}) =>
  claimSeats({ room: 'HPL', slot: hour, seatNumbers: [1, 2], code, walkIn: false, spread: false, ...extra });
const seatsOf = async (code: string) =>
  (await SeatModel.find({ code }).sort({ slotStart: 1, seat: 1 }).lean()).map((s) => `${s.slotStart.getTime() - at(0)}/${s.seat}`);

describe('taking seats', () => {
  it('takes one seat in each base slot of the service slot, recorded under the booking', async () => {
    const held = await claim('A1');
    expect(held).toEqual([
      { slotStart: new Date(at(0)), seat: 1 },
      { slotStart: new Date(at(30)), seat: 1 },
    ]);
    expect(await seatsOf('A1')).toEqual(['0/1', '1800000/1']);
    const seat = await SeatModel.findById(seatId('HPL', at(0), 1)).lean();
    expect(seat).toMatchObject({ room: 'HPL', code: 'A1', walkIn: false, seat: 1 });
  });

  it('marks a walk-in booking’s seats as walk-in', async () => {
    await claimSeats({ room: 'HPL', slot: half, seatNumbers: [3], code: 'W1', walkIn: true, spread: false });
    expect((await SeatModel.findById(seatId('HPL', at(60), 3)).lean())!.walkIn).toBe(true);
  });

  it('a second booking gets the next seat; a third finds the slot full and holds nothing', async () => {
    await claim('A1');
    expect((await claim('A2'))!.map((s) => s.seat)).toEqual([2, 2]);
    expect(await claim('A3')).toBeNull();
    expect(await seatsOf('A3')).toEqual([]);
    expect(await SeatModel.countDocuments()).toBe(4);
  });

  it('is all or nothing: when the second half-hour is full, the seat taken in the first is given back', async () => {
    // The 09:30 base slot is full (both seats held by a 30-minute booking), 09:00 is free.
    await claimSeats({ room: 'HPL', slot: { start: at(30), end: at(60), baseStarts: [at(30)] }, seatNumbers: [1], code: 'B1', walkIn: false, spread: false });
    await claimSeats({ room: 'HPL', slot: { start: at(30), end: at(60), baseStarts: [at(30)] }, seatNumbers: [2], code: 'B2', walkIn: false, spread: false });
    expect(await claim('A1', { hint: [] })).toBeNull(); // a stale hint: the unique index decides
    expect(await seatsOf('A1')).toEqual([]);
    expect(await SeatModel.countDocuments()).toBe(2);
  });

  it('only offers the seats it is given (bookable seats online)', async () => {
    expect((await claim('A1', { seatNumbers: [2] }))!.map((s) => s.seat)).toEqual([2, 2]);
    expect(await claim('A2', { seatNumbers: [2] })).toBeNull();
  });

  it('skips seats a hint says are held without trying them, and still never double-books', async () => {
    await claim('A1');
    const hint = await takenSeats('HPL', hour, [1, 2]);
    expect(hint).toEqual([
      { slotStart: new Date(at(0)), seat: 1 },
      { slotStart: new Date(at(30)), seat: 1 },
    ]);
    expect((await claim('A2', { hint }))!.map((s) => s.seat)).toEqual([2, 2]);
    // A hint that wrongly says seat 2 is free (another instance just took it) does not hand it out twice.
    expect(await claim('A3', { hint: [] })).toBeNull();
  });

  it('does not try seats the hint lists as held in that half-hour, and only in that one', async () => {
    // The hint says seat 1 is held at 09:00 (another instance's booking), nothing at 09:30.
    const hint = [{ slotStart: new Date(at(0)), seat: 1 }];
    const held = await claim('A1', { hint });
    expect(held!.map((s) => [s.slotStart.getTime() - at(0), s.seat])).toEqual([[0, 2], [1_800_000, 1]]);
  });

  it('spread: concurrent bookings of one slot each get a different seat', async () => {
    const seats = [1, 2, 3, 4, 5, 6];
    const results = await Promise.all(seats.map((_, i) =>
      claimSeats({ room: 'HPL', slot: half, seatNumbers: seats, code: `S${i}`, walkIn: false, spread: true })));
    expect(results.map((r) => r![0].seat).sort()).toEqual(seats);
  });
});

describe('which seats are held', () => {
  it('takenSeats reads only the seats in question, per base slot', async () => {
    await claim('A1', { seatNumbers: [2] });
    expect(await takenSeats('HPL', hour, [1])).toEqual([]);
    expect(await takenSeats('HPL', hour, [1, 2])).toEqual([
      { slotStart: new Date(at(0)), seat: 2 },
      { slotStart: new Date(at(30)), seat: 2 },
    ]);
    expect(await takenSeats('LSC', hour, [1, 2])).toEqual([]);
  });

  it('looksFull when any base slot has every seat taken', () => {
    const t = (min: number, seat: number) => ({ slotStart: new Date(at(min)), seat });
    expect(looksFull(hour, [], [1, 2])).toBe(false);
    expect(looksFull(hour, [t(0, 1), t(30, 2)], [1, 2])).toBe(false);
    expect(looksFull(hour, [t(0, 1), t(30, 1), t(30, 2)], [1, 2])).toBe(true);
    expect(looksFull(hour, [t(0, 1), t(0, 2)], [1, 2])).toBe(true);
    expect(looksFull(hour, [t(0, 1), t(60, 2)], [1, 2])).toBe(false); // a seat of another slot
  });

  it('the held-seat list behind "N left" sees bookings and releases made here at once', async () => {
    const from = T0;
    const to = T0.plus({ hours: 2 });
    expect((await heldSeats('HPL', from, to)).size).toBe(0);
    const held = (await claim('A1'))!;
    await claim('A2');
    let map = await heldSeats('HPL', from, to);
    expect([...map.keys()]).toEqual([at(0), at(30)]);
    expect([...map.get(at(0))!].sort()).toEqual([1, 2]);
    await releaseSeats('HPL', held, 'A1');
    map = await heldSeats('HPL', from, to);
    expect([...map.get(at(30))!]).toEqual([2]);
    // Only [from, to) and only this room.
    expect((await heldSeats('HPL', T0.plus({ minutes: 30 }), to)).has(at(0))).toBe(false);
    expect((await heldSeats('HPL', from, T0.plus({ minutes: 30 }))).has(at(30))).toBe(false);
    expect((await heldSeats('LSC', from, to)).size).toBe(0);
  });

  it('a failed booking also makes the lists read again (the slot proved fuller than they said)', async () => {
    const from = T0;
    const to = T0.plus({ hours: 2 });
    await claim('A1', { seatNumbers: [1] });
    expect(await heldSeats('HPL', from, to)).toEqual(new Map([[at(0), new Set([1])], [at(30), new Set([1])]]));
    // Another instance books seat 2 of 09:30 directly (this process's list does not know).
    await SeatModel.create({ _id: seatId('HPL', at(30), 2), room: 'HPL', slotStart: new Date(at(30)), seat: 2, code: 'X' });
    expect(await claim('A2', { hint: [] })).toBeNull();
    expect((await heldSeats('HPL', from, to)).get(at(30))).toEqual(new Set([1, 2]));
  });
});

describe('giving seats back', () => {
  it('frees exactly the booking’s seats, so the next booking can take them', async () => {
    const held = (await claim('A1'))!;
    await claim('A2');
    await releaseSeats('HPL', held, 'A1');
    expect(await seatsOf('A1')).toEqual([]);
    expect(await seatsOf('A2')).toEqual(['0/2', '1800000/2']);
    expect((await claim('A3'))!.map((s) => s.seat)).toEqual([1, 1]);
  });

  it('never frees a seat that another booking holds now', async () => {
    const held = (await claim('A1'))!;
    await releaseSeats('HPL', held, 'A1');
    await claim('A2'); // takes the same seats again
    await releaseSeats('HPL', held, 'A1'); // a late, repeated release of the old booking
    expect(await seatsOf('A2')).toEqual(['0/1', '1800000/1']);
  });

  it('accepts seats whose slot start came back from storage as a string', async () => {
    const held = (await claim('A1'))!;
    await releaseSeats('HPL', held.map((s) => ({ slotStart: s.slotStart.toISOString() as unknown as Date, seat: s.seat })), 'A1');
    expect(await SeatModel.countDocuments()).toBe(0);
  });
});

describe('per-service places', () => {
  const svc = { room: 'HPL', service: 'exit_entry', slotStart: at(0), capacity: 2 };

  it('hands out the places 1..capacity once each, then none', async () => {
    const got = [await claimServicePlace({ ...svc, code: 'P1' }), await claimServicePlace({ ...svc, code: 'P2' })];
    expect(got.sort()).toEqual([1, 2]);
    expect(await claimServicePlace({ ...svc, code: 'P3' })).toBeNull();
    const doc = await ServiceSeatModel.findOne({ code: 'P1' }).lean();
    expect(doc).toMatchObject({ room: 'HPL', service: 'exit_entry', slotStart: new Date(at(0)) });
    // Another service, another slot or another room has places of its own.
    expect(await claimServicePlace({ ...svc, service: 'hukou', code: 'P4' })).not.toBeNull();
    expect(await claimServicePlace({ ...svc, slotStart: at(30), code: 'P5' })).not.toBeNull();
    expect(await claimServicePlace({ ...svc, room: 'LSC', code: 'P6' })).not.toBeNull();
  });

  it('a lone booking does not always get place 1 (concurrent bookings spread over the places)', async () => {
    const firsts = new Set<number>();
    for (let round = 0; round < 12; round++) firsts.add((await claimServicePlace({ ...svc, slotStart: at(round * 30), capacity: 6, code: `R${round}` }))!);
    // The same place in 12 rounds of 6 would be a 1 in 6^11 chance.
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('concurrent bookings never take more than capacity', async () => {
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => claimServicePlace({ ...svc, capacity: 3, code: `C${i}` })));
    expect(got.filter((n) => n !== null).sort()).toEqual([1, 2, 3]);
  });

  it('a release frees the booking’s own place only, and the "left" count follows at once', async () => {
    const from = T0;
    const to = T0.plus({ hours: 2 });
    const n1 = (await claimServicePlace({ ...svc, code: 'P1' }))!;
    await claimServicePlace({ ...svc, code: 'P2' });
    await claimServicePlace({ ...svc, slotStart: at(30), code: 'P3' });
    expect(await heldServicePlaces('HPL', 'exit_entry', from, to)).toEqual(new Map([[at(0), 2], [at(30), 1]]));
    await releaseServicePlace({ ...svc, n: n1, code: 'P2' }); // not P2's place: nothing happens
    expect((await heldServicePlaces('HPL', 'exit_entry', from, to)).get(at(0))).toBe(2);
    await releaseServicePlace({ ...svc, n: null, code: 'P1' }); // a booking without a place
    await releaseServicePlace({ ...svc, n: n1, code: 'P1' });
    expect((await heldServicePlaces('HPL', 'exit_entry', from, to)).get(at(0))).toBe(1);
    expect(await claimServicePlace({ ...svc, code: 'P4' })).toBe(n1);
    expect((await heldServicePlaces('HPL', 'exit_entry', from, to)).get(at(0))).toBe(2);
    expect((await heldServicePlaces('HPL', 'exit_entry', T0.plus({ minutes: 30 }), to)).has(at(0))).toBe(false);
    expect((await heldServicePlaces('HPL', 'other', from, to)).size).toBe(0);
  });
});

describe('the record of a booked slot and the purge of past seats', () => {
  it('heldSlotFields copies the slot, the room, the service and the seats', () => {
    const setting = { room: { code: 'HPL' }, service: { key: 'exit_entry', name: '出入境' } } as unknown as Setting;
    const seats = [{ slotStart: new Date(at(0)), seat: 1 }];
    expect(heldSlotFields(setting, hour, 'A1', seats)).toEqual({
      _id: 'A1', code: 'A1', room: 'HPL', service: 'exit_entry', serviceName: '出入境', start: new Date(at(0)), end: new Date(at(60)), seats,
    });
  });

  it('deletes seats and places of slots over for a day, at most every 10 minutes', async () => {
    await claimSeats({ room: 'HPL', slot: half, seatNumbers: [1], code: 'OLD', walkIn: false, spread: false });
    await claimServicePlace({ ...{ room: 'HPL', service: 'exit_entry', slotStart: at(60), capacity: 1 }, code: 'OLD' });
    // A booking of a later day keeps its seat and its place.
    const nextDay = { start: at(60) + 86_400_000, end: at(90) + 86_400_000, baseStarts: [at(60) + 86_400_000] };
    await claimSeats({ room: 'HPL', slot: nextDay, seatNumbers: [1], code: 'NEW', walkIn: false, spread: false });
    await claimServicePlace({ room: 'HPL', service: 'exit_entry', slotStart: nextDay.start, capacity: 1, code: 'NEW' });
    const dayAfter = new Date(at(60) + 86_400_000);
    await purgePastSeats(dayAfter); // exactly a day: kept
    expect(await SeatModel.countDocuments()).toBe(2);
    await purgePastSeats(new Date(dayAfter.getTime() + 60_000)); // within 10 minutes of the last purge: not run
    expect(await SeatModel.countDocuments()).toBe(2);
    await purgePastSeats(new Date(dayAfter.getTime() + 600_000)); // 10 minutes later: purged
    expect((await SeatModel.find({}).lean()).map((x) => x.code)).toEqual(['NEW']);
    expect((await ServiceSeatModel.find({}).lean()).map((x) => x.code)).toEqual(['NEW']);
  });
});
