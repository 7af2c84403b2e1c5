import http from 'node:http';
import { Types } from 'mongoose';
import { startDemoServer, type DemoServer } from '../helpers/server';
import { buildTestApp } from '../helpers/app';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { LiveEventModel } from '../../src/modules/live/live-event.model';
import { conversationKey } from '../../src/modules/live/live.service';

/**
 * The resident chat's live feed over server-sent events: what an open chat page receives, what a
 * reconnect with Last-Event-ID gets, and a reply stored by another process (seen only through the
 * database, as on a second instance).
 */
let rig: DemoServer;

beforeAll(async () => {
  rig = await startDemoServer(buildTestApp({ LIVE_POLL_MS: '200' }).app);
});
afterAll(() => rig?.stop());

interface FeedEvent {
  id: string;
  data: { id: string; text: string; purpose: string };
}

function subscribe(cid: string, headers: Record<string, string> = {}) {
  const events: FeedEvent[] = [];
  let status = 0;
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const req = http.get(`${rig.base}/api/chat/conversations/${cid}/events`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    status = res.statusCode ?? 0;
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (block.includes('event: ready')) ready();
        const id = /^id: (.*)$/m.exec(block);
        const data = /^data: (.*)$/m.exec(block);
        if (block.includes('event: message') && id && data) events.push({ id: id[1], data: JSON.parse(data[1]) });
      }
    });
  });
  req.on('error', () => undefined);
  return { events, ready: readyPromise, close: () => req.destroy(), status: () => status };
}

async function waitFor(check: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function newConversation(): Promise<string> {
  const res = await fetch(`${rig.base}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ room: 'HPL', text: '你好' }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { conversationId: string }).conversationId;
}

const officerReply = (cid: string, key: string, text: string) => enqueueMessage({ key, to: { channel: 'web', conversationId: cid, isGroup: false }, text });

it('sends the history, then each new officer reply to the open stream, and a reconnect gets only what it missed', async () => {
  const cid = await newConversation();
  await officerReply(cid, `live:${cid}:1`, '第一条：您好，我是民警李娜。');

  const first = subscribe(cid);
  await first.ready;
  await waitFor(() => first.events.length === 1);
  expect(first.events[0].data.text).toBe('第一条：您好，我是民警李娜。');

  await officerReply(cid, `live:${cid}:2`, '第二条：请带户口簿。');
  await waitFor(() => first.events.length === 2);
  expect(first.events[1].data.text).toBe('第二条：请带户口簿。');
  const seenUpTo = first.events[0].id;
  first.close();

  // The page was away after the first message: the reconnect sends the second (and a third stored meanwhile), never the first again.
  await officerReply(cid, `live:${cid}:3`, '第三条：周六也办公。');
  const again = subscribe(cid, { 'last-event-id': seenUpTo });
  await again.ready;
  await waitFor(() => again.events.length === 2);
  await new Promise((r) => setTimeout(r, 300));
  expect(again.events.map((e) => e.data.text)).toEqual(['第二条：请带户口簿。', '第三条：周六也办公。']);
  again.close();
});

it('delivers a reply that another instance stored (only the database connects them)', async () => {
  const cid = await newConversation();
  const stream = subscribe(cid);
  await stream.ready;
  // What another process does: the outbox message and the live event, without this process's in-memory listeners.
  await OutboxModel.create({ key: `other:${cid}`, channel: 'web', conversationId: cid, text: '另一台服务器上的民警回复', nextAttemptAt: new Date() });
  await LiveEventModel.create({ at: new Date(), type: 'chat.message', conversation: conversationKey(cid) });
  await waitFor(() => stream.events.length === 1);
  expect(stream.events[0].data.text).toBe('另一台服务器上的民警回复');
  stream.close();
});

it('never sends one conversation the messages of another', async () => {
  const a = await newConversation();
  const b = await newConversation();
  const streamB = subscribe(b);
  await streamB.ready;
  await officerReply(a, `live:${a}:only`, '只给 A 的回复');
  await officerReply(b, `live:${b}:only`, '只给 B 的回复');
  await waitFor(() => streamB.events.length >= 1);
  await new Promise((r) => setTimeout(r, 400));
  expect(streamB.events.map((e) => e.data.text)).toEqual(['只给 B 的回复']);
  streamB.close();
});

it('answers a bad cursor with 400 and an unknown conversation with 404, in the JSON error shape', async () => {
  const cid = await newConversation();
  const bad = await fetch(`${rig.base}/api/chat/conversations/${cid}/events`, { headers: { 'last-event-id': 'not-a-cursor' } });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error.code).toBeDefined();
  const unknown = await fetch(`${rig.base}/api/chat/conversations/${'A'.repeat(22)}/events?after=1_${new Types.ObjectId().toHexString()}`);
  expect(unknown.status).toBe(404);
  expect((await unknown.json()).error).toEqual({ code: 'conversation_not_found', message: expect.stringContaining('会话不存在') });
});
