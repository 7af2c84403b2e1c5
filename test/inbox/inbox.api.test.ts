import type Koa from 'koa';
import request from 'supertest';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { seedAll } from '../../src/modules/seed/seed.service';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { ItemClaimModel } from '../../src/modules/inbox/item-claim.model';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { AuditModel } from '../../src/modules/audit/audit.model';
import { LiveEventModel } from '../../src/modules/live/live-event.model';
import { QueueRowModel } from '../../src/modules/items/queue.model';
import { resetQueueSync } from '../../src/modules/items/queue.service';
import { onItemResolved } from '../../src/modules/inbox/inbox.events';
import { submitTip } from '../../src/modules/tips/tip.service';
import { buildClockedApp, makeItem, signIn } from './fixtures';

type Session = Awaited<ReturnType<typeof signIn>>;

let db: TestDatabase;
const clock = { now: new Date('2025-03-03T02:00:00Z') };
let app: Koa;
let zhang: Session; // HPL officer
let li: Session; // HPL officer
let wang: Session; // LSC officer
let chen: Session; // supervisor, district XH
let root: Session; // admin

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  app = buildClockedApp(clock, { CLAIM_LEASE_MINUTES: '30' });
  zhang = await signIn(app, 't_zhang', { username: 't_zhang', name: '张伟', rooms: ['HPL'] });
  li = await signIn(app, 't_li', { username: 't_li', name: '李娜', rooms: ['HPL'] });
  wang = await signIn(app, 't_wang', { username: 't_wang', name: '王强', rooms: ['LSC'] });
  chen = await signIn(app, 't_chen', { username: 't_chen', name: '陈杰', role: 'supervisor', district: 'XH' });
  root = await signIn(app, 't_root', { username: 't_root', name: '管理员', role: 'admin' });
});
afterAll(async () => db.stop());
beforeEach(async () => {
  resetQueueSync();
  clock.now = new Date('2025-03-03T02:00:00Z');
  await Promise.all([ItemModel, ItemMessageModel, ItemClaimModel, OutboxModel, AuditModel, LiveEventModel, QueueRowModel].map((m) => (m as unknown as { deleteMany(f: object): Promise<unknown> }).deleteMany({})));
});

const post = (s: Session, path: string, body: object = {}) => s.agent.post(path).set('X-CSRF-Token', s.csrf).send(body);

