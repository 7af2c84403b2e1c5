/**
 * Benchmark of the monthly assessment on the embedded database (FerretDB 1.24 / SQLite here).
 *
 *   npx tsx scripts/bench-report.ts [--items 1000000] [--appointments 200000] [--rooms 40] [--data DIR]
 *
 * 1. Generates the data with insertMany in batches: 2 districts of rooms (the demo district XH
 *    plus YY), 2 officers per room, items over 24 months up to now, appointments with their end
 *    events, surveys for ~30 % of resolved items and ratings for ~80 % of those.
 *    With --data DIR the database is kept there and reused by the next run (no regeneration).
 * 2. Builds all rollups from raw records (scripts/rebuild-rollups.ts does the same) and times it.
 * 3. Refreshes the cached live figures of the open day (the report-live job) and times it.
 * 4. Times report requests (the service function behind GET /api/reports/monthly):
 *    district current month (rollups + cached open day), district last month, a room, an officer,
 *    and — for honesty — the current month with the live cache bypassed (a raw scan).
 */
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { DateTime } from 'luxon';
import { CODE_ALPHABET } from '../src/lib/codes';
import { AppointmentEventModel, AppointmentModel } from '../src/modules/appointments/appointment.model';
import { ItemModel } from '../src/modules/items/item.model';
import { OfficerModel } from '../src/modules/officers/officer.model';
import { addMonths, currentMonth } from '../src/modules/reports/calendar';
import { buildMonthlyReport, refreshLiveCaches, type ReportSettings } from '../src/modules/reports/report.service';
import { ReportMonthModel } from '../src/modules/reports/rollup.model';
import { rebuildAllRollups } from '../src/modules/reports/rollup.service';
import { RoomModel } from '../src/modules/rooms/room.model';
import { seedAll } from '../src/modules/seed/seed.service';
import { RatingModel, SurveyModel } from '../src/modules/surveys/survey.model';
import { disconnectDatabase, syncIndexes } from '../src/storage/connection';
import { EmbeddedDatabase } from '../src/storage/embedded';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ITEMS = Number(arg('items', '1000000'));
const APPOINTMENTS = Number(arg('appointments', '200000'));
const ROOMS = Number(arg('rooms', '40'));
const DATA = arg('data', '');
const ZONE = 'Asia/Shanghai';
const BATCH = 5000;
const HOUR = 3_600_000;

let seed = 12345;
const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const lognormal = (medianMs: number, sigma: number) => {
  const u = Math.max(1e-9, rand());
  const v = rand();
  return medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
};

const ms = (t0: number) => Date.now() - t0;
/** Unique codes without the birthday collisions of random ones at a million rows. */
let codeCounter = 0;
function nextCode(prefix: 'S' | 'J' | 'Y'): string {
  let n = ++codeCounter;
  let body = '';
  for (let i = 0; i < 7; i++) {
    body = CODE_ALPHABET[n % CODE_ALPHABET.length] + body;
    n = Math.floor(n / CODE_ALPHABET.length);
  }
  return prefix + body;
}
const fmt = (n: number) => n.toLocaleString('en-US');

async function timeIt<T>(label: string, runs: number, fn: () => Promise<T>): Promise<{ label: string; times: number[]; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    result = await fn();
    times.push(ms(t0));
  }
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(`  ${label.padEnd(58)} median ${String(sorted[Math.floor(sorted.length / 2)]).padStart(6)} ms   max ${String(sorted[sorted.length - 1]).padStart(6)} ms   (${runs} runs)\n`);
  return { label, times, result };
}

