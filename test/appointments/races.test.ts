import type { Server } from 'node:http';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AppointmentModel, SeatModel } from '../../src/modules/appointments/appointment.model';
import { createItem } from '../../src/modules/items/item.service';
import { ItemModel } from '../../src/modules/items/item.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { setSchedule } from './helpers';

/**
 * Races on every path that takes a seat or a claim, with the real clock and real concurrency
 * through the HTTP API: 60-minute bookings against 30-minute ones on the same base slots, a
 * reschedule against new bookings for the last seat, walk-ins against online bookings, and
 * several officers taking over one expired lease at once. After each race the seats must agree
 * with the bookings: no slot above capacity, no seat without its booking, no booking without
 * its seats, every loser a clean 409 that changed nothing of its own.
 */

jest.setTimeout(180_000);

const SHORT = 'hukou_item_change'; // 30 minutes
const LONG = 'residence_permit'; // 60 minutes in this schedule

let rig: DemoServer;
let server: Server;
const built = buildTestApp();
let phoneSeq = 0;
const nextPhone = () => `136${String(10_000_000 + ++phoneSeq).slice(-8)}`;

interface Slot {
  start: string;
  end: string;
  remaining: number;
  capacity: number;
}

beforeAll(async () => {
  rig = await startDemoServer(built.app);
  server = rig.server;
});
afterAll(() => rig?.stop());

async function slots(service: string): Promise<Slot[]> {
  const res = await request(server).get(`/api/rooms/HPL/slots?service=${service}&days=14`);
  expect(res.status).toBe(200);
  return res.body.data as Slot[];
}