describe('GET /api/inbox', () => {
  it('asks for a login', async () => {
    const res = await request(app.callback()).get('/api/inbox').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('shows an officer only the items of their rooms, a supervisor the district, an admin everything', async () => {
    await makeItem({ room: 'HPL', now: clock.now });
    await makeItem({ room: 'LSC', now: clock.now });
    const mine = await zhang.agent.get('/api/inbox').expect(200);
    expect(mine.body.items.map((i: { room: string }) => i.room)).toEqual(['HPL']);
    const sup = await chen.agent.get('/api/inbox').expect(200);
    expect(sup.body.items).toHaveLength(2);
    const all = await root.agent.get('/api/inbox').expect(200);
    expect(all.body.items).toHaveLength(2);
  });

  it('lists a new item at once, however recently the list was read', async () => {
    await makeItem({ room: 'HPL', text: '楼道堆放杂物' });
    expect((await zhang.agent.get('/api/inbox').expect(200)).body.items).toHaveLength(1);
    // A second item right after the list was read: its creator wrote its queue row.
    const second = await makeItem({ room: 'HPL', text: '小区门口有人发小广告' });
    expect(await QueueRowModel.exists({ _id: second._id })).toBeTruthy();
    const codes = (await zhang.agent.get('/api/inbox').expect(200)).body.items.map((i: { code: string }) => i.code);
    expect(codes).toContain(second.code);
  });

  it('refuses a filter on another room with 403', async () => {
    const res = await zhang.agent.get('/api/inbox?room=LSC').expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('filters by kind, status, mine and SLA breach, highest priority first', async () => {
    const q = await makeItem({ room: 'HPL', kind: 'question', now: clock.now });
    const e = await makeItem({ room: 'HPL', kind: 'emergency', now: new Date(clock.now.getTime() + 1000) });
    await makeItem({ room: 'HPL', kind: 'dispute', now: clock.now });
    const list = await zhang.agent.get('/api/inbox').expect(200);
    expect(list.body.items[0].id).toBe(String(e._id));
    expect(list.body.items.map((i: { kind: string }) => i.kind)).toEqual(['emergency', 'dispute', 'question']);
    expect((await zhang.agent.get('/api/inbox?kind=question')).body.items.map((i: { id: string }) => i.id)).toEqual([String(q._id)]);

    await post(zhang, `/api/inbox/${q._id}/claim`).expect(200);
    expect((await zhang.agent.get('/api/inbox?mine=true')).body.items.map((i: { id: string }) => i.id)).toEqual([String(q._id)]);
    expect((await li.agent.get('/api/inbox?mine=true')).body.items).toEqual([]);
    expect((await zhang.agent.get('/api/inbox?status=claimed')).body.items).toHaveLength(1);

    clock.now = new Date(clock.now.getTime() + 10 * 60_000); // emergency SLA is 5 minutes
    const breached = await zhang.agent.get('/api/inbox?breached=true').expect(200);
    expect(breached.body.items.map((i: { id: string }) => i.id)).toEqual([String(e._id)]);
    expect(breached.body.items[0].sla.overdue).toBe(true);
  });

  it('rejects bad filters with 400', async () => {
    const res = await zhang.agent.get('/api/inbox?status=whatever&kind=x').expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('never sends contact details, secrets or origin ids in the list', async () => {
    await submitTip({ room: 'HPL', text: '举报：小区地下室有人聚众赌博，电话13812345678', anonymous: false, contact: { name: '王先生', phone: '13812345678' } });
    const res = await zhang.agent.get('/api/inbox').expect(200);
    const json = JSON.stringify(res.body);
    expect(json).not.toContain('13812345678');
    expect(json).not.toMatch(/secretHash|contact|conversationId/);
  });
});

describe('claims and leases', () => {
  it('claims exclusively: the second officer gets 409', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    const res = await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    expect(res.body.item).toMatchObject({ status: 'claimed', assignee: { id: zhang.id, isMe: true }, leaseLive: true });
    const again = await post(li, `/api/inbox/${item._id}/claim`).expect(409);
    expect(again.body.error.code).toBe('already_claimed');
    expect(await ItemClaimModel.countDocuments({ item: item._id })).toBe(1);
  });

  it('lets another officer take over once the lease has expired (injected clock), exclusively', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    clock.now = new Date(clock.now.getTime() + 29 * 60_000);
    await post(li, `/api/inbox/${item._id}/claim`).expect(409);
    clock.now = new Date(clock.now.getTime() + 2 * 60_000);
    const taken = await post(li, `/api/inbox/${item._id}/claim`).expect(200);
    expect(taken.body.item.assignee.id).toBe(li.id);
    const thread = await ItemMessageModel.find({ item: item._id, kind: 'event' }).lean();
    expect(thread.map((m) => m.text).join('\n')).toContain('接管');
    expect(await AuditModel.countDocuments({ action: 'item.takeover', item: item._id })).toBe(1);
    // the old holder can no longer release it
    const res = await post(zhang, `/api/inbox/${item._id}/release`).expect(403);
    expect(res.body.error.code).toBe('not_holder');
  });

  it('an expired lease puts the item back in "next"', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, '/api/inbox/next').expect(200);
    expect((await post(li, '/api/inbox/next').expect(200)).body.item).toBeNull();
    clock.now = new Date(clock.now.getTime() + 31 * 60_000);
    const next = await post(li, '/api/inbox/next').expect(200);
    expect(next.body.item.id).toBe(String(item._id));
  });

  it('"next" takes the highest priority, then the oldest, only in the officer\'s rooms', async () => {
    const old = await makeItem({ room: 'HPL', kind: 'question', now: new Date(clock.now.getTime() - 60_000) });
    const tip = await makeItem({ room: 'HPL', kind: 'dispute', now: clock.now });
    await makeItem({ room: 'LSC', kind: 'emergency', now: clock.now });
    expect((await post(zhang, '/api/inbox/next')).body.item.id).toBe(String(tip._id));
    expect((await post(zhang, '/api/inbox/next')).body.item.id).toBe(String(old._id));
    expect((await post(zhang, '/api/inbox/next')).body.item).toBeNull();
  });

  it('release is for the holder; a supervisor may force it', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    await post(li, `/api/inbox/${item._id}/release`).expect(403);
    await post(chen, `/api/inbox/${item._id}/release`).expect(403);
    const forced = await post(chen, `/api/inbox/${item._id}/release`, { force: true }).expect(200);
    expect(forced.body.item).toMatchObject({ status: 'new', assignee: null });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    await post(zhang, `/api/inbox/${item._id}/release`).expect(200);
  });

  it('an officer of another room gets 403 on every item endpoint, and the refusal is audited', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    const base = `/api/inbox/${item._id}`;
    await wang.agent.get(base).expect(403);
    for (const action of ['claim', 'release', 'resolve', 'reopen']) await post(wang, `${base}/${action}`).expect(403);
    await post(wang, `${base}/transfer`, { officerId: wang.id }).expect(403);
    await post(wang, `${base}/reply`, { text: '你好' }).expect(403);
    await post(wang, `${base}/notes`, { text: '备注' }).expect(403);
    await wang.agent.put(`${base}/labels`).set('X-CSRF-Token', wang.csrf).send({ labels: ['x'] }).expect(403);
    expect(await AuditModel.countDocuments({ action: 'access.denied', officerUsername: 't_wang' })).toBe(9);
    expect((await ItemModel.findById(item._id).lean())!.status).toBe('new');
  });

  it('hides tips of other rooms as 404', async () => {
    const { item } = await submitTip({ room: 'HPL', text: '有人在小区里贩卖假烟', anonymous: true });
    const res = await wang.agent.get(`/api/inbox/${item._id}`).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('requires the CSRF token for changes', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    const res = await zhang.agent.post(`/api/inbox/${item._id}/claim`).send({}).expect(403);
    expect(res.body.error.code).toBe('csrf_failed');
  });

  it('answers 404 for unknown and malformed ids', async () => {
    await zhang.agent.get('/api/inbox/65f000000000000000000000').expect(404);
    await zhang.agent.get('/api/inbox/not-an-id').expect(404);
  });
});

describe('resolve, reopen, transfer, labels', () => {
  it('resolves (holder only), calls onItemResolved once, and reopens', async () => {
    const seen: string[] = [];
    const off = onItemResolved(async (item) => {
      seen.push(`${item.code}:${item.status}`);
    });
    try {
      const item = await makeItem({ room: 'HPL', now: clock.now });
      await post(zhang, `/api/inbox/${item._id}/resolve`).expect(403); // not claimed yet
      await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
      await post(li, `/api/inbox/${item._id}/resolve`).expect(403);
      const resolved = await post(zhang, `/api/inbox/${item._id}/resolve`).expect(200);
      expect(resolved.body.item).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
      expect(seen).toEqual([`${item.code}:resolved`]);
      await post(zhang, `/api/inbox/${item._id}/resolve`).expect(409);

      const reopened = await post(li, `/api/inbox/${item._id}/reopen`).expect(200);
      expect(reopened.body.item).toMatchObject({ status: 'claimed', reopenCount: 1, assignee: { id: li.id }, resolvedAt: null });
      await post(li, `/api/inbox/${item._id}/reopen`).expect(409);
      expect(await AuditModel.countDocuments({ item: item._id, action: { $in: ['item.claim', 'item.resolve', 'item.reopen'] } })).toBe(3);
      expect(await LiveEventModel.countDocuments({ item: item._id })).toBeGreaterThanOrEqual(3);
    } finally {
      off();
    }
  });

  it('a supervisor may force a resolve', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    await post(chen, `/api/inbox/${item._id}/resolve`, { force: true }).expect(200);
  });

  it('transfers to an officer of the room, not to one of another room', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    const bad = await post(zhang, `/api/inbox/${item._id}/transfer`, { officerId: wang.id }).expect(400);
    expect(bad.body.error.code).toBe('target_not_in_room');
    await post(zhang, `/api/inbox/${item._id}/transfer`, { officerId: 'nope' }).expect(400);
    const ok = await post(zhang, `/api/inbox/${item._id}/transfer`, { officerId: li.id }).expect(200);
    expect(ok.body.item.assignee.id).toBe(li.id);
    // now zhang is no longer the holder
    await post(zhang, `/api/inbox/${item._id}/transfer`, { officerId: zhang.id }).expect(403);
    const detail = await li.agent.get(`/api/inbox/${item._id}`).expect(200);
    expect(detail.body.item.transferTargets.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['张伟', '李娜', '陈杰']));
    expect(detail.body.item.thread.some((m: { text: string }) => m.text.includes('转交给 李娜'))).toBe(true);
  });

  it('sets labels and validates them', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    const ok = await zhang.agent.put(`/api/inbox/${item._id}/labels`).set('X-CSRF-Token', zhang.csrf).send({ labels: ['户籍', '户籍', '加急'] }).expect(200);
    expect(ok.body.item.labels).toEqual(['户籍', '加急']);
    await zhang.agent.put(`/api/inbox/${item._id}/labels`).set('X-CSRF-Token', zhang.csrf).send({ labels: ['<b>'] }).expect(400);
  });
});

