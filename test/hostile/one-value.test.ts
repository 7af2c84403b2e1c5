import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem } from '../../src/modules/items/item.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The realistic attack is one hostile value inside an otherwise valid body: a form that is
 * right in every field but one, where that one is `{"$gt": ""}` (a NoSQL operator), an array, a
 * huge string, a control character. `fuzz.test.ts` sends wholly hostile bodies; here every case
 * starts from a body the product accepts, changes ONE value at a time, and sends it as every
 * role (nobody signed in, a room officer, a district supervisor, an admin).
 *
 * What must hold:
 * - For a role the valid body is accepted for (2xx), a NoSQL operator put where a plain value
 *   belongs is refused with 400 and the error shape: that field is validated.
 * - Whatever the value and role: never a 5xx, and every 4xx has the error shape.
 * - A refused request stores nothing (resident and officer data unchanged), and no stored
 *   document anywhere carries a key starting with "$".
 */

type Role = 'anonymous' | 'officer' | 'supervisor' | 'admin';
const ROLES: Role[] = ['anonymous', 'officer', 'supervisor', 'admin'];

interface Case {
  name: string;
  method: 'get' | 'post' | 'put';
  path: string;
  /** A valid body (for GET: the query). Built fresh per request, so unique values stay unique. */
  body: (n: number) => Record<string, unknown>;
  /** Sent without the role's session (signing in would replace it). */
  fresh?: boolean;
}

const OPERATORS: unknown[] = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }];
const OTHER_VALUES: unknown[] = [null, [], ['a', 'b'], 'x'.repeat(100_000), '\u0000\u0001', '\ud800', 1e308, -1, true, '<script>alert(1)</script>', {}];

// Collections that change on refused requests by design (security bookkeeping), not user data.
const BOOKKEEPING = new Set(['loginfailures', 'sessions', 'auditentries', 'audits', 'events', 'liveevents', 'rateseats', 'reportlives', 'accessrefusals', 'clienthashkeys']);

let db: TestDatabase;
const { app } = buildTestApp({ CHAT_RATE_IP_PER_MIN: '1000000', CHAT_RATE_CONVERSATION_PER_MIN: '1000000', BODY_LIMIT_KB: '512' });
const agents = new Map<Role, { agent: request.Agent; csrf: string }>();
const cases: Case[] = [];

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
    if (BOOKKEEPING.has(name.toLowerCase())) continue;
    const docs = await mongoose.connection.db!.collection(name).find({}).sort({ _id: 1 }).toArray();
    out[name] = createHash('sha256').update(JSON.stringify(docs)).digest('hex') + `:${docs.length}`;
  }
  return out;
}

/** Every path to a leaf value of a body: ['room'], ['contact', 'phone'], ['labels'], ['labels', 0]. */
function leafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [prefix, ...(value.length ? leafPaths(value[0], [...prefix, 0]) : [])];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  return [prefix];
}

function withValue(body: Record<string, unknown>, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
  return copy;
}

async function send(role: Role, c: Case, body: Record<string, unknown> | string): Promise<request.Response> {
  const signedIn = c.fresh ? undefined : agents.get(role);
  const agent = signedIn?.agent ?? request(app.callback());
  let req = agent[c.method](c.path);
  if (signedIn) req = req.set('X-CSRF-Token', signedIn.csrf);
  if (c.method === 'get') req = req.query(body as Record<string, string>);
  else req = req.set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
  return req;
}

function hasErrorShape(res: request.Response): boolean {
  return typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string';
}

