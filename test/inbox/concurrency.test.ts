import type Koa from 'koa';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { ItemModel } from '../../src/modules/items/item.model';
import { ItemClaimModel } from '../../src/modules/inbox/item-claim.model';
import { buildClockedApp, signIn } from './fixtures';

let db: TestDatabase;
let app: Koa;
const clock = { now: new Date() };

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = buildClockedApp(clock);
});
afterAll(async () => db.stop());

const ITEMS = Number(process.env.INBOX_CONC_ITEMS ?? 500);
const OFFICERS = 20;

it(`${OFFICERS} officers calling "next" in parallel over ${ITEMS} items claim every item exactly once`, async () => {
  const base = Date.now() - ITEMS * 1000;
  const docs = Array.from({ length: ITEMS }, (_, i) => ({
    code: `S${String(i).padStart(7, '2').replace(/[01]/g, '3')}`.slice(0, 8),
    room: 'HPL',
    kind: 'question',
    status: 'new',
    priority: i % 3,
    summary: `事项 ${i}`,
    dueAt: new Date(base + 86400_000),
    createdAt: new Date(base + i * 1000),
    lastActivityAt: new Date(base + i * 1000),
  }));
  // Codes must be unique: derive them from the index in the code alphabet.
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  docs.forEach((d, i) => {
    let n = i;
    let body = '';
    for (let k = 0; k < 7; k++) {
      body += alphabet[n % alphabet.length];
      n = Math.floor(n / alphabet.length);
    }
    d.code = `S${body}`;
  });
  await ItemModel.insertMany(docs);

  const sessions = [];
  for (let i = 0; i < OFFICERS; i++) sessions.push(await signIn(app, `conc_${i}`, { username: `conc_${i}`, rooms: ['HPL'] }));

  const claimedBy = new Map<string, string[]>();
  let busyRetries = 0;
  const started = Date.now();
  await Promise.all(
    sessions.map(async (s) => {
      for (;;) {
        const res = await s.agent.post('/api/inbox/next').set('X-CSRF-Token', s.csrf).send({});
        // 503 = the embedded database was busy (retryable by design); an officer's page retries too.
        if (res.status === 503 && busyRetries++ < 50) continue;
        if (res.status !== 200) throw new Error(`next failed: ${res.status} ${JSON.stringify(res.body)}`);
        if (!res.body.item) return;
        const list = claimedBy.get(res.body.item.id) ?? [];
        list.push(s.id);
        claimedBy.set(res.body.item.id, list);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(`20×500 next: ${seconds.toFixed(1)} s\n`);

  const twice = [...claimedBy.entries()].filter(([, who]) => who.length > 1);
  expect(twice).toEqual([]);
  expect(claimedBy.size).toBe(ITEMS);
  // The database agrees: every item claimed, once, by the officer who was told so.
  const items = await ItemModel.find({}).lean();
  expect(items.every((i) => i.status === 'claimed' && i.claimEpoch === 1)).toBe(true);
  for (const item of items) expect(String(item.assignee)).toBe(claimedBy.get(String(item._id))![0]);
  expect(await ItemClaimModel.countDocuments({})).toBe(ITEMS);
  // Work was spread over the officers.
  const perOfficer = new Set([...claimedBy.values()].map((w) => w[0]));
  expect(perOfficer.size).toBeGreaterThan(OFFICERS / 2);
}, 600_000);