describe('replies and notes', () => {
  it('queues a private WeChat reply with the right address, sets firstResponseAt and waits for the resident', async () => {
    const item = await makeItem({
      room: 'HPL',
      now: clock.now,
      origin: { channel: 'wechat', conversationId: 'wxid_resident1', senderId: 'wxid_resident1', isGroup: false, account: 'bot-a' },
    });
    const res = await post(zhang, `/api/inbox/${item._id}/reply`, { text: '您好，请携带出生医学证明和户口簿到警务室办理。' }).expect(201);
    expect(res.body.item).toMatchObject({ status: 'waiting', assignee: { id: zhang.id }, firstResponseAt: clock.now.toISOString() });
    expect(res.body.delivery).toEqual({ channel: 'wechat', status: 'queued', isGroup: false });
    const [out] = await OutboxModel.find({ item: item._id }).lean();
    expect(out).toMatchObject({
      key: `reply:${res.body.message.id}`,
      channel: 'wechat',
      conversationId: 'wxid_resident1',
      isGroup: false,
      mentionId: null,
      account: 'bot-a',
      text: '您好，请携带出生医学证明和户口簿到警务室办理。',
    });
    // A second reply keeps firstResponseAt and is queued after the first.
    clock.now = new Date(clock.now.getTime() + 60_000);
    await post(zhang, `/api/inbox/${item._id}/reply`, { text: '第二条' }).expect(201);
    const all = await OutboxModel.find({ item: item._id }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(all.map((m) => m.text)).toEqual(['您好，请携带出生医学证明和户口簿到警务室办理。', '第二条']);
    expect((await ItemModel.findById(item._id).lean())!.firstResponseAt!.toISOString()).toBe('2025-03-03T02:00:00.000Z');
  });

  it('replies in a group with a mention, and refuses personal data there with a clear 400', async () => {
    const item = await makeItem({
      room: 'HPL',
      now: clock.now,
      origin: { channel: 'wechat', conversationId: 'room_123@chatroom', senderId: 'wxid_g1', senderName: '老王', isGroup: true },
    });
    const refused = await post(zhang, `/api/inbox/${item._id}/reply`, { text: '请拨打13812345678联系我' }).expect(400);
    expect(refused.body.error.code).toBe('personal_data_in_group');
    expect(refused.body.error.message).toContain('私聊');
    expect(await OutboxModel.countDocuments({})).toBe(0);
    await post(zhang, `/api/inbox/${item._id}/reply`, { text: '请私聊警务室小助手，我们详细为您解答。' }).expect(201);
    const [out] = await OutboxModel.find({ item: item._id }).lean();
    expect(out).toMatchObject({ conversationId: 'room_123@chatroom', isGroup: true, mentionId: 'wxid_g1' });
  });

  it('stores replies to anonymous tips in the thread only', async () => {
    const { item } = await submitTip({ room: 'HPL', text: '我要举报小区里有人聚众赌博', anonymous: true });
    const res = await post(zhang, `/api/inbox/${item._id}/reply`, { text: '已收到，我们会尽快核查。' }).expect(201);
    expect(res.body.delivery).toBeNull();
    expect(await OutboxModel.countDocuments({})).toBe(0);
  });

  it('refuses a reply while another officer holds the item, and on resolved items', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    await post(li, `/api/inbox/${item._id}/reply`, { text: '你好' }).expect(409);
    await post(zhang, `/api/inbox/${item._id}/resolve`).expect(200);
    const res = await post(zhang, `/api/inbox/${item._id}/reply`, { text: '你好' }).expect(409);
    expect(res.body.error.code).toBe('item_closed');
  });

  it('validates reply and note text', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/reply`, { text: '   ' }).expect(400);
    await post(zhang, `/api/inbox/${item._id}/reply`, { text: 'x'.repeat(2001) }).expect(400);
    await post(zhang, `/api/inbox/${item._id}/notes`, {}).expect(400);
  });

  it('keeps internal notes out of the outbox and shows them in the thread', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now, origin: { channel: 'web', conversationId: 'web-abc', isGroup: false } });
    await post(li, `/api/inbox/${item._id}/notes`, { text: '此人上周也来问过' }).expect(201);
    expect(await OutboxModel.countDocuments({})).toBe(0);
    const detail = await zhang.agent.get(`/api/inbox/${item._id}`).expect(200);
    const kinds = detail.body.item.thread.map((m: { kind: string; author: string }) => `${m.author}:${m.kind}`);
    expect(kinds).toEqual(['resident:message', 'officer:note']);
    expect(detail.body.item.thread[1].officer.name).toBe('李娜');
    expect(detail.body.item.status).toBe('new');
  });
});

describe('thread view and audit', () => {
  it('shows a tip with contact to officers of the room and records the view', async () => {
    const { item } = await submitTip({ room: 'HPL', text: '楼下有人卖假药', anonymous: false, contact: { name: '赵女士', phone: '13900001111' } });
    // State changes rewrite the item whole: the contact and the secret's hash must survive them.
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    await post(zhang, `/api/inbox/${item._id}/release`).expect(200);
    expect((await ItemModel.findById(item._id).select('+secretHash').lean())!.secretHash).toMatch(/^\$argon2id\$/);
    const res = await zhang.agent.get(`/api/inbox/${item._id}`).expect(200);
    expect(res.body.item.contact).toEqual({ name: '赵女士', phone: '13900001111' });
    expect(JSON.stringify(res.body)).not.toContain('secretHash');
    expect(await AuditModel.countDocuments({ action: 'tip.view', item: item._id, officerUsername: 't_zhang' })).toBe(1);
    await zhang.agent.get('/api/inbox').expect(200);
    const listed = await AuditModel.findOne({ action: 'tip.list', officerUsername: 't_zhang' }).lean();
    expect(listed!.itemCodes).toEqual([item.code]);
  });

  it('GET /api/audit is for supervisors and admins, scoped to the district', async () => {
    const item = await makeItem({ room: 'HPL', now: clock.now });
    await post(zhang, `/api/inbox/${item._id}/claim`).expect(200);
    await zhang.agent.get('/api/audit').expect(403);
    const sup = await chen.agent.get(`/api/audit?item=${item._id}`).expect(200);
    expect(sup.body.entries[0]).toMatchObject({ action: 'item.claim', actionLabel: '领取', actor: { kind: 'officer', name: '张伟' }, itemCode: item.code });
    await root.agent.get('/api/audit?limit=5').expect(200);
    await chen.agent.get('/api/audit?limit=0').expect(400);
  });
});

describe('canned replies', () => {
  it('are kept per room and limited to the room\'s officers', async () => {
    const created = await post(zhang, '/api/inbox/canned', { room: 'HPL', title: '新生儿落户', text: '请携带出生医学证明、户口簿、父母身份证。' }).expect(201);
    await post(wang, '/api/inbox/canned', { room: 'HPL', title: 'x', text: 'y' }).expect(403);
    expect((await li.agent.get('/api/inbox/canned').expect(200)).body.cannedReplies.map((c: { title: string }) => c.title)).toContain('新生儿落户');
    expect((await wang.agent.get('/api/inbox/canned').expect(200)).body.cannedReplies).toEqual([]);
    await wang.agent.delete(`/api/inbox/canned/${created.body.cannedReply.id}`).set('X-CSRF-Token', wang.csrf).expect(403);
    await zhang.agent.delete(`/api/inbox/canned/${created.body.cannedReply.id}`).set('X-CSRF-Token', zhang.csrf).expect(200);
  });
});