/** Keys starting with "$" anywhere in any stored document: an operator that reached the database as data. */
async function storedOperatorKeys(): Promise<string[]> {
  const found: string[] = [];
  const walk = (collection: string, value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(collection, v, `${path}.${i}`));
    else if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof mongoose.Types.ObjectId) && !Buffer.isBuffer(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k.startsWith('$')) found.push(`${collection}: ${path}.${k}`);
        walk(collection, v, `${path}.${k}`);
      }
    }
  };
  for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
    for (const doc of await mongoose.connection.db!.collection(name).find({}).toArray()) walk(name, doc, String(doc._id));
  }
  return found;
}

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'ov_officer', role: 'officer', rooms: ['HPL'], district: 'XH', password: 'one-value-pass-1' });
  await createOfficer({ username: 'ov_super', role: 'supervisor', district: 'XH', password: 'one-value-pass-1' });
  await createOfficer({ username: 'ov_admin', role: 'admin', password: 'one-value-pass-1' });
  for (const [role, username] of [['officer', 'ov_officer'], ['supervisor', 'ov_super'], ['admin', 'ov_admin']] as const) {
    const { agent, csrf } = await login(app, username, 'one-value-pass-1');
    agents.set(role, { agent, csrf });
  }

  const http = () => request(app.callback());
  const { services } = (await http().get('/api/services')).body as { services: Array<{ key: string; bookable: boolean }> };
  const service = services.find((s) => s.bookable)!.key;
  const slots = (await http().get(`/api/rooms/HPL/slots?service=${service}&days=30`)).body as { days: Array<{ slots: Array<{ start: string; remaining: number }> }> };
  const free = slots.days.flatMap((d) => d.slots).filter((s) => s.remaining > 0);
  expect(free.length).toBeGreaterThan(0);
  const booked = await http()
    .post('/api/appointments')
    .send({ room: 'HPL', service, start: free[free.length - 1].start, name: '赵大爷', phone: '13700001111', materialsConfirmed: true });
  expect(booked.status).toBe(201);
  const item = await createItem({ room: 'HPL', kind: 'dispute', text: '楼上装修噪音太大' });

  cases.push(
    { name: 'web chat message', method: 'post', path: '/api/chat/messages', body: () => ({ room: 'HPL', text: '身份证丢了怎么补办？' }) },
    { name: 'tip with a contact', method: 'post', path: '/api/tips', body: () => ({ room: 'HPL', text: '小区后门晚上有人卖假烟', anonymous: false, contact: { name: '李先生', phone: '13800138000' } }) },
    {
      name: 'booking',
      method: 'post',
      path: '/api/appointments',
      body: (n) => ({ room: 'HPL', service, start: free[n % free.length].start, name: '王秀兰', phone: `139${String(10_000_000 + n).slice(-8)}`, materialsConfirmed: true }),
    },
    { name: 'status look-up', method: 'post', path: '/api/status', body: () => ({ code: booked.body.code }) },
    { name: 'sign-in', method: 'post', path: '/api/auth/login', body: () => ({ username: 'ov_officer', password: 'one-value-pass-1' }), fresh: true },
    { name: 'officer reply', method: 'post', path: `/api/inbox/${item._id}/reply`, body: () => ({ text: '您好，我们已经联系物业。' }) },
    { name: 'internal note', method: 'post', path: `/api/inbox/${item._id}/notes`, body: () => ({ text: '物业电话已记下' }) },
    { name: 'labels', method: 'put', path: `/api/inbox/${item._id}/labels`, body: () => ({ labels: ['噪音'] }) },
    { name: 'broadcast preview', method: 'post', path: '/api/broadcasts/preview', body: () => ({ room: 'HPL', kind: 'prevention_tip', title: '防诈提醒', body: '请勿向陌生人转账。' }) },
    { name: 'FAQ entry', method: 'post', path: '/api/faq', body: (n) => ({ question: `居住证多久能办好${n}？`, answer: '一般7个工作日。', keywords: ['居住证'] }) },
    { name: 'FAQ try', method: 'post', path: '/api/faq/try', body: () => ({ text: '居住证多久能办好' }) },
    { name: 'new officer', method: 'post', path: '/api/officers', body: (n) => ({ username: `ov_new_${n}`, name: '新民警', role: 'officer', rooms: ['HPL'] }) },
    { name: 'inbox list', method: 'get', path: '/api/inbox', body: () => ({ room: 'HPL', status: 'open' }) },
    { name: 'monthly report', method: 'get', path: '/api/reports/monthly', body: () => ({ month: '2026-11' }) },
    { name: 'free slots', method: 'get', path: '/api/rooms/HPL/slots', body: () => ({ service, days: '3' }) },
  );
});
afterAll(async () => db.stop());

it('refuses one NoSQL operator inside an otherwise valid body, as every role, and never fails on one odd value', async () => {
  const failures: string[] = [];
  let counter = 0;
  let refusedOperators = 0;
  for (const c of cases) {
    const accepted: Role[] = [];
    for (const role of ROLES) {
      const valid = await send(role, c, c.body(counter++));
      if (valid.status >= 500) failures.push(`${c.name} as ${role}: the valid body → ${valid.status}`);
      const allowed = valid.status < 300;
      if (allowed) accepted.push(role);
      else if (![400, 401, 403, 404, 409].includes(valid.status) || !hasErrorShape(valid)) failures.push(`${c.name} as ${role}: the valid body → ${valid.status} ${valid.text.slice(0, 120)}`);

      const paths = leafPaths(c.body(0));
      const before = await snapshot();
      let anyAccepted = false;
      for (const path of paths) {
        // A query string is not parsed into objects (koa's querystring), and a 100 kB URL is
        // refused by Node's HTTP parser (431) before the app: GET gets the values a URL can carry.
        const values = c.method === 'get' ? [...OPERATORS, ...OTHER_VALUES].filter((v) => !(typeof v === 'string' && v.length > 4000)) : [...OPERATORS, ...OTHER_VALUES];
        for (const value of values) {
          const res = await send(role, c, withValue(c.body(counter++), path, value));
          const what = `${c.name} as ${role}: ${path.join('.')} = ${JSON.stringify(value)?.slice(0, 30)}`;
          if (res.status >= 500) failures.push(`${what} → ${res.status} ${res.text.slice(0, 120)}`);
          else if (res.status >= 400 && !hasErrorShape(res)) failures.push(`${what} → ${res.status} without the error shape`);
          if (res.status < 300) anyAccepted = true;
          if (OPERATORS.includes(value) && allowed && c.method !== 'get') {
            if (res.status !== 400) failures.push(`${what} → ${res.status}, expected 400`);
            else refusedOperators++;
          }
        }
      }
      // Prototype pollution through the parsed body.
      const polluted = JSON.stringify(c.body(counter++)).replace(/^\{/, '{"__proto__":{"polluted":true,"isAdmin":true},');
      const res = await send(role, c, polluted);
      if (res.status >= 500) failures.push(`${c.name} as ${role}: __proto__ → ${res.status}`);
      if (res.status < 300) anyAccepted = true;
      if (!anyAccepted) {
        const after = await snapshot();
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${c.name} as ${role}: refused requests changed stored data`);
      }
    }
    if (!accepted.length) failures.push(`${c.name}: no role could send the valid body, so nothing reached validation`);
  }

  expect(failures.slice(0, 25)).toEqual([]);
  expect(refusedOperators).toBeGreaterThan(200);
  expect(await storedOperatorKeys()).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}, 600_000);
