import type Router from '@koa/router';
import { validate, compileErrors } from '@readme/openapi-parser';
import request from 'supertest';
import { openApiPath } from '../../src/http/openapi';
import { buildTestApp } from '../helpers/app';
import { PUBLIC_ENDPOINTS } from '../security/fixture';

/**
 * The API described: GET /api/openapi.json is an OpenAPI 3.1 document (valid by a maintained
 * validator) that names exactly the routes the real app mounts, each with its parameters.
 */
const { app } = buildTestApp();
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every route the app serves, read from the koa-router middlewares mounted on it: `GET /api/rooms/{code}`. */
function mountedOperations(): string[] {
  const ops = new Set<string>();
  for (const mw of app.middleware) {
    const router = (mw as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') throw new Error(`a RegExp route (${String(layer.path)}) cannot be described; use string paths`);
      for (const method of layer.methods) if (method !== 'HEAD') ops.add(`${method} ${openApiPath(layer.path)}`);
    }
  }
  return [...ops].sort();
}

type Doc = { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string }[]; responses: Record<string, unknown>; summary?: string }>> };

let doc: Doc;
beforeAll(async () => {
  const res = await request(app.callback()).get('/api/openapi.json').expect(200).expect('Content-Type', /json/);
  doc = res.body as Doc;
});

function documentedOperations(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

it('is served publicly and is a valid OpenAPI 3.1 document', async () => {
  expect(doc.openapi).toBe('3.1.0');
  const result = await validate(structuredClone(doc) as never);
  if (!result.valid) throw new Error(compileErrors(result));
  expect(result.valid).toBe(true);
});

it('describes every mounted route, and no route that is not mounted', () => {
  const mounted = mountedOperations();
  const documented = documentedOperations();
  expect(mounted.length).toBeGreaterThan(100);
  expect({ notDescribed: mounted.filter((op) => !documented.includes(op)), notMounted: documented.filter((op) => !mounted.includes(op)) }).toEqual({
    notDescribed: [],
    notMounted: [],
  });
});

it('gives each operation a summary, its path parameters, a success and the stable error shape', () => {
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const where = `${m.toUpperCase()} ${p}`;
      expect([where, (op.summary?.length ?? 0) > 2]).toEqual([where, true]);
      const declared = (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name).sort();
      expect([where, declared]).toEqual([where, [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort()]);
      expect([where, Object.keys(op.responses).some((s) => /^2\d\d$/.test(s))]).toEqual([where, true]);
      const errors = Object.entries(op.responses).filter(([s]) => /^[45]\d\d$/.test(s));
      expect([where, errors.length > 0 && errors.every(([, r]) => JSON.stringify(r).includes('#/components/schemas/Error'))]).toEqual([where, true]);
    }
  }
});

it('says which operations need the session cookie (and the CSRF header to change things): exactly the non-public endpoints', () => {
  const open = new Set([...Object.keys(PUBLIC_ENDPOINTS).map((k) => k.replace(/ (.*)$/, (_, p: string) => ` ${openApiPath(p)}`))]);
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const where = `${m.toUpperCase()} ${p}`;
      const expected = open.has(where) ? [] : m === 'get' ? [{ session: [] }] : [{ session: [], csrf: [] }];
      expect([where, op.security]).toEqual([where, expected]);
    }
  }
});

it('tells integrators that a booking needs materialsConfirmed, and what a refused request looks like', () => {
  const book = doc.paths['/api/appointments'].post as unknown as { description: string; requestBody: { content: Record<string, { schema: { properties: Record<string, { description?: string }> } }> } };
  expect(book.description).toContain('materialsConfirmed');
  expect(book.requestBody.content['application/json'].schema.properties.materialsConfirmed.description).toMatch(/必须为 true/);
  const error = (doc as unknown as { components: { schemas: Record<string, { properties: Record<string, { required: string[] }> }> } }).components.schemas.Error;
  expect(error.properties.error.required).toEqual(['code', 'message']);
});

it('states the limits of text fields people type (checked after trimming) and the .ics answer as text/calendar', () => {
  type Schema = { properties?: Record<string, { minLength?: number; maxLength?: number; description?: string }> };
  const body = (p: string, m: string) => (doc.paths[p][m] as unknown as { requestBody: { content: Record<string, { schema: Schema }> } }).requestBody.content['application/json'].schema;
  expect(body('/api/inbox/{id}/reply', 'post').properties!.text).toMatchObject({ minLength: 1, maxLength: 2000 });
  expect(body('/api/inbox/{id}/reply', 'post').properties!.text.description).toMatch(/去掉首尾空白/);
  expect(body('/api/appointments/{code}/notes', 'post').properties!.text).toMatchObject({ minLength: 1, maxLength: 1000 });
  expect(body('/api/templates/{key}', 'put').properties!.text).toMatchObject({ minLength: 1, maxLength: 2000 });
  const lookUp = doc.paths['/api/appointments/{code}'].get.responses['200'] as { content: Record<string, { schema: { type?: string; description?: string } }> };
  expect(Object.keys(lookUp.content).sort()).toEqual(['application/json', 'text/calendar']);
  expect(lookUp.content['text/calendar'].schema).toMatchObject({ type: 'string' });
  expect(lookUp.content['text/calendar'].schema.description).toMatch(/\.ics/);
});

it('describes every success answer with its fields (no bare object, no untyped field)', () => {
  type S = { $ref?: string; type?: string; properties?: Record<string, S>; items?: S; additionalProperties?: unknown; anyOf?: S[]; oneOf?: S[] };
  const schemas = (doc as unknown as { components: { schemas: Record<string, S> } }).components.schemas;
  const problems: string[] = [];
  const walk = (s: S | undefined, where: string, seen: Set<string>) => {
    if (!s) return;
    if (s.$ref) {
      const name = s.$ref.split('/').pop()!;
      if (!seen.has(name)) walk(schemas[name], `${where}→${name}`, new Set([...seen, name]));
      return;
    }
    const keys = Object.keys(s).filter((k) => !['description', 'example', 'examples', 'title', 'default'].includes(k));
    if (keys.length === 0) problems.push(`${where}: untyped`);
    if (s.type === 'object' && !s.properties && !s.additionalProperties) problems.push(`${where}: bare object`);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${where}.${k}`, seen);
    walk(s.items, `${where}[]`, seen);
    [...(s.anyOf ?? []), ...(s.oneOf ?? [])].forEach((x, i) => walk(x, `${where}|${i}`, seen));
  };
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      for (const [status, r] of Object.entries(op.responses as Record<string, { content?: Record<string, { schema: S }> }>)) {
        if (/^2/.test(status) && r.content?.['application/json']) walk(r.content['application/json'].schema, `${m.toUpperCase()} ${p} ${status}`, new Set());
      }
    }
  }
  expect(problems).toEqual([]);
});
