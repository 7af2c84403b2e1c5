import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { InboundMessage } from '../../src/modules/conversations';
import { handleInbound, type ConversationDeps } from '../../src/modules/conversations/conversation.service';
import { createKnowledge } from '../../src/modules/conversations/knowledge';
import { SERVICE_CATALOG } from '../../src/lib/service-catalog';
import { surveySettings } from '../../src/modules/surveys';
import { FAQ_SEED } from '../../src/understanding';
import { testLogger } from '../helpers/app';
import { startTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Issue #17: `npm run triage` and the conversation core decide the same way. Every line of every
 * fixture under test/fixtures is run through the triage command (a child process, as an operator runs
 * it) and through the conversation core (handleInbound, a fresh private chat each), and the decisions
 * (intent, service, emergency) are compared line by line.
 */
const root = path.resolve(__dirname, '..', '..');

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? fixtureFiles(p) : /\.jsonl$/.test(f) ? [p] : [];
  });
}

const lines = [...new Set([
  ...fixtureFiles(path.join(root, 'test/fixtures')).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    try {
      const t = (JSON.parse(l) as { text?: unknown }).text;
      return typeof t === 'string' ? t : null;
    } catch {
      return null;
    }
  }).filter((t): t is string => t !== null && t.trim() !== '')),
  // The plain request to book from the menu, which once split the two paths.
  '我要预约', '我要举报', '查询进度',
])];

let db: TestDatabase;
beforeAll(async () => { db = await startTestDatabase(); });
afterAll(async () => db.stop());

describe('one decision path: triage and the conversation core', () => {
  it('decide every fixture line the same way', async () => {
    expect(lines.length).toBeGreaterThan(2000);
    const run = spawnSync('npx', ['tsx', 'scripts/triage.ts'], {
      cwd: root, input: lines.map((text) => JSON.stringify({ text })).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status).toBe(0);
    const triaged = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { intent: string; service: string | null; emergency: boolean });
    expect(triaged).toHaveLength(lines.length);

    // The shipped FAQ and catalog, as triage uses them; no room, so nothing is booked or escalated.
    const config = loadConfig({ NODE_ENV: 'test' });
    const deps: ConversationDeps = {
      config, logger: testLogger(), ai: null, surveys: surveySettings(config), now: () => new Date('2025-03-03T02:00:00Z'),
      knowledge: createKnowledge({ faq: FAQ_SEED, services: SERVICE_CATALOG.map((s) => ({ ...s, bookable: true })) }),
    };
    const differ: string[] = [];
    let decided = 0;
    for (let i = 0; i < lines.length; i++) {
      const msg: InboundMessage = {
        channel: 'web', conversationId: `one-path-${i}`, senderId: `one-path-${i}`, text: lines[i], isGroup: false, mentioned: true,
        room: null, receivedAt: new Date('2025-03-03T02:00:00Z'), newConversation: true,
      };
      const res = await handleInbound(msg, deps);
      if (!res.decision) continue; // a menu command ("菜单", "办事指南"): answered before any decision
      decided++;
      const t = triaged[i];
      const core = res.decision;
      if (core.intent !== t.intent || core.service !== t.service || core.emergency !== t.emergency) {
        differ.push(`${lines[i]}: core ${core.intent}/${core.service}/${core.emergency} triage ${t.intent}/${t.service}/${t.emergency}`);
      }
    }
    expect(differ).toEqual([]);
    expect(decided).toBeGreaterThan(lines.length - 20);
    // The line that once split them: a booking in both.
    expect(triaged[lines.indexOf('我要预约')].intent).toBe('appointment');
  }, 600_000);
});
