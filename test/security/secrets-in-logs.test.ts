import type { Server } from 'node:http';
import request from 'supertest';
import { createOfficer } from '../helpers/auth';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { buildCapturingApp } from './helpers';

/**
 * What the service writes to its log (the real logger: redaction + masking hook, captured at
 * trace level) never contains a tip secret, a password, a session token or CSRF token, and
 * phone / ID numbers only masked — after driving every path that handles them: tips (named
 * and anonymous), tipster look-ups and messages with X-Tip-Secret (right and wrong), logins
 * (wrong and right passwords), officer accounts created and changed with passwords, web chat
 * messages and bookings with the numbers, and URLs carrying them.
 */

jest.setTimeout(120_000);

const PHONE = '13800138000';
const ID_NUMBER = '110101199003077777';
const PHONE_MASKED = '138****8000';
const ID_MASKED = '110101********7777';
const OFFICER_PASSWORD = 'Hpl-officer-pass-2025';
const WRONG_PASSWORDS = ['Wrong-guess-one-111', 'Wrong-guess-two-222'];
const NEW_PASSWORD = 'Brand-new-pass-2026';
const CREATED_PASSWORD = 'Created-pass-3030';

let rig: DemoServer;
let server: Server;
const { app, logs, logger: captured } = buildCapturingApp({ LOG_LEVEL: 'trace' });
const secrets: string[] = [];

beforeAll(async () => {
  // The claim is "at trace level": the capturing logger must really be at trace.
  expect(captured.level).toBe('trace');
  rig = await startDemoServer(app);
  server = rig.server;
  await createOfficer({ username: 'logs_hpl', rooms: ['HPL'], district: 'XH', password: OFFICER_PASSWORD });
  await createOfficer({ username: 'logs_admin', role: 'admin', password: OFFICER_PASSWORD });
}, 120_000);

afterAll(() => rig?.stop());

const api = () => request(server);