/** Sets the room's schedule and waits until the slot lists show it (schedules are cached a few seconds). */
async function schedule(opts: Parameters<typeof setSchedule>[1], check: { service: string; online: number; minutes: number }): Promise<void> {
  await setSchedule('HPL', opts);
  for (let i = 0; i < 100; i++) {
    const first = (await slots(check.service))[0];
    if (first && first.capacity === check.online && DateTime.fromISO(first.end).diff(DateTime.fromISO(first.start), 'minutes').minutes === check.minutes) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the schedule never showed in the slot list');
}

const book = (service: string, start: string, phone = nextPhone()) =>
  request(server).post('/api/appointments').send({ room: 'HPL', service, start, name: '抢号测试', phone, materialsConfirmed: true });

/** Booked appointments covering a base slot [start, start + 30 min). */
async function coverage(baseStart: Date): Promise<number> {
  const booked = await AppointmentModel.find({ room: 'HPL', status: { $in: ['booked', 'checked_in'] } }).lean();
  return booked.filter((a) => a.start.getTime() <= baseStart.getTime() && a.end.getTime() > baseStart.getTime()).length;
}

/** Every seat belongs to a live booking, and every live booking holds one seat per base slot it covers. */
async function seatsAgreeWithBookings(): Promise<void> {
  const booked = await AppointmentModel.find({ room: 'HPL', status: { $in: ['booked', 'checked_in'] } }).lean();
  const seats = await SeatModel.find({ room: 'HPL' }).lean();
  const byCode = new Map<string, number>();
  for (const s of seats) byCode.set(String(s.code), (byCode.get(String(s.code)) ?? 0) + 1);
  const live = new Set(booked.map((a) => a.code));
  expect([...byCode.keys()].filter((code) => !live.has(code))).toEqual([]); // no leaked seat
  for (const a of booked) expect(`${a.code}:${byCode.get(a.code) ?? 0}`).toBe(`${a.code}:${Math.round((a.end.getTime() - a.start.getTime()) / 1_800_000)}`);
}

function statuses(responses: request.Response[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of responses) out[String(r.status)] = (out[String(r.status)] ?? 0) + 1;
  return out;
}

describe('bookings race with the real clock', () => {
  // Each race takes slots nobody holds yet (the earlier races' bookings stay: the checks cover them too).
  it('60-minute and 30-minute bookings racing for the same base slots never put a slot above capacity, nor leak a seat', async () => {
    await schedule({ capacity: 2, walkInShare: 0, services: [{ service: LONG, slotMinutes: 60 }] }, { service: LONG, online: 2, minutes: 60 });
    const long = (await slots(LONG)).find((s) => s.remaining === s.capacity)!;
    const first = DateTime.fromISO(long.start);
    const second = first.plus({ minutes: 30 });
    const shortStarts = (await slots(SHORT)).map((s) => s.start);
    const inFirst = shortStarts.find((s) => DateTime.fromISO(s).toMillis() === first.toMillis())!;
    const inSecond = shortStarts.find((s) => DateTime.fromISO(s).toMillis() === second.toMillis())!;
    expect(inFirst && inSecond).toBeTruthy();

    const responses = await Promise.all([
      ...Array.from({ length: 6 }, () => book(LONG, long.start)),
      ...Array.from({ length: 6 }, () => book(SHORT, inFirst)),
      ...Array.from({ length: 6 }, () => book(SHORT, inSecond)),
    ]);
    expect(Object.keys(statuses(responses)).sort()).toEqual(['201', '409']);
    for (const base of [first, second]) {
      expect(await coverage(base.toJSDate())).toBeLessThanOrEqual(2);
      // A 60-minute booking that took the first seat and lost the second gives the first back; a
      // 30-minute request that met it meanwhile was refused. A seat given back is free again, never lost:
      while ((await coverage(base.toJSDate())) < 2) expect((await book(SHORT, base.toISO()!)).status).toBe(201);
    }
    await seatsAgreeWithBookings();
  });

  it('a reschedule and new bookings racing for the last seat: one wins; a losing reschedule keeps its old booking', async () => {
    await schedule({ capacity: 2, walkInShare: 0 }, { service: LONG, online: 2, minutes: 30 });
    const open = (await slots(SHORT)).filter((s) => s.remaining === s.capacity);
    const target = open[0];
    const firstBooking = await book(SHORT, target.start);
    expect(`${firstBooking.status} ${JSON.stringify(firstBooking.body.error ?? '')}`).toBe('201 ""'); // one seat left
    // Five residents booked elsewhere want to move to the target slot; five others book it anew.
    const movers: Array<{ code: string; phone: string; start: string }> = [];
    for (let i = 0; i < 5; i++) {
      const phone = nextPhone();
      const start = open[1 + i].start;
      const res = await book(SHORT, start, phone);
      expect(`${res.status} ${JSON.stringify(res.body.error ?? '')}`).toBe('201 ""');
      movers.push({ code: res.body.code, phone, start });
    }
    const responses = await Promise.all([
      ...movers.map((m) => request(server).post(`/api/appointments/${m.code}/reschedule`).send({ phone: m.phone, start: target.start })),
      ...Array.from({ length: 5 }, () => book(SHORT, target.start)),
    ]);
    expect(statuses(responses)).toEqual({ ...(responses.some((r) => r.status === 200) ? { '200': 1 } : {}), ...(responses.some((r) => r.status === 201) ? { '201': 1 } : {}), '409': 9 });
    expect(await coverage(DateTime.fromISO(target.start).toJSDate())).toBe(2);
    // Every mover that lost still holds its old booking, at its old time.
    for (const [i, m] of movers.entries()) {
      if (responses[i].status === 200) continue;
      const appt = await AppointmentModel.findOne({ code: m.code }).lean();
      expect(appt).toMatchObject({ status: 'booked' });
      expect(appt!.start.getTime()).toBe(DateTime.fromISO(m.start).toMillis());
    }
    await seatsAgreeWithBookings();
  });

  it('walk-ins and online bookings racing for one slot: online never above its share, together never above capacity', async () => {
    // Capacity 3, a third kept for walk-ins: 2 seats online, walk-ins may use all 3.
    await schedule({ capacity: 3, walkInShare: 0.34 }, { service: SHORT, online: 2, minutes: 30 });
    await createOfficer({ username: `race_${Date.now()}`, rooms: ['HPL'], district: 'XH', password: 'Race-officer-2025' }).then(async (o) => {
      const { agent, csrf } = await login(built.app, o.username, 'Race-officer-2025');
      const slot = (await slots(SHORT)).find((s) => s.remaining === s.capacity)!;
      const responses = await Promise.all([
        ...Array.from({ length: 4 }, () => book(SHORT, slot.start)),
        ...Array.from({ length: 4 }, (_, i) => agent.post('/api/rooms/HPL/walk-ins').set('X-CSRF-Token', csrf).send({ service: SHORT, name: `现场${i}`, start: slot.start })),
      ]);
      expect(responses.filter((r) => r.status >= 500)).toEqual([]);
      const start = DateTime.fromISO(slot.start).toJSDate();
      const booked = await AppointmentModel.find({ room: 'HPL', start, status: { $in: ['booked', 'checked_in'] } }).lean();
      const online = booked.filter((a) => !a.walkIn);
      // Demand exceeds both: online takes at most its 2 seats, and the slot ends exactly full.
      expect(online.length).toBeLessThanOrEqual(2);
      expect(booked.length).toBe(3);
      expect(responses.slice(0, 4).filter((r) => r.status === 201)).toHaveLength(online.length);
      await seatsAgreeWithBookings();
    });
  });
});

describe('claims race with the real clock', () => {
  it('six officers taking over one expired lease at once: exactly one gets it', async () => {
    const item = await createItem({ room: 'HPL', kind: 'question', text: '户口迁出要什么材料？' });
    const holder = await createOfficer({ username: 'lease_holder', rooms: ['HPL'], district: 'XH', password: 'Lease-officer-2025' });
    // Claimed by an officer whose lease ran out a minute ago.
    await ItemModel.updateOne({ _id: item._id }, { $set: { status: 'claimed', assignee: holder.id, leaseUntil: new Date(Date.now() - 60_000) } });
    const sessions = [];
    for (let i = 0; i < 6; i++) {
      const o = await createOfficer({ username: `lease_taker_${i}`, rooms: ['HPL'], district: 'XH', password: 'Lease-officer-2025' });
      sessions.push({ id: o.id, ...(await login(built.app, o.username, 'Lease-officer-2025')) });
    }
    const responses = await Promise.all(sessions.map((s) => s.agent.post(`/api/inbox/${item._id}/claim`).set('X-CSRF-Token', s.csrf).send({})));
    expect(statuses(responses)).toEqual({ '200': 1, '409': 5 });
    const winner = sessions[responses.findIndex((r) => r.status === 200)];
    const stored = await ItemModel.findById(item._id).lean();
    expect(String(stored!.assignee)).toBe(winner.id);
    expect(stored!.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
  });
});
