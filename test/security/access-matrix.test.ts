import http from 'node:http';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createItem } from '../../src/modules/items/item.service';
import { buildCapturingApp, errorShapeProblem, nextRequestId } from './helpers';
import {
  allEndpoints,
  bodyFor,
  fillPath,
  key,
  PASSWORD,
  PUBLIC_ENDPOINTS,
  queriesFor,
  SCOPED_ENDPOINTS,
  send,
  signIn,
  startSecurityWorld,
  type Endpoint,
  type SecurityWorld,
  type Session,
  type World,
} from './fixture';

/**
 * The access matrix. Every officer endpoint (enumerated from the routers, so a new one is
 * covered automatically), aimed at room HPL's real records, is tried as
 *  - an officer of another room (LSC, same district),
 *  - a supervisor of another district (QT),
 *  - a logged-out client,
 *  - a forged session cookie (random, and a real token with one character changed).
 * Each must be refused — 401 for the last two, 403/404 for the first two, never a 2xx with
 * HPL data — with the standard error shape, and the refusal must be in the log (the log line
 * of that very request, found by its X-Request-Id). Endpoints that are public are listed in
 * fixture.ts with a reason each; endpoints that answer other rooms with their own scope are
 * listed there too and must then carry none of HPL's records.
 */

jest.setTimeout(120_000);

let rig: SecurityWorld;
let server: Server;
let world: World;
const { app, config, logger, logs } = buildCapturingApp({ LIVE_POLL_MS: '200' });
const endpoints = allEndpoints(config, logger);
const officerEndpoints = endpoints.filter((e) => !(key(e) in PUBLIC_ENDPOINTS));

beforeAll(async () => {
  rig = await startSecurityWorld(app);
  ({ server, world } = rig);
}, 120_000);

afterAll(() => rig?.stop());

/** Reads an event stream for `ms` and returns what arrived (status and text). */
function readStream(path: string, cookie: string | undefined, ms: number): Promise<{ status: number; type: string; text: string }> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const done = () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text });
      res.on('end', done);
      setTimeout(() => {
        req.destroy();
        done();
      }, ms);
    });
    req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
  });
}

const isEvents = (e: Endpoint) => e.path === '/api/inbox/events';

it('knows every endpoint: each is public (with a reason) or an officer endpoint, and the public list has no stale entries', () => {
  expect(endpoints.length).toBeGreaterThan(60);
  const declared = new Set(endpoints.map(key));
  expect(Object.keys(PUBLIC_ENDPOINTS).filter((k) => !declared.has(k))).toEqual([]);
  expect(Object.keys(SCOPED_ENDPOINTS).filter((k) => !declared.has(k))).toEqual([]);
  // Every officer endpoint has a concrete HPL URL (throws for a parameter the fixture does not know).
  for (const e of officerEndpoints) expect(() => fillPath(e, world.records, world.officerIds)).not.toThrow();
  process.stdout.write(`access matrix: ${endpoints.length} endpoints, ${officerEndpoints.length} officer, ${Object.keys(PUBLIC_ENDPOINTS).length} public\n`);
});

