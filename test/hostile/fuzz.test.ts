import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { buildRouters } from '../../src/http/routes';
import { seedAll } from '../../src/modules/seed/seed.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { HOSTILE_PATH_VALUES, hostileBody, prng } from './adversarial';

/**
 * Sends thousands of malformed and adversarial requests to every endpoint the app has
 * (discovered from the routers, so new endpoints are covered automatically), signed in as
 * an admin with a valid CSRF token so bodies reach validation. Expectations: never a 5xx,
 * always the standard error shape on 4xx, and stored data unchanged.
 */

// Collections that legitimately change on a refused request (security bookkeeping, incl. the rotating key that hashes client addresses), not user data.
const BOOKKEEPING = new Set(['loginfailures', 'sessions', 'auditentries', 'audits', 'events', 'liveevents', 'rateseats', 'reportlives', 'accessrefusals', 'clienthashkeys']);

let db: TestDatabase;
const { app, config, logger } = buildTestApp({ BODY_LIMIT_KB: '256' });

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const collections = await mongoose.connection.db!.listCollections().toArray();
  for (const { name } of collections) {
    if (BOOKKEEPING.has(name.toLowerCase())) continue;
    const docs = await mongoose.connection.db!.collection(name).find({}).sort({ _id: 1 }).toArray();
    out[name] = createHash('sha256').update(JSON.stringify(docs)).digest('hex') + `:${docs.length}`;
  }
  return out;
}

function endpoints(): Array<{ method: string; path: string }> {
  const list: Array<{ method: string; path: string }> = [];
  for (const router of buildRouters({ config, logger })) {
    for (const layer of router.stack) {
      // A RegExp route has no :params to fill; the routers use string paths only.
      if (typeof layer.path !== 'string') continue;
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        list.push({ method, path: layer.path });
      }
    }
  }
  return list;
}

function fillPath(path: string, random: () => number): string {
  return path.replace(/:([A-Za-z_]+)(\([^)]*\))?/g, () => HOSTILE_PATH_VALUES[Math.floor(random() * HOSTILE_PATH_VALUES.length)]);
}

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'fuzz_admin', role: 'admin', password: 'fuzz-password-1' });
});
afterAll(async () => db.stop());

it('survives adversarial bodies on every endpoint: no 5xx, standard error shape, no data change', async () => {
  const { agent, csrf } = await login(app, 'fuzz_admin', 'fuzz-password-1');
  const random = prng(20261129);
  // Logout would end the fuzzer's own session; event streams never end by design (they are
  // covered by their own tests).
  const targets = endpoints().filter((e) => !['/api/auth/logout'].includes(e.path) && !/\/events$/.test(e.path));
  expect(targets.length).toBeGreaterThan(5);
  const before = await snapshot();
  const perEndpoint = Math.max(40, Math.ceil(3000 / targets.length));
  const failures: string[] = [];
  let sent = 0;

  for (const target of targets) {
    for (let i = 0; i < perEndpoint; i++) {
      const path = fillPath(target.path, random);
      const { raw, contentType } = hostileBody(random);
      const method = target.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch';
      let req = agent[method](path).set('X-CSRF-Token', csrf).set('Content-Type', contentType);
      if (method === 'get' && random() < 0.5) req = req.query({ room: { $gt: '' }, month: ['2026-13', 'x'], status: '$ne' });
      if (method !== 'get') req = req.send(raw);
      const res = await req.timeout({ response: 10_000, deadline: 20_000 }).catch((err: { response?: request.Response }) => err.response);
      sent++;
      if (!res) {
        failures.push(`${target.method} ${target.path}: no response within 20 s`);
        continue;
      }
      const isEvents = /event-stream/.test(String(res.headers['content-type']));
      if (res.status >= 500) failures.push(`${target.method} ${path.slice(0, 80)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      else if (res.status >= 400 && !isEvents) {
        const ok = res.body && typeof res.body.error?.code === 'string' && typeof res.body.error?.message === 'string';
        if (!ok) failures.push(`${target.method} ${path.slice(0, 80)} → ${res.status} without the error shape: ${String(res.text).slice(0, 120)}`);
      }
    }
  }

  expect(failures.slice(0, 20)).toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(3000);
  expect(await snapshot()).toEqual(before);
  // Prototype pollution did not reach plain objects.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}, 600_000);
