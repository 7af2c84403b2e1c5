import type { Server } from 'node:http';
import request from 'supertest';
import { buildCapturingApp, errorShapeProblem, nextRequestId } from './helpers';
import { allEndpoints, bodyFor, fillPath, key, PUBLIC_ENDPOINTS, queriesFor, send, snapshot, startSecurityWorld, type SecurityWorld, type World } from './fixture';

/**
 * CSRF on every state-changing officer request (enumerated from the routers): signed in as
 * someone who may do it (HPL officer; admin for admin-only endpoints), a request without
 * X-CSRF-Token, with a wrong one, or with another session's token is refused with 403
 * csrf_failed (standard shape, logged) and changes nothing.
 */

jest.setTimeout(120_000);

let rig: SecurityWorld;
let server: Server;
let world: World;
const { app, config, logger, logs } = buildCapturingApp();
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const targets = allEndpoints(config, logger).filter((e) => STATE_CHANGING.has(e.method) && !(key(e) in PUBLIC_ENDPOINTS));
const ADMIN_ONLY = /^(POST \/api\/rooms|PUT \/api\/rooms\/:code|POST \/api\/officers.*|PUT \/api\/officers\/:id|[A-Z]+ \/api\/faq.*|PUT \/api\/admin\/rooms\/:code\/officers|PUT \/api\/work-log\/targets\/:type|POST \/api\/volunteers|PATCH \/api\/volunteers\/:id|POST \/api\/volunteers\/:id\/reset-password|GET \/api\/volunteers\/:id\/phone|[A-Z]+ \/api\/channels\/.*)$/;
const SUPERVISOR_ONLY = /^(POST \/api\/groups\/bind-codes|DELETE \/api\/groups\/:groupId)$/;

beforeAll(async () => {
  rig = await startSecurityWorld(app);
  ({ server, world } = rig);
}, 120_000);

afterAll(() => rig?.stop());

it('covers every state-changing officer endpoint', () => {
  expect(targets.length).toBeGreaterThan(35);
  process.stdout.write(`csrf: ${targets.length} state-changing officer endpoints\n`);
});

it.each([
  ['no X-CSRF-Token', (_w: World) => undefined as string | undefined],
  ['a wrong X-CSRF-Token', (_w: World) => 'not-the-token-of-this-session'],
  ["another officer's token (LSC's session)", (w: World) => w.lsc.csrf],
  ['an empty X-CSRF-Token', (_w: World) => ''],
])('signed in, with %s → 403 csrf_failed, logged, nothing changed', async (_label, tokenOf) => {
  const before = await snapshot();
  const failures: string[] = [];
  for (const e of targets) {
    const k = key(e);
    const s = ADMIN_ONLY.test(k) ? world.admin : SUPERVISOR_ONLY.test(k) ? world.supXh : world.hpl;
    const reqId = nextRequestId('csrf');
    const token = tokenOf(world);
    const res = await send(server, e, fillPath(e, world.records, world.officerIds), {
      cookie: s.cookie,
      csrf: token,
      query: queriesFor(e, world.officerIds)[0],
      body: bodyFor(e, world.officerIds),
      reqId,
    }).set(token === '' ? { 'X-CSRF-Token': '' } : {});
    if (res.status !== 403 || res.body?.error?.code !== 'csrf_failed') {
      failures.push(`${k} as ${s.username} → ${res.status} ${String(res.text).slice(0, 160)}`);
      continue;
    }
    const shape = errorShapeProblem(res);
    if (shape) failures.push(`${k}: ${shape}`);
    if (!logs.forRequest(reqId).some((l) => l.msg === 'access refused: csrf')) failures.push(`${k}: csrf refusal not logged`);
  }
  expect(failures).toEqual([]);
  expect(await snapshot()).toEqual(before);
});

it('the sessions survive the refusals, and the right token still works (logout with it ends the session)', async () => {
  const me = await request(server).get('/api/me').set('Cookie', world.hpl.cookie);
  expect(me.status).toBe(200);
  const out = await request(server).post('/api/auth/logout').set('Cookie', world.hpl.cookie).set('X-CSRF-Token', world.hpl.csrf);
  expect(out.status).toBe(200);
  expect((await request(server).get('/api/me').set('Cookie', world.hpl.cookie)).status).toBe(401);
});