describe.each([
  ['logged out', () => undefined as string | undefined],
  ['a forged random session cookie', () => `pr_session=${randomBytes(32).toString('base64url')}`],
  ['a real session token with one character changed', () => {
    const token = world.hpl.cookie.slice('pr_session='.length);
    const flipped = (token[5] === 'A' ? 'B' : 'A');
    return `pr_session=${token.slice(0, 5)}${flipped}${token.slice(6)}`;
  }],
])('%s', (_label, cookieOf) => {
  it('every officer endpoint answers 401 with the error shape, and the refusal is logged', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const e of officerEndpoints) {
      const url = fillPath(e, world.records, world.officerIds);
      const reqId = nextRequestId('anon');
      const cookie = cookieOf();
      // A client without a session may still carry some token; it must not matter.
      const res = isEvents(e)
        ? await readStream(url, cookie, 500).then((r) => ({ status: r.status, body: safeJson(r.text), text: r.text }))
        : await send(server, e, url, { cookie, csrf: 'whatever', query: queriesFor(e, world.officerIds)[0], body: bodyFor(e, world.officerIds), reqId });
      tried++;
      if (res.status !== 401) {
        failures.push(`${key(e)} → ${res.status} ${String(res.text).slice(0, 160)}`);
        continue;
      }
      const shape = errorShapeProblem(res);
      if (shape) failures.push(`${key(e)}: ${shape}`);
      if (!isEvents(e)) {
        const refusal = logs.forRequest(reqId).find((l) => String(l.msg).startsWith('access refused'));
        if (!refusal) failures.push(`${key(e)}: refusal not logged`);
        else if (cookie && refusal.badSession !== true) failures.push(`${key(e)}: refusal logged without badSession`);
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBe(officerEndpoints.length);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe.each([
  ['an officer of another room (LSC)', (w: World) => w.lsc],
  ['a supervisor of another district (QT)', (w: World) => w.supOther],
])('%s', (_label, who) => {
  it('is refused (403/404, error shape, logged) on every officer endpoint aimed at HPL, or gets only its own scope', async () => {
    const session: Session = who(world);
    const failures: string[] = [];
    const tally = { refused: 0, scoped: 0 };
    for (const e of officerEndpoints) {
      if (isEvents(e)) continue; // below
      for (const variant of e.path.startsWith('/api/inbox/:id') ? (['item', 'tip'] as const) : (['item'] as const)) {
        const url = fillPath(e, world.records, world.officerIds, variant);
        for (const query of queriesFor(e, world.officerIds)) {
          const reqId = nextRequestId('cross');
          // Logout would end the session used for the rest of the matrix: use a throwaway one.
          const s = e.path === '/api/auth/logout' ? await signIn(server, session.username, PASSWORD) : session;
          const res = await send(server, e, url, { cookie: s.cookie, csrf: s.csrf, query, body: bodyFor(e, world.officerIds), reqId });
          const label = `${key(e)} ${url}${Object.keys(query).length ? '?' + new URLSearchParams(query) : ''}`;
          const leaked = world.records.markers.filter((m) => res.text?.includes(m));
          if (res.status >= 200 && res.status < 300) {
            if (!(key(e) in SCOPED_ENDPOINTS)) failures.push(`${label} → ${res.status} (not refused): ${String(res.text).slice(0, 200)}`);
            else if (leaked.length) failures.push(`${label} → ${res.status} carries HPL data: ${leaked.join(', ')}`);
            else tally.scoped++;
            continue;
          }
          // An endpoint on the caller's own account may refuse by its own rule (e.g. the same password
          // again), which shows access was granted to the caller's own record only.
          const ownRule = key(e) in SCOPED_ENDPOINTS && res.status === 400 && !['validation_failed', 'bad_request'].includes(String(res.body?.error?.code));
          if (ownRule && !leaked.length) {
            tally.scoped++;
            continue;
          }
          if (res.status !== 403 && res.status !== 404) {
            failures.push(`${label} → ${res.status} (expected 403/404): ${String(res.text).slice(0, 200)}`);
            continue;
          }
          tally.refused++;
          if (leaked.length) failures.push(`${label}: the refusal names HPL data: ${leaked.join(', ')}`);
          const shape = errorShapeProblem(res);
          if (shape) failures.push(`${label}: ${shape}`);
          if (!logs.forRequest(reqId).some((l) => String(l.msg).startsWith('access refused'))) failures.push(`${label} → ${res.status}: refusal not logged`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tally.refused).toBeGreaterThan(50);
    process.stdout.write(`${session.username}: ${tally.refused} refused, ${tally.scoped} scoped answers without HPL data\n`);
  });
});

it("live updates: an HPL item reaches the HPL officer's stream and never an LSC officer's or the other district supervisor's", async () => {
  const streams = Promise.all([world.hpl, world.lsc, world.supOther].map((s) => readStream('/api/inbox/events', s.cookie, 3000)));
  await new Promise((r) => setTimeout(r, 600));
  const item = await createItem({ room: 'HPL', kind: 'question', text: '和平里机密直播事项：户口迁移要带什么' });
  const [hpl, lsc, other] = await streams;
  for (const r of [hpl, lsc, other]) {
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/event-stream');
  }
  expect(hpl.text).toContain(String(item._id));
  for (const r of [lsc, other]) {
    expect(r.text).not.toContain(String(item._id));
    expect(r.text).not.toContain(item.code);
    expect(r.text).not.toContain('和平里机密');
  }
});

it('public endpoints reached with HPL codes but without the secret or phone give nothing away', async () => {
  const r = world.records;
  const get = (p: string, headers: Record<string, string> = {}) => {
    let req = send(server, { method: 'GET', path: p }, p, { reqId: nextRequestId('pub') });
    for (const [h, v] of Object.entries(headers)) req = req.set(h, v);
    return req;
  };
  const attempts = [
    await get(`/api/tips/${r.tipCode}`),
    await get(`/api/tips/${r.tipCode}`, { 'X-Tip-Secret': 'wrong-secret-123456' }),
    await get(`/api/appointments/${r.apptCode}`),
    await get(`/api/appointments/${r.apptCode}?phone=13900000000`),
    await send(server, { method: 'POST', path: '' }, `/api/appointments/${r.apptCode}/cancel`, { body: { phone: '13900000000' }, reqId: nextRequestId('pub') }),
    await send(server, { method: 'POST', path: '' }, `/api/tips/${r.tipCode}/messages`, { body: { text: '冒充' }, reqId: nextRequestId('pub') }),
  ];
  for (const res of attempts) {
    expect([400, 404]).toContain(res.status);
    expect(errorShapeProblem(res)).toBeNull();
    for (const m of [r.tipText, r.itemText, '王芳', r.apptPhone]) expect(res.text).not.toContain(m);
  }
  // The tipster with the secret does see the tip: the refusals above are about the secret.
  const own = await get(`/api/tips/${r.tipCode}`, { 'X-Tip-Secret': r.tipSecret });
  expect(own.status).toBe(200);
});

it('positive control: the same requests succeed for those allowed (HPL officer, XH supervisor, admin), so the refusals are about access', async () => {
  const adminOnly = /^(POST \/api\/rooms|PUT \/api\/rooms\/:code|POST \/api\/officers.*|PUT \/api\/officers\/:id|GET \/api\/bot\/status|[A-Z]+ \/api\/faq.*|GET \/api\/admin\/(checklist|bot-qr\.svg)|PUT \/api\/admin\/rooms\/:code\/officers|PUT \/api\/work-log\/targets\/:type|POST \/api\/classroom\/faq-proposals\/:id\/decision|POST \/api\/volunteers|PATCH \/api\/volunteers\/:id|POST \/api\/volunteers\/:id\/reset-password|GET \/api\/volunteers\/:id\/phone|[A-Z]+ \/api\/channels\/.*)$/;
  const supervisorOnly = /^(GET \/api\/officers|GET \/api\/audit|GET \/api\/groups|POST \/api\/groups|DELETE \/api\/groups|GET \/api\/admin\/(rooms|channels)$|POST \/api\/classroom\/questions\/:id\/(answers|faq-proposals)|GET \/api\/classroom\/faq-proposals)/;
  const failures: string[] = [];
  let ok = 0;
  // Reads first, then changes (so a deletion does not spoil a later read); logout last.
  const ordered = [...officerEndpoints].filter((e) => !isEvents(e)).sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET') || Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));
  for (const e of ordered) {
    const k = key(e);
    const who = adminOnly.test(k) ? world.admin : supervisorOnly.test(k) ? world.supXh : world.hpl;
    const s = e.path === '/api/auth/logout' ? await signIn(server, who.username, PASSWORD) : who;
    const url = fillPath(e, world.records, world.officerIds);
    const query = queriesFor(e, world.officerIds)[0];
    const res = await send(server, e, url, { cookie: s.cookie, csrf: s.csrf, query, body: bodyFor(e, world.officerIds), reqId: nextRequestId('own') });
    // A domain answer (409, or 400/403/415 with the rule's own code: not the holder, no slot left
    // today, …) means access was granted and the request reached the business rules.
    const code = String(res.body?.error?.code ?? '');
    // WeCom group endpoints answer with the channel's own state when WeCom is not configured here.
    const channelRule = ['channel_off', 'customer_group_not_found'].includes(code);
    const domain = res.status === 409 || channelRule || ([400, 403, 415].includes(res.status) && !['validation_failed', 'forbidden', 'csrf_failed', 'bad_request'].includes(code));
    if ((res.status >= 200 && res.status < 300) || domain) ok++;
    else failures.push(`${k} as ${s.username} → ${res.status} ${String(res.text).slice(0, 200)}`);
  }
  expect(failures).toEqual([]);
  expect(ok).toBe(ordered.length);
});

it('sanity: the markers are detectable — the scoped lists do show HPL records to the HPL officer', async () => {
  const r = world.records;
  const get = (p: string) => send(server, { method: 'GET', path: p }, p, { cookie: world.hpl.cookie, reqId: nextRequestId('own') });
  expect((await get('/api/broadcasts')).text).toContain(r.broadcastId);
  expect((await get('/api/mobile-visits')).text).toContain(r.visitId);
  expect((await get('/api/jobs/notifications')).text).toContain(r.notificationId);
  expect((await get('/api/broadcasts/groups')).text).toContain('g-sec-hpl');
  expect((await get(`/api/inbox/${r.itemId}`)).text).toContain('和平里机密');
});
