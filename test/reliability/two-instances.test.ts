/**
 * Two service instances (child processes running src/main.ts, SERVICES=web) on different
 * ports sharing one embedded database — what a load balancer in front of several stateless
 * instances looks like. Issue 8, "Two service instances …".
 *
 *  - live inbox: an item created through one instance's web chat reaches an officer's SSE
 *    stream on the other instance within 5 s (both directions);
 *  - claims: officers on both instances calling POST /api/inbox/next at once claim every
 *    item exactly once;
 *  - bookings: concurrent bookings of one slot through both instances book exactly the
 *    slot's remaining seats.
 */
import { DateTime } from 'luxon';
import { connectDatabase, disconnectDatabase } from '../../src/storage/connection';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem } from '../../src/modules/items/item.service';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { ItemClaimModel } from '../../src/modules/inbox/item-claim.model';
import { AppointmentModel, SeatModel } from '../../src/modules/appointments/appointment.model';
import { createOfficer } from '../helpers/auth';
import { setSchedule } from '../appointments/helpers';
import { call, itemCodeIn, login, openInboxStream, startServiceInstance, startSharedDatabase, type ServiceInstance, type SharedDatabase } from '../../scripts/faults/harness';

jest.setTimeout(120_000);

let db: SharedDatabase;
let a: ServiceInstance;
let b: ServiceInstance;

// Every request comes from this machine's one address, as 40 residents' would from 40: the per-address limits are raised.
const INSTANCE_ENV = { CHAT_RATE_IP_PER_MIN: '100000', CHAT_RATE_CONVERSATION_PER_MIN: '1000', APPOINTMENT_RATE_BOOK_PER_IP_PER_HOUR: '100000', APPOINTMENT_RATE_SLOTS_PER_IP_PER_MIN: '100000', LIVE_POLL_MS: '1000' };

beforeAll(async () => {
  db = await startSharedDatabase();
  await connectDatabase(db.serverUri, { dbName: db.dbName });
  // Seeded once here, so the instances find a populated database (no seeding race between them).
  await seedAll({ demo: true });
  // Six bookable seats per slot (no walk-in share), written before the instances start (they cache schedules).
  await setSchedule('HPL', { capacity: 6, walkInShare: 0 });
  await createOfficer({ username: 'rel_hpl_a', rooms: ['HPL'], district: 'XH' });
  await createOfficer({ username: 'rel_hpl_b', rooms: ['HPL'], district: 'XH' });
  for (let i = 0; i < 6; i++) await createOfficer({ username: `rel_dhl_${i}`, rooms: ['DHL'], district: 'XH' });
  [a, b] = await Promise.all([
    startServiceInstance({ name: 'A', mongoUri: db.uri, env: INSTANCE_ENV }),
    startServiceInstance({ name: 'B', mongoUri: db.uri, env: INSTANCE_ENV }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await disconnectDatabase();
  await db?.stop();
});

describe('live inbox across instances', () => {
  it.each([
    ['A', 'B', '救命！有人拿刀在楼道里砍人'],
    ['B', 'A', '楼下着火了，好多烟'],
  ])('an item created through instance %s reaches an officer connected to instance %s within 5 s', async (from, to, text) => {
    const source = from === 'A' ? a : b;
    const target = to === 'A' ? a : b;
    const officer = await login(target.base, from === 'A' ? 'rel_hpl_a' : 'rel_hpl_b', 'password-123');
    const stream = openInboxStream(target.base, officer.cookie);
    try {
      await stream.ready;
      const sentAt = Date.now();
      const res = await call(source.base, 'POST', '/api/chat/messages', { body: { room: 'HPL', text } });
      expect(res.status).toBe(200);
      const code = itemCodeIn(res.body.replies.map((r: { text: string }) => r.text).join('\n'));
      expect(code).toMatch(/^S[A-Z0-9]{7}$/);
      const item = await ItemModel.findOne({ code }).lean();
      expect(item).toMatchObject({ room: 'HPL', kind: 'emergency' });

      const event = await stream.waitFor((e) => e.event === 'item' && e.data.item === String(item!._id) && e.data.type === 'item.created', 5000);
      const latency = event.receivedAt - sentAt;
      process.stderr.write(`live update ${from}→${to}: ${latency} ms\n`);
      expect(latency).toBeLessThan(5000);
      // Events carry ids and states only, never the resident's text.
      expect(JSON.stringify(event.data)).not.toContain(text.slice(0, 4));

      // The officer on the other instance can open what they were told about.
      const detail = await call(target.base, 'GET', `/api/inbox/${String(item!._id)}`, { cookie: officer.cookie });
      expect(detail.status).toBe(200);
    } finally {
      stream.close();
    }
  });
});

describe('claims stay exactly-once across instances', () => {
  it('6 officers (3 per instance) calling "next" at once over 30 items claim each exactly once', async () => {
    const ITEMS = 30;
    const created = [];
    for (let i = 0; i < ITEMS; i++) {
      created.push(await createItem({ room: 'DHL', kind: 'question', text: `可靠性测试事项 ${i}`, origin: null }));
    }
    const sessions = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const instance = i % 2 === 0 ? a : b;
        return { instance, ...(await login(instance.base, `rel_dhl_${i}`, 'password-123')) };
      }),
    );

    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      sessions.map(async (s) => {
        for (let round = 0; round < ITEMS + 5; round++) {
          const res = await call(s.instance.base, 'POST', '/api/inbox/next', { cookie: s.cookie, csrf: s.csrf, body: {} });
          if (res.status !== 200) throw new Error(`next on ${s.instance.name} failed: ${res.status} ${JSON.stringify(res.body)}`);
          if (!res.body.item) return;
          claimedBy.set(res.body.item.id, [...(claimedBy.get(res.body.item.id) ?? []), s.officerId]);
        }
      }),
    );

    const twice = [...claimedBy.entries()].filter(([, who]) => who.length > 1);
    expect(twice).toEqual([]);
    expect(new Set(claimedBy.keys())).toEqual(new Set(created.map((c) => String(c._id))));
    // The database agrees: each item claimed once (epoch 1), by the officer who was told so.
    const items = await ItemModel.find({ room: 'DHL', _id: { $in: created.map((c) => c._id) } }).lean();
    for (const item of items) {
      expect(item).toMatchObject({ status: 'claimed', claimEpoch: 1 });
      expect(String(item.assignee)).toBe(claimedBy.get(String(item._id))![0]);
    }
    expect(await ItemClaimModel.countDocuments({ item: { $in: created.map((c) => c._id) } })).toBe(ITEMS);
    // Both instances handed out work.
    const perInstance = new Set(sessions.filter((s) => [...claimedBy.values()].some((w) => w[0] === s.officerId)).map((s) => s.instance.name));
    expect(perInstance).toEqual(new Set(['A', 'B']));
  });
});

