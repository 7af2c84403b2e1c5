import type { Server } from 'node:http';
import request from 'supertest';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { mobile, setSchedule } from './helpers';

/**
 * Per-service appointment rules (issue #16 point 4): a service's own capacity caps its online bookings
 * in each of its slots, though the room has more seats; other services still book the room's seats;
 * a cancelled or rescheduled booking gives its place back; the cap is edited through the schedule API.
 */
jest.setTimeout(120_000);

let rig: DemoServer;
let server: Server;
const built = buildTestApp();
const CAPPED = 'residence_permit';
const OTHER = 'hukou_item_change';

beforeAll(async () => {
  rig = await startDemoServer(built.app);
  server = rig.server;
});
afterAll(() => rig?.stop());

interface Slot {
  start: string;
  remaining: number;
  capacity: number;
}

async function slotsOf(service: string): Promise<Slot[]> {
  const res = await request(server).get(`/api/rooms/HPL/slots?service=${service}&days=10`);
  expect(res.status).toBe(200);
  return res.body.data as Slot[];
}

const book = (service: string, start: string, i: number) =>
  request(server).post('/api/appointments').send({ room: 'HPL', service, start, name: `居民${i}`, phone: mobile(i), materialsConfirmed: true });

it('a service with its own capacity takes no more bookings per slot than that, while other services still book the room', async () => {
  // The room has 3 seats per slot; 居住证 may take only 1 of them per slot.
  await setSchedule('HPL', { capacity: 3, walkInShare: 0, services: [{ service: CAPPED, capacity: 1 }] });
  const capped = (await slotsOf(CAPPED)).find((s) => s.remaining > 0)!;
  expect(capped).toMatchObject({ capacity: 1, remaining: 1 });

  const first = await book(CAPPED, capped.start, 1);
  expect(first.status).toBe(201);
  const second = await book(CAPPED, capped.start, 2);
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe('slot_full');
  expect(second.body.error.message).toMatch(/约满/);
  expect(await AppointmentModel.countDocuments({ service: CAPPED, status: 'booked' })).toBe(1);
  // The slot shows as full for 居住证, but the room's other seats are still there for other services.
  expect((await slotsOf(CAPPED)).find((s) => s.start === capped.start)?.remaining ?? 0).toBe(0);
  const other = (await slotsOf(OTHER)).find((s) => s.start === capped.start)!;
  expect(other).toMatchObject({ capacity: 3, remaining: 2 });
  expect((await book(OTHER, capped.start, 3)).status).toBe(201);

  // Cancelling gives the place back.
  const cancel = await request(server).post(`/api/appointments/${first.body.code}/cancel`).send({ phone: mobile(1) });
  expect(cancel.status).toBe(200);
  const again = await book(CAPPED, capped.start, 4);
  expect(again.status).toBe(201);

  // Rescheduling into a full slot is refused and keeps the booking; moving out frees the old slot's place.
  const later = (await slotsOf(CAPPED)).filter((s) => s.remaining > 0 && s.start > capped.start)[0];
  const blocker = await book(CAPPED, later.start, 5);
  expect(blocker.status).toBe(201);
  const refused = await request(server).post(`/api/appointments/${again.body.code}/reschedule`).send({ phone: mobile(4), start: later.start });
  expect(refused.status).toBe(409);
  expect((await AppointmentModel.findById(again.body.code).lean())!.start.toISOString()).toBe(new Date(capped.start).toISOString());
  const free = (await slotsOf(CAPPED)).filter((s) => s.remaining > 0 && s.start > later.start)[0];
  const moved = await request(server).post(`/api/appointments/${again.body.code}/reschedule`).send({ phone: mobile(4), start: free.start });
  expect(moved.status).toBe(200);
  expect((await book(CAPPED, capped.start, 6)).status).toBe(201);
});

it('the schedule API stores a per-service capacity, refuses a bad one in Chinese, and the slots follow it at once', async () => {
  await setSchedule('HPL', { capacity: 4, walkInShare: 0 });
  const zw = await createOfficer({ username: 'cap-admin', role: 'admin' });
  const { agent, csrf } = await login(built.app, zw.username, zw.password);
  const got = await agent.get('/api/rooms/HPL/schedule');
  const schedule = { ...got.body.schedule, services: [{ service: 'id_card_renewal', capacity: 2 }] };
  delete schedule.stored;
  const put = await agent.put('/api/rooms/HPL/schedule').set('X-CSRF-Token', csrf).send(schedule);
  expect(put.status).toBe(200);
  expect(put.body.schedule.services).toEqual([expect.objectContaining({ service: 'id_card_renewal', capacity: 2 })]);
  expect((await slotsOf('id_card_renewal')).find((s) => s.remaining > 0)).toMatchObject({ capacity: 2, remaining: 2 });

  const bad = await agent.put('/api/rooms/HPL/schedule').set('X-CSRF-Token', csrf).send({ ...schedule, services: [{ service: 'id_card_renewal', capacity: 0 }] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('validation_failed');
  expect(bad.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  expect((await agent.get('/api/rooms/HPL/schedule')).body.schedule.services).toEqual([expect.objectContaining({ service: 'id_card_renewal', capacity: 2 })]);
});