async function generate(now: Date): Promise<void> {
  await seedAll({ demo: true });
  const hours = (await RoomModel.findOne({ code: 'HPL' }).lean())!.openingHours;
  const extra = [];
  for (let i = 0; i < ROOMS - 4; i++) {
    const district = i < ROOMS / 2 - 4 ? 'XH' : 'YY';
    extra.push({ code: `R${String(i + 1).padStart(3, '0')}`, name: `第${i + 1}社区警务室`, type: 'urban', district, districtName: district === 'XH' ? '新华区' : '裕华区', address: '测试地址', phone: '0311-0000000', hoursText: '工作日', openingHours: hours });
  }
  await RoomModel.insertMany(extra);
  const rooms = (await RoomModel.find({}, { code: 1 }).lean()).map((r) => r.code);
  const officers: Record<string, Types.ObjectId[]> = {};
  const officerDocs = [];
  for (const room of rooms) {
    officers[room] = [new Types.ObjectId(), new Types.ObjectId()];
    officerDocs.push(...officers[room].map((_id, k) => ({ _id, username: `o_${room.toLowerCase()}_${k}`, name: `${room}民警${k + 1}`, role: 'officer', rooms: [room], district: 'XH', wechatIds: [], active: true })));
  }
  await OfficerModel.collection.insertMany(officerDocs);

  const span = 730 * 24 * HOUR;
  const start = now.getTime() - span;
  const kinds = ['question', 'question', 'question', 'question', 'question', 'tip', 'dispute', 'dispute', 'complaint', 'emergency'];
  const sla: Record<string, number> = { question: 24 * HOUR, tip: 2 * HOUR, dispute: 24 * HOUR, complaint: 24 * HOUR, emergency: 5 * 60_000 };
  let surveys = 0;
  let ratings = 0;
  const t0 = Date.now();
  for (let done = 0; done < ITEMS; done += BATCH) {
    const items = [];
    const sv = [];
    const rt = [];
    for (let j = 0; j < Math.min(BATCH, ITEMS - done); j++) {
      const room = pick(rooms);
      const kind = pick(kinds);
      const created = start + rand() * (span - HOUR);
      const first = rand() < 0.95 ? created + lognormal(2 * HOUR, 1.2) : null;
      const resolved = first && rand() < 0.9 ? first + lognormal(20 * HOUR, 1.0) : null;
      const valid = (t: number | null) => (t !== null && t < now.getTime() ? new Date(t) : null);
      const firstAt = valid(first);
      const resolvedAt = firstAt ? valid(resolved) : null;
      const closedAt = resolvedAt && rand() < 0.1 ? valid(resolvedAt.getTime() + 3 * 24 * HOUR) : null;
      const assignee = firstAt ? pick(officers[room]) : null;
      const _id = new Types.ObjectId();
      items.push({
        _id,
        code: nextCode(kind === 'tip' ? 'J' : 'S'),
        room,
        kind,
        status: closedAt ? 'closed' : resolvedAt ? 'resolved' : firstAt ? 'claimed' : 'new',
        priority: 0,
        flagged: false,
        summary: '群众咨询户籍办理相关事项',
        service: null,
        labels: [],
        dueAt: new Date(created + sla[kind]),
        assignee,
        claimEpoch: 0,
        leaseUntil: null,
        origin: { channel: 'wechat', conversationId: `wx${Math.floor(rand() * 1e6)}`, isGroup: false },
        anonymous: false,
        parentItem: null,
        firstResponseAt: firstAt,
        resolvedAt,
        closedAt,
        reopenCount: 0,
        lastActivityAt: new Date(created),
        createdAt: new Date(created),
        updatedAt: new Date(created),
      });
      if (resolvedAt && rand() < 0.3) {
        const key = `item:${_id.toHexString()}`;
        sv.push({ _id: key, subjectType: 'item', subjectId: _id.toHexString(), subjectCode: null, room, officer: assignee ? String(assignee) : null, to: null, anonymous: false, tokenHash: 'x', outboxKey: null, sentAt: resolvedAt, expiresAt: new Date(resolvedAt.getTime() + 72 * HOUR), createdAt: resolvedAt, updatedAt: resolvedAt });
        const answeredAt = resolvedAt.getTime() + lognormal(3 * HOUR, 1);
        if (rand() < 0.8 && answeredAt < now.getTime()) {
          const r = rand();
          rt.push({ _id: key, room, officer: assignee ? String(assignee) : null, rating: r < 0.8 ? 'satisfied' : r < 0.93 ? 'basic' : 'unsatisfied', via: 'wechat', answeredAt: new Date(answeredAt), sentAt: resolvedAt });
        }
      }
    }
    await ItemModel.collection.insertMany(items, { ordered: false });
    if (sv.length) await SurveyModel.collection.insertMany(sv as never[], { ordered: false });
    if (rt.length) await RatingModel.collection.insertMany(rt as never[], { ordered: false });
    surveys += sv.length;
    ratings += rt.length;
    if ((done / BATCH) % 20 === 0) process.stdout.write(`  items ${fmt(done + items.length)} / ${fmt(ITEMS)} (${Math.round(ms(t0) / 1000)} s)\n`);
  }
  for (let done = 0; done < APPOINTMENTS; done += BATCH) {
    const appts = [];
    const events = [];
    for (let j = 0; j < Math.min(BATCH, APPOINTMENTS - done); j++) {
      const room = pick(rooms);
      const startAt = start + rand() * span;
      const createdAt = startAt - rand() * 7 * 24 * HOUR;
      const r = rand();
      const past = startAt + HOUR < now.getTime();
      const status = !past ? 'booked' : r < 0.8 ? 'completed' : r < 0.9 ? 'no_show' : 'cancelled';
      const _id = new Types.ObjectId();
      const endAt = status === 'cancelled' ? new Date(startAt - 24 * HOUR) : new Date(startAt + 20 * 60_000);
      appts.push({
        _id,
        code: nextCode('Y'),
        room,
        service: 'id_card_renewal',
        serviceName: '身份证换领',
        start: new Date(startAt),
        end: new Date(startAt + 30 * 60_000),
        seats: [],
        status,
        walkIn: false,
        origin: null,
        source: 'web',
        reschedules: 0,
        completedAt: status === 'completed' ? endAt : null,
        noShowAt: status === 'no_show' ? endAt : null,
        cancelledAt: status === 'cancelled' ? endAt : null,
        createdAt: new Date(createdAt),
        updatedAt: new Date(createdAt),
      });
      if (status === 'completed' || status === 'no_show') events.push({ appointment: _id, key: 'end', type: status, by: 'officer', officer: pick(officers[room]), createdAt: endAt });
    }
    await AppointmentModel.collection.insertMany(appts, { ordered: false });
    if (events.length) await AppointmentEventModel.collection.insertMany(events, { ordered: false });
  }
  process.stdout.write(`Generated ${fmt(ITEMS)} items, ${fmt(APPOINTMENTS)} appointments, ${fmt(surveys)} surveys, ${fmt(ratings)} ratings, ${rooms.length} rooms in ${Math.round(ms(t0) / 1000)} s\n`);
}