it('drives every path that handles secrets and personal numbers', async () => {
  // Logins: wrong passwords (unknown user too), then the right one.
  for (const password of WRONG_PASSWORDS) {
    expect((await api().post('/api/auth/login').send({ username: 'logs_hpl', password })).status).toBe(401);
    expect((await api().post('/api/auth/login').send({ username: 'nobody_here', password })).status).toBe(401);
  }
  const login = await api().post('/api/auth/login').send({ username: 'logs_hpl', password: OFFICER_PASSWORD });
  expect(login.status).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  secrets.push(cookie.slice('pr_session='.length), login.body.csrfToken);

  const adminLogin = await api().post('/api/auth/login').send({ username: 'logs_admin', password: OFFICER_PASSWORD });
  const adminCookie = String(adminLogin.headers['set-cookie']).split(';')[0];
  const adminCsrf = adminLogin.body.csrfToken as string;
  secrets.push(adminCookie.slice('pr_session='.length), adminCsrf);
  // Accounts created and changed with passwords.
  const created = await api().post('/api/officers').set('Cookie', adminCookie).set('X-CSRF-Token', adminCsrf).send({ username: 'logs_new', name: '新民警', rooms: ['HPL'], password: CREATED_PASSWORD, phone: PHONE });
  expect(created.status).toBe(201);
  const changed = await api().put(`/api/officers/${created.body.officer.id}`).set('Cookie', adminCookie).set('X-CSRF-Token', adminCsrf).send({ password: NEW_PASSWORD });
  expect(changed.status).toBe(200);
  expect((await api().post('/api/auth/login').send({ username: 'logs_new', password: NEW_PASSWORD })).status).toBe(200);
  // A password that fails validation is not echoed either.
  expect((await api().put(`/api/officers/${created.body.officer.id}`).set('Cookie', adminCookie).set('X-CSRF-Token', adminCsrf).send({ password: 'short1' })).status).toBe(400);

  // Tips: anonymous and named (with the phone number), with the numbers in the text.
  const tipText = `五号楼有人聚赌，组织者电话${PHONE}，身份证${ID_NUMBER}`;
  const anon = await api().post('/api/tips').send({ room: 'HPL', text: tipText, anonymous: true });
  const named = await api().post('/api/tips').send({ room: 'HPL', text: tipText, anonymous: false, contact: { name: '李四', phone: PHONE } });
  expect(anon.status).toBe(201);
  expect(named.status).toBe(201);
  for (const t of [anon.body, named.body]) {
    secrets.push(t.secret);
    expect((await api().get(`/api/tips/${t.code}`).set('X-Tip-Secret', t.secret)).status).toBe(200);
    expect((await api().get(`/api/tips/${t.code}`).set('X-Tip-Secret', `${t.secret}x`)).status).toBe(404);
    expect((await api().post(`/api/tips/${t.code}/messages`).set('X-Tip-Secret', t.secret).send({ text: `补充：他的手机 ${PHONE}` })).status).toBe(201);
    expect((await api().post(`/api/tips/${t.code}/rating`).set('X-Tip-Secret', t.secret).send({ rating: 1 })).status).toBe(409);
  }

  // The officer reads the tip (audited) and replies with the number in the text.
  const list = await api().get('/api/inbox?kind=tip').set('Cookie', cookie);
  expect(list.status).toBe(200);
  const tipItem = list.body.items[0];
  expect((await api().get(`/api/inbox/${tipItem.id}`).set('Cookie', cookie)).status).toBe(200);
  expect((await api().post(`/api/inbox/${tipItem.id}/notes`).set('Cookie', cookie).set('X-CSRF-Token', login.body.csrfToken).send({ text: `已核实 ${ID_NUMBER}` })).status).toBe(201);

  // Web chat with the numbers, in several spellings.
  let conversationId: string | undefined;
  for (const text of [`我的电话是${PHONE}`, `身份证号${ID_NUMBER}丢了怎么办`, '电话 138 0013 8000', `+86 ${PHONE} 请回电`, `我要举报，电话${PHONE}`]) {
    const res = await api().post('/api/chat/messages').send({ room: 'HPL', text, ...(conversationId ? { conversationId } : {}) });
    expect(res.status).toBe(200);
    conversationId = res.body.conversationId;
  }

  // A booking with the number, then look-up / cancel by code + number, and numbers in URLs.
  const slots = await api().get('/api/rooms/HPL/slots?service=hukou_item_change&days=14');
  const slot = (slots.body.data as Array<{ start: string; remaining: number }>).find((s) => s.remaining > 0)!;
  const booked = await api().post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', start: slot.start, name: '王芳', phone: PHONE, materialsConfirmed: true });
  expect(booked.status).toBe(201);
  expect((await api().get(`/api/appointments/${booked.body.code}?phone=${PHONE}`)).status).toBe(200);
  expect((await api().post(`/api/appointments/${booked.body.code}/cancel`).send({ phone: PHONE })).status).toBe(200);
  expect((await api().get(`/api/appointments/${PHONE}?phone=${PHONE}`)).status).toBeGreaterThanOrEqual(400);
  expect((await api().get(`/api/tips/${ID_NUMBER}`).set('X-Tip-Secret', anon.body.secret)).status).toBe(404);
  expect((await api().get(`/api/chat/conversations/${ID_NUMBER}/messages`)).status).toBe(400);
  // A bad booking (validation error naming the field) with the numbers.
  expect((await api().post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', start: 'x'.repeat(12), name: ID_NUMBER, phone: PHONE })).status).toBeGreaterThanOrEqual(400);

  expect(logs.lines().length).toBeGreaterThan(40);
});

it('never writes a tip secret, a password, a session token or a CSRF token', () => {
  const text = logs.text();
  const passwords = [OFFICER_PASSWORD, NEW_PASSWORD, CREATED_PASSWORD, 'short1', ...WRONG_PASSWORDS];
  expect(secrets.length).toBeGreaterThanOrEqual(6);
  expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  expect(passwords.filter((p) => text.includes(p))).toEqual([]);
  // Nor under a recognisable key with any value but the redaction marker.
  for (const line of logs.lines()) {
    const flat = JSON.stringify(line);
    expect(flat).not.toMatch(/"(password|secret|x-tip-secret|cookie|x-csrf-token)":"(?!\[redacted\])/i);
  }
});

it('writes phone and ID numbers only masked', () => {
  const text = logs.text();
  expect(text).not.toContain(PHONE);
  expect(text).not.toContain(ID_NUMBER);
  expect(text).not.toContain('138 0013 8000');
  // No unmasked mobile or 18-digit ID number of any kind.
  expect(text.match(/(?<!\d)1[3-9]\d{9}(?!\d)/g) ?? []).toEqual([]);
  expect(text.match(/(?<!\d)\d{17}[\dXx](?!\d)/g) ?? []).toEqual([]);
  // The URLs carrying them were logged (access log), masked.
  expect(text).toContain(`/api/appointments/${PHONE_MASKED}`);
  expect(text).toContain(`/api/tips/${ID_MASKED}`);
});

it('masks whatever a careless log call passes (the hook is on the output stream, not on known fields)', () => {
  const own = buildCapturingApp();
  own.logger.child({ reqId: 'careless' }).warn({ deep: { deeper: { text: `电话${PHONE} 身份证${ID_NUMBER}` } }, secret: 'top-secret-value', tip: { secret: 'nested-secret-value' } }, `message ${PHONE}`);
  const written = own.logs.text();
  expect(written).toContain(PHONE_MASKED);
  expect(written).toContain(ID_MASKED);
  expect(written).not.toContain(PHONE);
  expect(written).not.toContain(ID_NUMBER);
  expect(written).not.toContain('top-secret-value');
  expect(written).not.toContain('nested-secret-value');
});
