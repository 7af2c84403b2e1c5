import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { seedAll } from '../../src/modules/seed/seed.service';
import { createItem } from '../../src/modules/items/item.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { startMockWechat, type MockWechat } from '../helpers/mock-wechat';
import { projectRoot } from '../../src/lib/project-root';
import { chromiumOptions } from '../helpers/browser';

/**
 * The officers' inbox in a real headless Chromium, end to end: sign in, see a resident's new
 * item arrive live (no reload), claim it, reply, and watch the reply reach the resident in
 * the mock WeChat through the real outbox and bot.
 */
let db: TestDatabase;
let server: Server;
let browser: BrowserContext;
let dir: string;
let base: string;
let wx: MockWechat;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'zw_inbox', name: '张伟', rooms: ['HPL'], password: 'Zhangwei-2025' });
  const { app } = buildTestApp({ LIVE_POLL_MS: '300' });
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  wx = await startMockWechat();
  dir = mkdtempSync(path.join(os.tmpdir(), 'inbox-browser-'));
  browser = await chromium.launchPersistentContext(dir, chromiumOptions({ width: 1280, height: 800 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await wx?.stop();
  server?.closeAllConnections();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await db?.stop();
});

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && r.status() !== 401 && !r.url().endsWith('/favicon.ico') && !r.url().includes('/api/bot/status') && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

it('signs in, sees a new item arrive live, claims it, replies, and the reply reaches the resident on WeChat', async () => {
  const page = await browser.newPage();
  const errors = watch(page);
  await page.goto(`${base}/inbox/`);
  await page.fill('#login-username', 'zw_inbox');
  await page.fill('#login-password', 'Zhangwei-2025');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#app-view:not(.hidden)');
  await page.waitForSelector('#live-status.ok', { timeout: 10_000 });
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

  // A resident writes to the bot in a private chat; the conversation escalates it to an item.
  const resident = wx.createResident('王阿姨');
  const item = await createItem({
    room: 'HPL',
    kind: 'dispute',
    text: '楼上天天半夜剁东西，吵得睡不着，能管管吗？',
    origin: { channel: 'wechat', conversationId: resident.id, senderId: resident.id, senderName: '王阿姨', isGroup: false },
  });

  const row = page.locator(`.item-row[data-id="${item._id}"]`);
  await row.waitFor({ timeout: 10_000 });
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  await expect(row.textContent()).resolves.toContain('楼上天天半夜剁东西');

  await row.click();
  await page.waitForSelector('#detail:not(.hidden)');
  await page.click('#a-claim');
  await page.waitForFunction(() => document.querySelector('#d-meta')?.textContent?.includes('处理人：张伟'));

  const reply = '王阿姨您好，我们今晚会上门了解情况，请保持电话畅通。';
  await page.fill('#compose-text', reply);
  await page.click('#send');
  await page.waitForFunction((text) => [...document.querySelectorAll('#thread .msg.reply')].some((m) => m.textContent?.includes(text)), reply);

  const received = await wx.waitForMessage(resident, (t) => t.includes('我们今晚会上门'), 20_000);
  expect(received).toContain(reply);
  const out = await OutboxModel.findOne({ item: item._id }).lean();
  expect(out).toMatchObject({ channel: 'wechat', conversationId: resident.id, isGroup: false });
  await page.waitForFunction(() => document.querySelector('#d-meta')?.textContent?.includes('等待群众回复'));

  // Keyboard: j/k move the selection, Escape goes back.
  await page.keyboard.press('Escape');
  await page.keyboard.press('j');

  expect(await page.locator('#send').isDisabled()).toBe(false);
  await page.screenshot({ path: path.join(projectRoot(), 'test-artifacts', 'inbox.png'), fullPage: false });
  expect(errors).toEqual([]);
  await page.close();
}, 120_000);

it('works on a phone: list first, then the thread', async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/inbox/`);
  await page.waitForSelector('#app-view:not(.hidden)'); // still signed in (same browser profile)
  await page.locator('.item-row').first().click();
  await page.waitForSelector('#detail:not(.hidden)');
  expect(await page.locator('#list-pane').isVisible()).toBe(false);
  await page.click('#back');
  expect(await page.locator('#list-pane').isVisible()).toBe(true);
  await page.screenshot({ path: path.join(projectRoot(), 'test-artifacts', 'inbox-phone.png') });
  await page.close();
}, 60_000);
