/**
 * The README's pictures, taken from the running product in Chromium:
 *
 *   npm run screenshots            (writes docs/screenshots/*.png)
 *
 * Starts the app on a fresh embedded database with the demo district (plus a known month for the
 * report), then drives Debian's Chromium (/usr/bin/chromium, never a downloaded browser) with the
 * browser's zone set to UTC, so the pictures also show that pages keep Beijing time. Chinese text
 * needs a CJK font on the machine: `apt-get install -y fonts-wqy-microhei`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../src/http/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging/logger';
import { enqueueMessage } from '../src/modules/outbox/outbox.service';
import { chromiumOptions } from '../test/helpers/browser';
import { createOfficer } from '../test/helpers/auth';
import { startDemoServer } from '../test/helpers/server';
import { buildFixture } from '../test/reports/fixture';

const OUT = path.join(__dirname, '..', 'docs', 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 860 };

async function signIn(page: Page, url: string, username: string) {
  await page.goto(url);
  await page.fill('#login-username', username);
  await page.fill('#login-password', 'password-123');
  await page.click('#login-form button[type=submit]');
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'true', LIVE_POLL_MS: '300' });
  const demo = await startDemoServer(createApp({ config, logger: createLogger({ level: 'silent' }) }));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'screenshots-'));
  let browser: BrowserContext | null = null;
  try {
    const officer = await createOfficer({ username: 'shot_hpl', name: '李娜', rooms: ['HPL'], district: 'XH' });
    const o2 = await createOfficer({ username: 'shot_lsc', name: '王强', rooms: ['LSC'], district: 'XH' });
    await createOfficer({ username: 'shot_chief', name: '陈杰', role: 'supervisor', district: 'XH' });
    await buildFixture({ o1: officer.id, o2: o2.id });
    browser = await chromium.launchPersistentContext(profile, { ...chromiumOptions(PHONE), timezoneId: 'UTC', locale: 'zh-CN' });
    const page = await browser.newPage();
    const shot = async (name: string) => {
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      process.stdout.write(`docs/screenshots/${name}.png\n`);
    };

    // 1. The resident chat: a question, the answer, an officer's reply arriving live.
    await page.goto(`${demo.base}/?room=HPL`);
    await page.fill('#text', '身份证丢了怎么办');
    await page.click('#send');
    await page.locator('.msg-bot .bubble', { hasText: '身份证' }).nth(1).waitFor({ timeout: 30_000 });
    const cid = await page.evaluate(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['conv:HPL']);
    await enqueueMessage({ key: `shot:${cid}`, to: { channel: 'web', conversationId: cid, isGroup: false }, text: '您好，我是和平里社区民警李娜。补领身份证请带户口簿，周六上午也可以办。' });
    await page.locator('.msg-officer').waitFor();
    await shot('chat');

    // 2. The booking flow, up to the time slots.
    await page.goto(`${demo.base}/book/?room=HPL`);
    await page.locator('#services button').first().waitFor();
    await page.locator('#services button', { hasText: '居住证' }).first().click();
    await page.locator('#days button').first().click();
    await page.evaluate(() => document.getElementById('step-day')?.scrollIntoView());
    await shot('booking');
    // … and the same step in 长辈模式: one question per screen.
    await page.click('[data-elder-toggle]');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('booking-elder');
    await page.click('[data-elder-toggle]');

    // 3. The tip page.
    await page.goto(`${demo.base}/tips/?room=HPL`);
    await page.fill('#text', '3号楼地下室每晚十点后有人聚众赌博。');
    await shot('tips');

    // 4. The inbox and 5. the monthly report, on a desktop screen.
    await page.setViewportSize(DESKTOP);
    await signIn(page, `${demo.base}/inbox/`, 'shot_hpl');
    await page.locator('#item-list li').first().waitFor({ timeout: 15_000 });
    await page.locator('#item-list li').first().click();
    await page.waitForTimeout(500);
    await shot('inbox');
    await browser.clearCookies();
    await signIn(page, `${demo.base}/reports/?month=2024-05`, 'shot_chief');
    await page.locator('#title', { hasText: '2024年5月' }).waitFor({ timeout: 15_000 });
    await shot('report');
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
