import type { Server } from 'node:http';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AppointmentModel, BookingTokenModel, SeatModel, seatId } from '../../src/modules/appointments/appointment.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { buildTestApp } from '../helpers/app';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { mobile, setSchedule, ZONE } from './helpers';

// Real database, 2 shared cores: these runs take a while.
jest.setTimeout(300_000);

let rig: DemoServer;
let server: Server;

beforeAll(async () => {
  rig = await startDemoServer(buildTestApp().app);
  server = rig.server;
});
afterAll(() => rig?.stop());

interface Slot {
  start: string;
  remaining: number;
  capacity: number;
}

async function slotsFor(service: string, days = 45): Promise<Array<{ date: string; slots: Slot[] }>> {
  const res = await request(server).get(`/api/rooms/HPL/slots?service=${service}&days=${days}`);
  expect(res.status).toBe(200);
  return res.body.days;
}

describe('capacity never overbooks (real FerretDB, through the HTTP API)', () => {
  it('300 concurrent requests for one slot of capacity 4: exactly 4 booked, 296 clean 409s', async () => {
    await setSchedule('HPL', { capacity: 4, walkInShare: 0 });
    const days = await slotsFor('hukou_item_change');
    const day = days.find((d) => d.slots.length > 3)!;
    const target = day.slots[2];
    expect(target).toMatchObject({ capacity: 4, remaining: 4 });

    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        request(server)
          .post('/api/appointments')
          .send({ room: 'HPL', service: 'hukou_item_change', start: target.start, name: `居民${i}`, phone: mobile(i), materialsConfirmed: true }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    const full = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(4);
    expect(full).toHaveLength(296);
    for (const r of full) {
      expect(r.body.error.code).toBe('slot_full');
      expect(typeof r.body.error.message).toBe('string');
      expect(Array.isArray(r.body.error.detail.nextSlots)).toBe(true);
      expect(r.body.error.detail.nextSlots.length).toBeGreaterThan(0);
      expect(r.body.error.detail.nextSlots.every((s: Slot) => s.start !== target.start)).toBe(true);
    }

    // Seats, appointments and tokens agree.
    const startDate = DateTime.fromISO(target.start).toJSDate();
    const seats = await SeatModel.find({ room: 'HPL', slotStart: startDate }).lean();
    const appts = await AppointmentModel.find({ room: 'HPL', start: startDate, status: 'booked' }).lean();
    expect(seats).toHaveLength(4);
    expect(new Set(seats.map((s) => s.seat))).toEqual(new Set([1, 2, 3, 4]));
    expect(appts).toHaveLength(4);
    expect(new Set(seats.map((s) => s.code))).toEqual(new Set(appts.map((a) => a.code)));
    expect(new Set(created.map((r) => r.body.code))).toEqual(new Set(appts.map((a) => a.code)));
    expect(await BookingTokenModel.countDocuments({})).toBe(4);

    const after = await request(server).get(`/api/rooms/HPL/slots?service=hukou_item_change&date=${day.date}`);
    expect(after.body.data.find((s: Slot) => s.start === target.start).remaining).toBe(0);

    // A cancel frees one seat: the slot has room for exactly one more.
    const one = created[0].body;
    const cancelled = await request(server).post(`/api/appointments/${one.code}/cancel`).send({});
    expect(cancelled.status).toBe(400); // phone missing
    const owner = await AppointmentModel.findOne({ code: one.code }).lean();
    const ok = await request(server).post(`/api/appointments/${one.code}/cancel`).send({ phone: owner!.phone });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('cancelled');
    expect(await SeatModel.countDocuments({ room: 'HPL', slotStart: startDate })).toBe(3);
    const retry = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(server)
          .post('/api/appointments')
          .send({ room: 'HPL', service: 'hukou_item_change', start: target.start, name: '补位', phone: mobile(1000 + i), materialsConfirmed: true }),
      ),
    );
    expect(retry.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await SeatModel.countDocuments({ room: 'HPL', slotStart: startDate })).toBe(4);
  });

  it("a slot list shows this instance's bookings at once and another instance's within seconds", async () => {
    await rig.db.clear();
    await seedAll({ demo: true });
    await setSchedule('HPL', { capacity: 4, walkInShare: 0 });
    const remainingOf = async (start: string) => (await slotsFor('hukou_item_change', 10)).flatMap((d) => d.slots).find((s) => s.start === start)!.remaining;
    const target = (await slotsFor('hukou_item_change', 10)).flatMap((d) => d.slots)[5];
    expect(target.remaining).toBe(4);
    const booked = await request(server)
      .post('/api/appointments')
      .send({ room: 'HPL', service: 'hukou_item_change', start: target.start, name: '张伟', phone: mobile(77), materialsConfirmed: true });
    expect(booked.status).toBe(201);
    expect(await remainingOf(target.start)).toBe(3);
    // Another instance takes a seat: written straight to the shared database.
    const slotStart = DateTime.fromISO(target.start).toMillis();
    const taken = new Set((await SeatModel.find({ room: 'HPL', slotStart: new Date(slotStart) }).lean()).map((s) => s.seat));
    const seat = [1, 2, 3, 4].find((n) => !taken.has(n))!;
    await SeatModel.create({ _id: seatId('HPL', slotStart, seat), room: 'HPL', slotStart: new Date(slotStart), seat, code: 'Y0THER' });
    let remaining = await remainingOf(target.start);
    for (let i = 0; i < 25 && remaining !== 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      remaining = await remainingOf(target.start);
    }
    expect(remaining).toBe(2);
  });

  it('1,000 bookings spread over a month: no slot above capacity', async () => {
    await rig.db.clear();
    await seedAll({ demo: true });
    await setSchedule('HPL', { capacity: 2, walkInShare: 0 });
    const days = await slotsFor('hukou_item_change');
    const all = days.flatMap((d) => d.slots);
    expect(all.length).toBeGreaterThan(100);
    // 1,000 requests over the month's slots (more requests than seats in some slots), 25 at a time.
    const jobs = Array.from({ length: 1000 }, (_, i) => ({ i, start: all[(i * 7) % Math.min(all.length, 300)].start }));
    const statuses: number[] = [];
    for (let k = 0; k < jobs.length; k += 25) {
      const batch = await Promise.all(
        jobs.slice(k, k + 25).map(({ i, start }) =>
          request(server)
            .post('/api/appointments')
            .send({ room: 'HPL', service: 'hukou_item_change', start, name: `居民${i}`, phone: mobile(5000 + i), materialsConfirmed: true }),
        ),
      );
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const perSlot = await SeatModel.aggregate([{ $match: { room: 'HPL' } }, { $group: { _id: '$slotStart', n: { $sum: 1 } } }]);
    expect(perSlot.length).toBeGreaterThan(0);
    expect(Math.max(...perSlot.map((p) => p.n))).toBeLessThanOrEqual(2);
    const booked = await AppointmentModel.countDocuments({ status: 'booked' });
    expect(booked).toBe(statuses.filter((s) => s === 201).length);
    expect(await SeatModel.countDocuments({})).toBe(booked);
    const perAppt = await AppointmentModel.aggregate([{ $match: { status: 'booked' } }, { $group: { _id: '$start', n: { $sum: 1 } } }]);
    expect(Math.max(...perAppt.map((p) => p.n))).toBeLessThanOrEqual(2);
    process.stderr.write(`1000 spread bookings: ${booked} booked, ${statuses.filter((s) => s === 409).length} slot_full, slots used ${perSlot.length} (${DateTime.now().setZone(ZONE).toISODate()})\n`);
  });

  it('one mobile cannot exceed the active-booking cap even when its requests race', async () => {
    await rig.db.clear();
    await seedAll({ demo: true });
    await setSchedule('HPL', { capacity: 4, walkInShare: 0 });
    const slots = (await slotsFor('hukou_item_change')).flatMap((d) => d.slots).slice(0, 12);
    const results = await Promise.all(
      slots.map((s) => request(server).post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', start: s.start, name: '同一人', phone: '13800138000', materialsConfirmed: true })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3); // APPOINTMENT_MAX_ACTIVE_PER_PHONE default
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'too_many_active_bookings')).toBe(true);
    expect(await SeatModel.countDocuments({})).toBe(3);
  });
});
