import http from 'node:http';
import type Koa from 'koa';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { LiveEventModel } from '../../src/modules/live/live-event.model';
import { LiveHub, type LiveMessage } from '../../src/modules/live/live.hub';
import { testLogger } from '../helpers/app';
import { buildClockedApp, makeItem, signIn } from './fixtures';

let rig: DemoServer;
let app: Koa;
let base: string;
const clock = {
  get now() {
    return new Date();
  },
};

beforeAll(async () => {
  app = buildClockedApp(clock, { LIVE_POLL_MS: '200' });
  rig = await startDemoServer(app);
  base = rig.base;
});
afterAll(() => rig?.stop());

/** Opens the SSE stream with a session cookie and collects "item" events. */
function subscribe(cookie: string) {
  const events: LiveMessage[] = [];
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const req = http.get(`${base}/api/inbox/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (block.includes('event: ready')) ready();
        const data = /^data: (.*)$/m.exec(block);
        if (block.includes('event: item') && data) events.push(JSON.parse(data[1]));
      }
    });
  });
  return { events, ready: readyPromise, close: () => req.destroy(), status: () => req };
}

async function waitFor(check: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function cookieOf(username: string, props: Parameters<typeof signIn>[2]) {
  const s = await signIn(app, username, props);
  const res = await s.agent.get('/api/me');
  expect(res.status).toBe(200);
  // supertest agents keep cookies in a jar; read it back for a raw http client
  const jar = (s.agent as unknown as { jar: { getCookies(o: object): Array<{ name: string; value: string }> } }).jar;
  const cookies = jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false });
  return { ...s, cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

it('pushes new items and changes to the officers of the room only, without reload', async () => {
  const hpl = await cookieOf('live_hpl', { username: 'live_hpl', rooms: ['HPL'] });
  const lsc = await cookieOf('live_lsc', { username: 'live_lsc', rooms: ['LSC'] });
  const a = subscribe(hpl.cookie);
  const b = subscribe(lsc.cookie);
  await Promise.all([a.ready, b.ready]);

  // Created the way the conversation flows do it (item + 'item.created' event).
  const item = await makeItem({ room: 'HPL' });
  await waitFor(() => a.events.some((e) => e.item === String(item._id) && e.type === 'item.created'));

  await hpl.agent.post(`/api/inbox/${item._id}/claim`).set('X-CSRF-Token', hpl.csrf).send({}).expect(200);
  await waitFor(() => a.events.some((e) => e.item === String(item._id) && e.action === 'claim'));
  // Each event once, even though the local fan-out and the poll both see it.
  await new Promise((r) => setTimeout(r, 600));
  expect(a.events.filter((e) => e.action === 'claim')).toHaveLength(1);
  expect(b.events.filter((e) => e.item === String(item._id))).toEqual([]);
  expect(JSON.stringify(a.events)).not.toContain('户口'); // ids and states only, no resident text
  a.close();
  b.close();
});

it('fans out events inserted by another instance (polling the events collection)', async () => {
  const hub = new LiveHub({ pollMs: 100_000, logger: testLogger() });
  const got: LiveMessage[] = [];
  const remove = hub.add({ rooms: ['HPL'], send: (m) => got.push(m) });
  const item = await makeItem({ room: 'HPL' });
  // Simulate instance B: raw inserts, no local notification in this process.
  await LiveEventModel.create({ at: new Date(), type: 'item.created', item: item._id, room: 'HPL', status: 'new', action: 'create' });
  await LiveEventModel.create({ at: new Date(), type: 'item.updated', item: item._id, room: 'HPL', status: 'claimed', action: 'claim' });
  await LiveEventModel.create({ at: new Date(), type: 'item.updated', item: item._id, room: 'LSC', status: 'claimed', action: 'claim' });
  await hub.poll();
  await hub.poll();
  expect(got.filter((m) => m.action === 'claim' && m.item === String(item._id))).toHaveLength(1);
  expect(got.some((m) => m.type === 'item.created' && m.item === String(item._id))).toBe(true);
  remove();
  expect(hub.clientCount).toBe(0);
});

it('refuses the stream without a session', async () => {
  const status = await new Promise<number>((resolve) => http.get(`${base}/api/inbox/events`, (res) => resolve(res.statusCode ?? 0)));
  expect(status).toBe(401);
});