describe('bookings stay exactly-once across instances', () => {
  it('40 concurrent bookings of one slot, half through each instance, book exactly its remaining seats', async () => {
    const service = 'hukou_item_change';
    const slots = await call(a.base, 'GET', `/api/rooms/HPL/slots?service=${service}&days=14`);
    expect(slots.status).toBe(200);
    const days = slots.body.days as Array<{ date: string; slots: Array<{ start: string; remaining: number; capacity: number }> }>;
    // A slot at least a day ahead (far from the booking cut-off) with seats left.
    const tomorrow = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).toISODate()!;
    const target = days.filter((d) => d.date >= tomorrow).flatMap((d) => d.slots).find((s) => s.remaining > 0);
    expect(target).toBeDefined();
    const seats = target!.remaining;
    const start = DateTime.fromISO(target!.start).toJSDate();
    const seatsBefore = await SeatModel.countDocuments({ room: 'HPL', slotStart: start });

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(i % 2 === 0 ? a.base : b.base, 'POST', '/api/appointments', {
          body: { room: 'HPL', service, start: target!.start, name: `居民${i}`, phone: `137${String(20_000_000 + i).slice(-8)}`, materialsConfirmed: true },
          timeoutMs: 60_000,
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    const booked = results.filter((r) => r.status === 201);
    expect(booked).toHaveLength(seats);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('slot_full');

    const appts = await AppointmentModel.find({ room: 'HPL', start, status: 'booked' }).lean();
    expect(appts).toHaveLength(seats);
    expect(new Set(appts.map((x) => x.code))).toEqual(new Set(booked.map((r) => r.body.code)));
    expect(await SeatModel.countDocuments({ room: 'HPL', slotStart: start })).toBe(seatsBefore + seats);
    process.stderr.write(`bookings: ${seats} seat(s), 201 via A: ${results.filter((r, i) => r.status === 201 && i % 2 === 0).length}, via B: ${results.filter((r, i) => r.status === 201 && i % 2 === 1).length}\n`);

    // The slot shows no seat left on either instance.
    for (const inst of [a, b]) {
      const after = await call(inst.base, 'GET', `/api/rooms/HPL/slots?service=${service}&date=${DateTime.fromISO(target!.start).setZone('Asia/Shanghai').toISODate()}`);
      const slot = (after.body.data as Array<{ start: string; remaining: number }>).find((s) => s.start === target!.start);
      expect(slot?.remaining).toBe(0);
    }
  });
});

it('no message text is lost between the instances: every accepted chat message is in its item thread', async () => {
  const items = await ItemModel.find({ room: 'HPL', kind: 'emergency' }).lean();
  const messages = await ItemMessageModel.find({ item: { $in: items.map((i) => i._id) }, author: 'resident' }).lean();
  expect(messages.map((m) => m.text).sort()).toEqual(['救命！有人拿刀在楼道里砍人', '楼下着火了，好多烟'].sort());
});
