import request from 'supertest';
import { seedAll } from '../../src/modules/seed/seed.service';
import { ItemMessageModel, ItemModel } from '../../src/modules/items/item.model';
import { createItem } from '../../src/modules/items/item.service';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { ConversationStateModel } from '../../src/modules/conversations/conversation-state.model';
import { getFlow } from '../../src/modules/conversations/flows';
import { createApp } from '../../src/http/app';
import { buildTestApp, testConfig, testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
const { app } = buildTestApp({ CHAT_RATE_CONVERSATION_PER_MIN: '40', CHAT_RATE_IP_PER_MIN: '1000' });
const server = () => app.callback();

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
});
afterAll(async () => db.stop());

async function say(text: string, conversationId?: string, room = 'HPL') {
  const res = await request(server()).post('/api/chat/messages').send({ room, conversationId, text });
  expect(res.status).toBe(200);
  return res.body as { conversationId: string; replies: Array<{ text: string; options?: Array<{ label: string; value: string }> }> };
}
const allText = (r: { replies: Array<{ text: string }> }) => r.replies.map((x) => x.text).join('\n');

describe('POST /api/chat/messages — validation', () => {
  it('rejects a missing or empty text with the standard error shape', async () => {
    const res = await request(server()).post('/api/chat/messages').send({ room: 'HPL', text: '   ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/请求内容有误/);
  });

  it('404s an unknown room', async () => {
    const res = await request(server()).post('/api/chat/messages').send({ room: 'NOPE', text: '你好' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('room_not_found');
  });

  it('400s a malformed conversation id and 404s an unknown one', async () => {
    const bad = await request(server()).post('/api/chat/messages').send({ room: 'HPL', conversationId: '../etc', text: '你好' });
    expect(bad.status).toBe(400);
    const unknown = await request(server()).post('/api/chat/messages').send({ room: 'HPL', conversationId: 'A'.repeat(22), text: '你好' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('conversation_not_found');
  });
});

describe('web chat conversations', () => {
  it('greets with the menu and issues an unguessable conversation id', async () => {
    const a = await say('你好');
    const b = await say('你好');
    expect(a.conversationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.conversationId).not.toBe(b.conversationId);
    expect(a.replies[0].text).toContain('和平里社区警务室');
    expect(a.replies[0].options?.map((o) => o.label)).toContain('办事指南');
    const again = await say('谢谢', a.conversationId);
    expect(again.conversationId).toBe(a.conversationId);
  });

  it('answers a service question from the catalog with materials and the room hours', async () => {
    const r = await say('孩子刚出生怎么上户口？');
    const text = allText(r);
    expect(text).toContain('出生登记');
    expect(text).toContain('出生医学证明');
    expect(text).toContain('周一至周五');
    expect(r.replies.flatMap((x) => x.options ?? []).some((o) => o.value.includes('预约'))).toBe(true);
  });

  it('lists the 21 services from the menu and answers a picked one', async () => {
    const menu = await say('办事指南');
    expect(menu.replies[0].options).toHaveLength(21);
    const picked = await say(menu.replies[0].options![12].value, menu.conversationId);
    expect(allText(picked)).toContain('临时居民身份证');
    expect(allText(picked)).toContain('工本费10元');
  });

  it('answers the room info', async () => {
    const r = await say('警务室几点开门？地址在哪');
    const text = allText(r);
    expect(text).toContain('和平里街道');
    expect(text).toContain('18日');
  });

  it('puts an emergency first: numbers, not-an-emergency-line, and a flagged item for the room', async () => {
    const r = await say('有人在撬我家门！快来');
    expect(r.replies[0].text).toMatch(/110/);
    expect(r.replies[0].text).toContain('本平台不是报警渠道');
    const item = await ItemModel.findOne({ kind: 'emergency', room: 'HPL', 'origin.conversationId': r.conversationId }).lean();
    expect(item).toBeTruthy();
    expect(item!.flagged).toBe(true);
    expect(r.replies[0].text).toContain(item!.code);
  });

  it('answers fire with 119 and fraud in progress with 96110', async () => {
    expect(allText(await say('着火了！楼道里好大的烟'))).toMatch(/119/);
    expect(allText(await say('对方冒充公安让我往安全账户转账，我正在转'))).toMatch(/96110/);
  });

  it('collects a dispute over several turns, creates an item with a code, and joins later messages to its thread', async () => {
    const first = await say('我要反映邻里纠纷');
    expect(allText(first)).toMatch(/具体情况/);
    const cid = first.conversationId;
    const second = await say('楼上每天半夜剁东西，已经持续一个多月了', cid);
    expect(allText(second)).toMatch(/哪里/);
    const third = await say('和平里小区3号楼', cid);
    const code = /S[0-9A-Z]{7}/.exec(allText(third))?.[0];
    expect(code).toBeTruthy();
    const item = await ItemModel.findOne({ code }).lean();
    expect(item).toMatchObject({ kind: 'dispute', room: 'HPL', status: 'new' });
    // An officer asked the resident something: the item waits for the resident.
    await ItemModel.updateOne({ _id: item!._id }, { $set: { status: 'waiting' } });
    const more = await say('今天晚上又开始了，十一点多还在剁', cid);
    expect(allText(more)).toContain(code!);
    const thread = await ItemMessageModel.find({ item: item!._id, author: 'resident' }).lean();
    expect(thread.map((m) => m.text)).toEqual(expect.arrayContaining(['今天晚上又开始了，十一点多还在剁']));
    const after = await ItemModel.findById(item!._id).lean();
    expect(after!.status).toBe('new');
    expect(after!.lastActivityAt.getTime()).toBeGreaterThan(item!.lastActivityAt.getTime());
  });

  it('files an anonymous tip with a J code and a one-time secret, storing no identity', async () => {
    const first = await say('我要匿名举报');
    const cid = first.conversationId;
    const done = await say('小区地下车库B2每天晚上有人聚众赌博，大概十几个人', cid);
    const text = allText(done);
    const code = /J[0-9A-Z]{7}/.exec(text)?.[0];
    expect(code).toBeTruthy();
    expect(text).toMatch(/查询密码：[0-9A-Z-]{20,}/);
    const item = await ItemModel.findOne({ code }).select('+contact').lean();
    expect(item).toMatchObject({ kind: 'tip', anonymous: true, origin: null });
    const state = await ConversationStateModel.findOne({ conversationId: cid }).lean();
    expect(state?.openItem ?? null).toBeNull();
    // Status of a tip needs its secret.
    const secret = /查询密码：([0-9A-Z-]+)/.exec(text)![1];
    const ask = await say(`查询进度 ${code}`, cid);
    expect(allText(ask)).toMatch(/查询密码/);
    const wrong = await say('AAAA-AAAA-AAAA-AAAA-AAAA', cid);
    expect(allText(wrong)).toMatch(/不正确/);
    await say(`查询进度 ${code}`, cid);
    const right = await say(secret, cid);
    expect(allText(right)).toMatch(/状态：待处理/);
    expect(allText(right)).not.toContain('赌博');
  });

  it('looks up an item by its S code without showing its content', async () => {
    const { code } = await createItem({ room: 'HPL', kind: 'question', text: '能帮我调一下小区监控吗' });
    const r = await say(`帮我查一下 ${code} 的进度`);
    expect(allText(r)).toContain(code!);
    expect(allText(r)).toMatch(/状态：/);
    expect(allText(r)).not.toContain('监控');
  });

  it('hands the appointment intent to the booking flow', async () => {
    expect(getFlow('booking')).toBeDefined();
    const r = await say('我想预约办身份证');
    expect(allText(r)).toMatch(/预约/);
    // The conversation is now inside the booking flow (its next message answers the flow's question).
    const state = await ConversationStateModel.findOne({ conversationId: r.conversationId }).lean();
    expect((state?.flow as { flow?: string } | null)?.flow).toBe('booking');
  });

  it('escalates what it cannot answer to an officer item with a code and an expected time', async () => {
    const r = await say('公积金怎么提取呀'); // outside the 21 services and the FAQ
    const text = allText(r);
    expect(text).toMatch(/S[0-9A-Z]{7}/);
    expect(text).toMatch(/小时内|天内|分钟内/);
    const code = /S[0-9A-Z]{7}/.exec(text)![0];
    expect(await ItemModel.findOne({ code }).lean()).toMatchObject({ kind: 'question', room: 'HPL', status: 'new' });
  });
});

describe('officer replies reach the web chat', () => {
  it('returns outbox messages for the conversation after a cursor and marks them sent', async () => {
    const { conversationId } = await say('你好');
    const other = await say('你好');
    await enqueueMessage({ key: 'test:reply:1', to: { channel: 'web', conversationId, isGroup: false }, text: '您好，我是民警张伟，已收到。' });
    await enqueueMessage({ key: 'test:reply:other', to: { channel: 'web', conversationId: other.conversationId, isGroup: false }, text: '别人的消息' });
    const page1 = await request(server()).get(`/api/chat/conversations/${conversationId}/messages`).expect(200);
    expect(page1.body.messages.map((m: { text: string }) => m.text)).toEqual(['您好，我是民警张伟，已收到。']);
    expect((await OutboxModel.findOne({ key: 'test:reply:1' }).lean())!.status).toBe('sent');
    const cursor = page1.body.cursor;
    const empty = await request(server()).get(`/api/chat/conversations/${conversationId}/messages`).query({ after: cursor }).expect(200);
    expect(empty.body.messages).toEqual([]);
    await enqueueMessage({ key: 'test:reply:2', to: { channel: 'web', conversationId, isGroup: false }, text: '请问具体地址？' });
    const page2 = await request(server()).get(`/api/chat/conversations/${conversationId}/messages`).query({ after: cursor }).expect(200);
    expect(page2.body.messages.map((m: { text: string }) => m.text)).toEqual(['请问具体地址？']);
  });

  it('404s an unknown conversation and 400s a bad cursor', async () => {
    await request(server()).get(`/api/chat/conversations/${'B'.repeat(22)}/messages`).expect(404);
    const { conversationId } = await say('你好');
    await request(server()).get(`/api/chat/conversations/${conversationId}/messages`).query({ after: 'x' }).expect(400);
  });
});

describe('rate limits', () => {
  it('limits messages per conversation (429 with Retry-After)', async () => {
    const limited = buildTestApp({ CHAT_RATE_CONVERSATION_PER_MIN: '3', CHAT_RATE_IP_PER_MIN: '1000' }).app;
    const first = await request(limited.callback()).post('/api/chat/messages').send({ room: 'HPL', text: '你好' }).expect(200);
    const cid = first.body.conversationId;
    await request(limited.callback()).post('/api/chat/messages').send({ room: 'HPL', conversationId: cid, text: '你好' }).expect(200);
    await request(limited.callback()).post('/api/chat/messages').send({ room: 'HPL', conversationId: cid, text: '你好' }).expect(200);
    const res = await request(limited.callback()).post('/api/chat/messages').send({ room: 'HPL', conversationId: cid, text: '你好' });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits messages per IP across conversations: exactly 2 a minute', async () => {
    // A clock pinned inside one minute: the fixed window cannot end in the middle of the test.
    const pinned = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1000);
    const limited = createApp({ config: testConfig({ CHAT_RATE_IP_PER_MIN: '2', CHAT_RATE_CONVERSATION_PER_MIN: '100' }), logger: testLogger(), now: () => pinned });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await request(limited.callback()).post('/api/chat/messages').set('X-Forwarded-For', '10.9.9.9').send({ room: 'LSC', text: '你好' })).status);
    }
    expect(codes).toEqual([200, 200, 429, 429]);
  });
});
