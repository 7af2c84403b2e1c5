import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildTestApp } from '../helpers/app';
import { seedAll } from '../../src/modules/seed/seed.service';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { submitTip } from '../../src/modules/tips/tip.service';
import { createItem } from '../../src/modules/items/item.service';

/** POST /api/status: a booking number, item code or tip code (+ secret) → where it stands and the next step. */
let db: TestDatabase;
const { app } = buildTestApp();
const http = () => request(app.callback());

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(() => db.stop());

it('tells a resident where a booking stands, with the next step, and never the name or mobile number', async () => {
  const { services } = (await http().get('/api/services')).body as { services: { key: string; bookable: boolean }[] };
  const service = services.find((s) => s.bookable)!;
  const slots = (await http().get(`/api/rooms/HPL/slots?service=${service.key}`)).body as { days: { slots: { start: string; remaining: number }[] }[] };
  const slot = slots.days.flatMap((d) => d.slots).find((s) => s.remaining > 0)!;
  const booked = await http().post('/api/appointments').send({ room: 'HPL', service: service.key, start: slot.start, name: '王秀兰', phone: '13912345678', materialsConfirmed: true });
  expect(booked.status).toBe(201);

  const res = await http().post('/api/status').send({ code: booked.body.code.toLowerCase() });
  expect(res.status).toBe(200);
  expect(res.body.status).toMatchObject({ kind: 'appointment', code: booked.body.code, state: '已预约', link: { href: '/book/' } });
  expect(res.body.status.nextStep).toContain('带齐材料');
  expect(res.body.status.facts.map((f: { label: string }) => f.label)).toEqual(['事项', '时间', '地点']);
  const text = JSON.stringify(res.body);
  expect(text).not.toContain('王秀兰');
  expect(text).not.toContain('13912345678');
});

it('shows an item by its code, but never a tip without its secret; a tip look-up is audited and shows no thread', async () => {
  const item = await createItem({ room: 'HPL', kind: 'question', text: '我想把户口迁到和平里，需要什么材料？', origin: { channel: 'web', conversationId: 'x'.repeat(22) } });
  const res = await http().post('/api/status').send({ code: item.code });
  expect(res.status).toBe(200);
  expect(res.body.status).toMatchObject({ kind: 'item', code: item.code, state: '待处理' });
  expect(res.body.status.nextStep).toContain('民警会尽快处理');
  expect(JSON.stringify(res.body)).not.toContain('户口迁到');

  const tip = await submitTip({ room: 'HPL', text: '3号楼地下室有人聚众赌博', anonymous: true, contact: null, origin: null });
  const noSecret = await http().post('/api/status').send({ code: tip.code });
  expect(noSecret.status).toBe(400);
  expect(noSecret.body.error.code).toBe('secret_required');
  const wrong = await http().post('/api/status').send({ code: tip.code, secret: 'AAAA-BBBB-CCCC-DDDD-EEEE' });
  expect(wrong.status).toBe(404);
  expect(wrong.body.error.code).toBe('tip_not_found');
  expect(await AuditModel.countDocuments({ action: 'tip.tipster_view', itemCode: tip.code })).toBe(0);

  const ok = await http().post('/api/status').send({ code: tip.code, secret: tip.secret });
  expect(ok.status).toBe(200);
  expect(ok.body.status).toMatchObject({ kind: 'tip', code: tip.code, state: '待处理', link: { href: '/tips/' } });
  expect(JSON.stringify(ok.body)).not.toContain('赌博');
  expect(await AuditModel.countDocuments({ action: 'tip.tipster_view', itemCode: tip.code })).toBe(1);
});

it('answers an unknown or malformed code with a clear 4xx in the JSON error shape', async () => {
  const unknown = await http().post('/api/status').send({ code: 'Y2345678' });
  expect(unknown.status).toBe(404);
  expect(unknown.body.error).toEqual({ code: 'not_found', message: expect.stringContaining('没有找到这个编号') });
  // A code typed with a character codes never use (1 for I, 0 for O) says so, not just "not found".
  const typo = await http().post('/api/status').send({ code: 'y1234567' });
  expect(typo.status).toBe(400);
  expect(typo.body.error).toEqual({ code: 'invalid_code', message: expect.stringContaining('“Y1234567”不是有效的编号：编号中没有数字0、1和字母O、I、L') });
  const empty = await http().post('/api/status').send({ code: '' });
  expect(empty.status).toBe(400);
  expect(empty.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
});
