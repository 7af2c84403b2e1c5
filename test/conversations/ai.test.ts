import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { createGroundedAnswerer } from '../../src/ai/grounded-answer';
import { buildMessages, parseModelAnswer } from '../../src/ai/prompt';
import { surveySettings } from '../../src/modules/surveys';
import { handleInbound, type ConversationDeps } from '../../src/modules/conversations/conversation.service';
import { createKnowledge } from '../../src/modules/conversations/knowledge';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/** The model path against a small OpenAI-compatible server started here; the real `openai` client talks to it. */
let db: TestDatabase;
let server: http.Server;
let mode: 'answer' | 'slow' | 'decline' | 'error' | 'link' | 'number' | 'offsource' = 'answer';
const requests: Array<{ model: string; messages: Array<{ role: string; content: string }> }> = [];

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions' || req.headers.authorization !== 'Bearer test-key') {
        res.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(body));
      const reply = (content: string) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'local', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
      };
      if (mode === 'slow') setTimeout(() => reply('太慢了\n引用：[1]'), 3000).unref();
      else if (mode === 'decline') reply('无法回答');
      else if (mode === 'error') res.writeHead(500).end('{}');
      else if (mode === 'link') reply('身份证丢了，请带户口簿到警务室申请补领，详情见 https://example.cn/sfz [1]\n引用：[1]');
      else if (mode === 'number') reply('身份证丢了，请带户口簿到警务室申请补领，可以先打13900001111问问。[1]\n引用：[1]');
      else if (mode === 'offsource') reply('建议您先去银行冻结所有账户，再到商场找客服开具遗失声明，最后去报社登报。[1]\n引用：[1]');
      else reply('身份证丢了，请带户口簿到警务室申请补领，急用可以同时办临时身份证。[1]\n引用：[1]');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  await deps().knowledge.understanding(); // build the index once, outside the timed calls
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.stop();
});

let shared: ConversationDeps | null = null;
function deps(): ConversationDeps {
  if (shared) return shared;
  const { port } = server.address() as AddressInfo;
  const config = loadConfig({ NODE_ENV: 'test', OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: 'local-qwen', OPENAI_TIMEOUT_MS: '400' });
  shared = { config, logger: testLogger(), knowledge: createKnowledge(), ai: createGroundedAnswerer(config, testLogger()), surveys: surveySettings(config) };
  return shared;
}
const msg = (text: string) => ({ channel: 'web' as const, conversationId: `ai-${Math.random()}`, senderId: 's', text, isGroup: false, mentioned: true, room: 'HPL', receivedAt: new Date() });

describe('grounded model answers', () => {
  it('answers from the retrieved entries only and cites them', async () => {
    mode = 'answer';
    requests.length = 0;
    const r = await handleInbound(msg('身份证丢了怎么办'), deps());
    expect(r.route).toBe('service_answer:ai');
    expect(r.replies[0].text).toContain('申请补领');
    expect(r.replies[0].text).toMatch(/（依据：身份证补领/);
    expect(requests).toHaveLength(1);
    expect(requests[0].model).toBe('local-qwen');
    const prompt = requests[0].messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('只能依据');
    expect(prompt).toContain('户口簿或其他身份证明'); // the catalog entry is in the sources
  });

  it('never asks the model about an emergency', async () => {
    mode = 'answer';
    requests.length = 0;
    const r = await handleInbound(msg('有人晕倒了叫不醒'), deps());
    expect(r.route).toBe('emergency');
    expect(r.replies[0].text).toContain('120');
    expect(requests).toHaveLength(0);
  });

  it('falls back to the local answer when the model times out', async () => {
    mode = 'slow';
    const started = Date.now();
    const r = await handleInbound(msg('身份证丢了怎么办'), deps());
    expect(Date.now() - started).toBeLessThan(2500); // OPENAI_TIMEOUT_MS is 400
    expect(r.route).toMatch(/^(service|faq)_answer$/);
    expect(r.replies.map((x) => x.text).join('\n')).toContain('所需材料');
  });

  it('falls back when the model declines or the provider fails', async () => {
    mode = 'decline';
    expect((await handleInbound(msg('身份证丢了怎么办'), deps())).route).toMatch(/^(service|faq)_answer$/);
    mode = 'error';
    expect((await handleInbound(msg('身份证丢了怎么办'), deps())).route).toMatch(/^(service|faq)_answer$/);
  });

  it('masks phone numbers, ID numbers and names before anything leaves for the provider', async () => {
    mode = 'answer';
    requests.length = 0;
    const r = await handleInbound(msg('我叫王建国，手机13812345678，身份证号110101199003071234丢了怎么办'), deps());
    expect(r.route).toBe('service_answer:ai');
    expect(requests).toHaveLength(1);
    const sent = JSON.stringify(requests[0]);
    for (const secret of ['王建国', '13812345678', '110101199003071234', '1381234', '5678']) expect(sent).not.toContain(secret);
    expect(sent).toContain('[手机号]');
    expect(sent).toContain('[身份证号]');
    expect(sent).toContain('[姓名]');
    expect(sent).toContain('丢了怎么办'); // the question itself still goes
  });

  it('posts a model answer into a group only when it rests on the cited entries, without links or foreign numbers', async () => {
    const group = (text: string) => ({ ...msg(text), channel: 'wechat' as const, conversationId: `room-${Math.random()}@chatroom`, isGroup: true });
    mode = 'answer';
    const ok = await handleInbound(group('身份证丢了怎么办'), deps());
    expect(ok.route).toBe('service_answer:ai');
    for (const bad of ['link', 'number', 'offsource'] as const) {
      mode = bad;
      const r = await handleInbound(group('身份证丢了怎么办'), deps());
      const posted = r.replies.map((x) => x.text).join('\n');
      expect(r.route).toMatch(/^(service|faq)_answer$/);
      expect(posted).not.toMatch(/example\.cn|13900001111|银行冻结/);
    }
    // In a private chat the same answer is the resident's own business and may stand.
    mode = 'number';
    expect((await handleInbound(msg('身份证丢了怎么办'), deps())).route).toBe('service_answer:ai');
  });

  it('is off without OPENAI_API_KEY', () => {
    expect(createGroundedAnswerer(loadConfig({ NODE_ENV: 'test' }), testLogger())).toBeNull();
  });
});

describe('prompt and parsing (pure)', () => {
  it('numbers the sources and parses citations back to their ids', () => {
    const msgs = buildMessages('问题', [{ id: 'service:a', title: 'A', text: 'aa' }, { id: 'faq:b', title: 'B', text: 'bb' }]);
    expect(msgs[1].content).toContain('[1] A');
    expect(msgs[1].content).toContain('[2] B');
    expect(parseModelAnswer('答案[2]\n引用：[2],[9]', ['service:a', 'faq:b'])).toEqual({ text: '答案', citations: ['faq:b'] });
    expect(parseModelAnswer('没有引用的答案', ['service:a'])).toBeNull();
    expect(parseModelAnswer('无法回答', ['service:a'])).toBeNull();
  });
});
