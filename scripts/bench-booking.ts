/**
 * Booking throughput on the embedded database (FerretDB 1.24 / SQLite), through the HTTP API.
 *
 *   npx tsx scripts/bench-booking.ts [--bookings 400] [--concurrency 20]
 *
 * Measures, on a fresh temporary database:
 *  1. sequential bookings (one request at a time, each to a free slot);
 *  2. concurrent bookings (`concurrency` requests in flight, spread over the month's slots);
 *  3. contention: 300 simultaneous requests for one slot of capacity 4 (4 must win).
 * Prints bookings per second and checks that no slot holds more seats than its capacity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logging/logger';
import { AppointmentModel, SeatModel } from '../src/modules/appointments/appointment.model';
import { RoomScheduleModel } from '../src/modules/appointments/schedule.model';
import { invalidateScheduleCache } from '../src/modules/appointments/schedule.service';
import { seedAll } from '../src/modules/seed/seed.service';
import { connectDatabase, disconnectDatabase } from '../src/storage/connection';
import { EmbeddedDatabase } from '../src/storage/embedded';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const mobile = (i: number) => `139${String(10_000_000 + i).slice(-8)}`;

async function setSchedule(room: string, capacity: number): Promise<void> {
  await RoomScheduleModel.replaceOne(
    { room },
    {
      room,
      slotMinutes: 30,
      capacity,
      walkInShare: 0,
      bookingOpensDays: 30,
      bookingClosesMinutes: 60,
      weekly: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, open: '09:00', close: '17:00', breakStart: '12:00', breakEnd: '13:00' })),
      services: [],
    },
    { upsert: true },
  );
  invalidateScheduleCache();
}

async function main(): Promise<void> {
  const total = arg('bookings', 400);
  const concurrency = arg('concurrency', 20);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-booking-'));
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  const uri = await embedded.start();
  await connectDatabase(uri, { dbName: 'bench' });
  await seedAll({ demo: true });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const server = createApp({ config, logger: createLogger({ level: 'silent' }) }).listen(0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${base}/api/appointments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return res.status;
  };
  const slotsOf = async (room: string) => {
    const res = await fetch(`${base}/api/rooms/${room}/slots?service=hukou_item_change&days=31`);
    return ((await res.json()) as { data: Array<{ start: string; remaining: number }> }).data;
  };
  const lines: string[] = [];
  try {
    // 1. Sequential: capacity 1, each booking to its own slot.
    await setSchedule('HPL', 1);
    const seqSlots = (await slotsOf('HPL')).slice(0, Math.min(total, 200));
    let t = performance.now();
    let ok = 0;
    for (let i = 0; i < seqSlots.length; i++) {
      if ((await post({ room: 'HPL', service: 'hukou_item_change', start: seqSlots[i].start, name: '压测', phone: mobile(i), materialsConfirmed: true })) === 201) ok++;
    }
    let s = (performance.now() - t) / 1000;
    lines.push(`sequential: ${ok}/${seqSlots.length} booked in ${s.toFixed(2)} s → ${(ok / s).toFixed(1)} bookings/s (${((s * 1000) / seqSlots.length).toFixed(1)} ms each)`);

    // 2. Concurrent: capacity 3 in another room, `total` requests over the month, `concurrency` in flight.
    await setSchedule('LSC', 3);
    const conSlots = await slotsOf('LSC');
    const jobs = Array.from({ length: total }, (_, i) => ({ i, start: conSlots[i % conSlots.length].start }));
    const statuses: number[] = [];
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          statuses.push(await post({ room: 'LSC', service: 'hukou_item_change', start: job.start, name: '压测', phone: mobile(10_000 + job.i), materialsConfirmed: true }));
        }
      }),
    );
    s = (performance.now() - t) / 1000;
    const booked = statuses.filter((x) => x === 201).length;
    lines.push(
      `concurrent (${concurrency} in flight): ${total} requests in ${s.toFixed(2)} s → ${(total / s).toFixed(1)} requests/s, ${(booked / s).toFixed(1)} bookings/s (${booked} booked, ${statuses.filter((x) => x === 409).length} slot_full, ${statuses.filter((x) => x !== 201 && x !== 409).length} other)`,
    );

    // 3. Contention: 300 at once for one slot of capacity 4.
    await setSchedule('DHL', 4);
    const [slot] = await slotsOf('DHL');
    t = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 300 }, (_, i) => post({ room: 'DHL', service: 'hukou_item_change', start: slot.start, name: '压测', phone: mobile(50_000 + i), materialsConfirmed: true })),
    );
    s = (performance.now() - t) / 1000;
    lines.push(`contention: 300 simultaneous requests for one slot of capacity 4 in ${s.toFixed(2)} s → ${burst.filter((x) => x === 201).length} booked, ${burst.filter((x) => x === 409).length} slot_full (${(300 / s).toFixed(1)} requests/s)`);

    const perSlot = await SeatModel.aggregate([{ $group: { _id: { room: '$room', slot: '$slotStart' }, n: { $sum: 1 } } }]);
    const caps: Record<string, number> = { HPL: 1, LSC: 3, DHL: 4 };
    const over = perSlot.filter((p) => p.n > caps[p._id.room]);
    const appts = await AppointmentModel.countDocuments({ status: 'booked' });
    lines.push(`check: ${perSlot.length} slots used, ${over.length} above capacity, ${appts} booked appointments = ${await SeatModel.countDocuments({})} seats held`);
  } finally {
    server.close();
    await disconnectDatabase();
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Booking benchmark on ${embedded.kind} (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})`);
  for (const l of lines) console.log(`  ${l}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
