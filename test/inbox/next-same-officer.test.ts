import type Koa from 'koa';
import { createApp } from '../../src/http/app';
import { ItemModel } from '../../src/modules/items/item.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { makeItem, signIn } from './fixtures';

/**
 * One officer pressing "领取下一条" many times at once (two tabs, a double click, a script):
 * every press that gets an item gets a different one, never an item that officer already holds.
 * Real clock (a frozen clock hides races), two app instances sharing the database.
 */
let db: TestDatabase;
let apps: Koa[];

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  apps = [0, 1].map(() => createApp({ config: testConfig(), logger: testLogger() }) as unknown as Koa);
});
afterAll(async () => db.stop());

it('20 concurrent "next" presses by one officer hand out 20 distinct items', async () => {
  for (let i = 0; i < 30; i++) await makeItem({ room: 'HPL' });
  const s = await signIn(apps[0], 'next_twice', { username: 'next_twice', rooms: ['HPL'] });
  // The same officer in a second tab, served by the other instance.
  const tab2 = await login(apps[1] as never, 'next_twice');
  const presses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? tab2 : s).agent.post('/api/inbox/next').set('X-CSRF-Token', (i % 2 ? tab2 : s).csrf).send({})),
  );
  for (const res of presses) expect(res.status).toBe(200);
  const ids = presses.map((r) => r.body.item?.id as string | undefined);
  expect(ids.every(Boolean)).toBe(true);
  expect(new Set(ids).size).toBe(20);
  // The database agrees: 20 items are claimed by the officer, 10 are still new.
  expect(await ItemModel.countDocuments({ status: 'claimed', assignee: s.id })).toBe(20);
  expect(await ItemModel.countDocuments({ status: 'new' })).toBe(10);
});

it('with fewer items than presses, the extra presses get nothing rather than an item already held', async () => {
  await db.clear();
  await seedAll({ demo: true });
  for (let i = 0; i < 3; i++) await makeItem({ room: 'HPL' });
  const s = await signIn(apps[1], 'next_few', { username: 'next_few', rooms: ['HPL'] });
  const presses = await Promise.all(Array.from({ length: 10 }, () => s.agent.post('/api/inbox/next').set('X-CSRF-Token', s.csrf).send({})));
  for (const res of presses) expect(res.status).toBe(200);
  const got = presses.map((r) => r.body.item?.id as string | undefined).filter(Boolean);
  expect(got).toHaveLength(3);
  expect(new Set(got).size).toBe(3);
  // A later press with everything held: nothing, not a renewal of one's own item.
  const later = await s.agent.post('/api/inbox/next').set('X-CSRF-Token', s.csrf).send({});
  expect(later.status).toBe(200);
  expect(later.body.item).toBeNull();
});
