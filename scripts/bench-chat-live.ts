/**
 * How long an officer's reply takes to show in a resident's open web chat (issue #19: "within a second").
 *
 *   npx tsx scripts/bench-chat-live.ts [--runs 20]
 *
 * Starts the app on a fresh embedded database with the demo district, opens the resident chat of room HPL
 * in Debian's Chromium (/usr/bin/chromium, browser zone UTC), sends a message, and files an item for that
 * conversation. Then, --runs times: an officer of HPL replies through the inbox API (POST
 * /api/inbox/:id/reply over real HTTP) and the page records when the reply's bubble appears (a
 * MutationObserver, Date.now() on the same machine). Prints p50 / p90 / max in milliseconds from the
 * request being sent to the bubble being in the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logging/logger';
import { createItem } from '../src/modules/items/item.service';
import { chromiumOptions } from '../test/helpers/browser';
import { createOfficer } from '../test/helpers/auth';
import { startDemoServer } from '../test/helpers/server';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('runs', '20'));

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const demo = await startDemoServer(createApp({ config, logger: createLogger({ level: 'silent' }) }));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'bench-chat-live-'));
  let browser: BrowserContext | null = null;
  try {
    await createOfficer({ username: 'bench_hpl', name: '李娜', rooms: ['HPL'], district: 'XH' });
    browser = await chromium.launchPersistentContext(profile, { ...chromiumOptions({ width: 390, height: 844 }), timezoneId: 'UTC' });
    const page = await browser.newPage();
    await page.goto(`${demo.base}/?room=HPL`);
    await page.fill('#text', '你好');
    await page.click('#send');
    await page.locator('.msg-me:not(.msg-pending)').first().waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.live === 'open', undefined, { timeout: 30_000 });
    const conversationId = await page.evaluate(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['conv:HPL'] as string);
    const item = await createItem({ room: 'HPL', kind: 'question', text: '想问一下户口迁入需要什么材料', origin: { channel: 'web', conversationId } });

    // The page notes when each reply's bubble appears.
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { seen: Record<string, number> }).seen = seen;
      new MutationObserver(() => {
        for (const b of document.querySelectorAll('.msg-officer .bubble')) {
          const m = /回复#(\d+)/.exec(b.textContent ?? '');
          if (m && !seen[m[1]]) seen[m[1]] = Date.now();
        }
      }).observe(document.getElementById('messages')!, { childList: true, subtree: true, characterData: true });
    });

    const agent = request.agent(demo.base);
    const login = await agent.post('/api/auth/login').send({ username: 'bench_hpl', password: 'password-123' });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const csrf = login.body.csrfToken as string;

    const took: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const sent = Date.now();
      const res = await agent.post(`/api/inbox/${item._id}/reply`).set('X-CSRF-Token', csrf).send({ text: `您好，材料是户口簿和身份证。（回复#${i}）`, force: true });
      if (res.status !== 201) throw new Error(`reply ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      await page.waitForFunction((n) => Boolean((window as unknown as { seen: Record<string, number> }).seen[n]), String(i), { timeout: 15_000 });
      const shown = await page.evaluate((n) => (window as unknown as { seen: Record<string, number> }).seen[n], String(i));
      took.push(shown - sent);
      await page.waitForTimeout(200);
    }
    took.sort((a, b) => a - b);
    process.stdout.write(`officer reply → open web chat, ${RUNS} replies: p50 ${pct(took, 50)} ms, p90 ${pct(took, 90)} ms, max ${took[took.length - 1]} ms\n`);
  } finally {
    await browser?.close();
    await demo.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