async function main(): Promise<void> {
  const dir = DATA || mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
  if (DATA && !existsSync(DATA)) mkdirSync(DATA, { recursive: true });
  const embedded = new EmbeddedDatabase({ dataDir: dir, ferretdbBin: process.env.FERRETDB_BIN, build: false });
  const uri = await embedded.start();
  // Like the service's connection, but without its 20 s socket timeout: a raw scan of a million
  // documents through FerretDB can keep one batch waiting longer than that.
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName: 'bench', serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 0, retryWrites: false, autoIndex: true });
  await syncIndexes();
  const now = new Date();
  const settings: ReportSettings = { zone: ZONE, targetPercent: 90, liveMaxAgeMs: 15 * 60_000 };
  try {
    process.stdout.write(`Machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, database: ${embedded.kind}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    // (counting documents on FerretDB scans the collection: a cheap existence check instead)
    const existing = await ItemModel.findOne({}, { _id: 1 }).lean();
    if (!existing) await generate(now);
    else process.stdout.write(`Reusing the data generated earlier in ${dir}\n`);
    process.stdout.write('\n');

    let t0 = Date.now();
    const rebuilt = await rebuildAllRollups({ zone: ZONE, now });
    process.stdout.write(`Rebuild of all rollups (one pass over raw records): ${(ms(t0) / 1000).toFixed(1)} s — ${rebuilt.days} days, ${fmt(rebuilt.dayDocs)} room-day docs, ${rebuilt.months} district-month docs\n`);
    const monthDoc = await ReportMonthModel.findById(`XH|${currentMonth(now, ZONE)}`).lean();
    process.stdout.write(`District-month document size (XH, this month): ${fmt(Buffer.byteLength(JSON.stringify(monthDoc)))} bytes\n`);
    t0 = Date.now();
    await refreshLiveCaches(now, settings);
    process.stdout.write(`Live refresh of the open day, all districts (the report-live job; a raw scan): ${(ms(t0) / 1000).toFixed(1)} s\n\n`);

    const month = currentMonth(now, ZONE);
    const lastMonth = addMonths(month, -1);
    const scope = { rooms: 'all' as const, officers: 'all' as const };
    const officer = await OfficerModel.findOne({ rooms: 'HPL' }).lean();
    process.stdout.write('Report requests (buildMonthlyReport, what GET /api/reports/monthly runs):\n');
    const cur = await timeIt(`district XH, ${month} (rollups + cached open day)`, 5, () => buildMonthlyReport({ month, focus: { type: 'overview' }, scope: { ...scope, district: 'XH' }, now: new Date(), settings }));
    await timeIt(`district XH, ${lastMonth} (complete month)`, 5, () => buildMonthlyReport({ month: lastMonth, focus: { type: 'overview' }, scope: { ...scope, district: 'XH' }, now: new Date(), settings }));
    await timeIt(`room HPL, ${month}`, 5, () => buildMonthlyReport({ month, focus: { type: 'room', room: 'HPL' }, scope, now: new Date(), settings }));
    await timeIt(`officer ${officer?.name}, ${month}`, 5, () => buildMonthlyReport({ month, focus: { type: 'officer', officer: String(officer!._id) }, scope, now: new Date(), settings }));
    await timeIt(`all districts (admin), ${month}`, 3, () => buildMonthlyReport({ month, focus: { type: 'overview' }, scope, now: new Date(), settings }));
    await timeIt(`district XH, ${month}, live cache bypassed (raw scan)`, 1, () => buildMonthlyReport({ month, focus: { type: 'overview' }, scope: { ...scope, district: 'XH' }, now: new Date(), settings: { ...settings, liveMaxAgeMs: -1 } }));
    const r = cur.result;
    process.stdout.write(`\nXH ${month}: ${r.rooms.length} rooms, ${r.officers.length} officers, received ${fmt(r.totals.items.received)}, satisfaction ${r.totals.satisfaction.percent}%, rolled up through ${r.coverage.rolledUpThrough}, live from ${r.coverage.liveFrom}\n`);
    process.stdout.write(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  } finally {
    await disconnectDatabase();
    await embedded.stop();
    if (!DATA) rmSync(dir, { recursive: true, force: true });
    void DateTime;
  }
}

main().catch((err) => {
  process.stderr.write(`bench-report failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
