import request from 'supertest';
import { recordBotState } from '../../src/modules/bot-status/bot-status.service';
import { BotStatusModel } from '../../src/modules/bot-status/bot-status.model';
import { handleBindCommand } from '../../src/modules/groups/group.service';
import { FaqModel } from '../../src/modules/faq/faq.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { FAQ_SEED } from '../../src/understanding/faq-seed';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
const { app } = buildTestApp();

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'admin1', role: 'admin' });
  await createOfficer({ username: 'officer1', role: 'officer', rooms: ['HPL'], district: 'XH' });
});
afterAll(async () => db.stop());

describe('/api/faq', () => {
  it('is closed to anonymous users and to non-admins', async () => {
    expect((await request(app.callback()).get('/api/faq')).status).toBe(401);
    const { agent } = await login(app, 'officer1');
    expect((await agent.get('/api/faq')).status).toBe(403);
  });

  it('lets an admin list (seeded from FAQ_SEED), create, update and delete entries', async () => {
    const { agent, csrf } = await login(app, 'admin1');
    const list = await agent.get('/api/faq').expect(200);
    expect(list.body.total).toBe(FAQ_SEED.length);
    expect(list.body.faq[0]).toEqual(expect.objectContaining({ id: expect.any(String), question: expect.any(String), answer: expect.any(String) }));

    const bad = await agent.post('/api/faq').set('X-CSRF-Token', csrf).send({ question: '', answer: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');

    const created = await agent
      .post('/api/faq')
      .set('X-CSRF-Token', csrf)
      .send({ id: 'bike-plate', question: '电动车上牌去哪里办？', answer: '电动车登记上牌请到交警部门指定的登记点办理。', keywords: ['上牌', '电动车'] })
      .expect(201);
    expect(created.body.faq).toMatchObject({ id: 'bike-plate', service: null, active: true });
    expect((await agent.post('/api/faq').set('X-CSRF-Token', csrf).send({ id: 'bike-plate', question: 'q', answer: 'a' })).status).toBe(409);

    const updated = await agent.put('/api/faq/bike-plate').set('X-CSRF-Token', csrf).send({ answer: '请到交警大队车管所或指定登记点办理。' }).expect(200);
    expect(updated.body.faq.answer).toBe('请到交警大队车管所或指定登记点办理。');
    expect((await agent.put('/api/faq/bike-plate').send({ answer: 'x' })).status).toBe(403); // CSRF
    await agent.delete('/api/faq/bike-plate').set('X-CSRF-Token', csrf).expect(204);
    expect((await agent.get('/api/faq/bike-plate')).status).toBe(404);
    expect(await FaqModel.countDocuments({})).toBe(FAQ_SEED.length);
  });
});

describe('/api/groups/bind-codes', () => {
  it('gives an admin a one-time code that binds a group once', async () => {
    const { agent, csrf } = await login(app, 'admin1');
    const res = await agent.post('/api/groups/bind-codes').set('X-CSRF-Token', csrf).send({ room: 'LSC' }).expect(201);
    const { code, command } = res.body.bindCode;
    expect(command).toBe(`绑定 LSC ${code}`);
    const now = new Date();
    const first = await handleBindCommand({ groupId: 'g-1', senderId: 'wxid_anyone', text: command, now });
    expect(first?.bound).toBe('LSC');
    const second = await handleBindCommand({ groupId: 'g-2', senderId: 'wxid_anyone', text: command, now });
    expect(second?.bound).toBeNull();
    expect(second?.reply).toMatch(/已使用|无效/);
    const groups = await agent.get('/api/groups').expect(200);
    expect(groups.body.groups).toEqual([expect.objectContaining({ groupId: 'g-1', room: 'LSC', boundVia: 'code' })]);
  });

  it('refuses officers and unknown rooms', async () => {
    const { agent, csrf } = await login(app, 'officer1');
    expect((await agent.post('/api/groups/bind-codes').set('X-CSRF-Token', csrf).send({ room: 'HPL' })).status).toBe(403);
    const admin = await login(app, 'admin1');
    expect((await admin.agent.post('/api/groups/bind-codes').set('X-CSRF-Token', admin.csrf).send({ room: 'NOPE' })).status).toBe(404);
  });
});

describe('/api/bot/status', () => {
  it('shows admins the bot state; a stopped heartbeat reads as offline', async () => {
    await recordBotState('警务室小助手', { state: 'waiting_for_scan', qrUrl: 'https://wechaty.js.org/qrcode/abc', heartbeatSeconds: 30 });
    const { agent } = await login(app, 'admin1');
    const res = await agent.get('/api/bot/status').expect(200);
    expect(res.body.bots[0]).toMatchObject({ bot: '警务室小助手', state: 'waiting_for_scan', stateLabel: '等待扫码登录', qrUrl: expect.stringContaining('qrcode') });
    await BotStatusModel.updateOne({ bot: '警务室小助手' }, { $set: { state: 'logged_in', lastHeartbeatAt: new Date(Date.now() - 10 * 60_000) } });
    const stale = await agent.get('/api/bot/status').expect(200);
    expect(stale.body.bots[0].state).toBe('offline');
    const officer = await login(app, 'officer1');
    expect((await officer.agent.get('/api/bot/status')).status).toBe(403);
  });
});
