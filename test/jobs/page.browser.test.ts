import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { seedAll } from '../../src/modules/seed/seed.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { bindGroup } from './helpers';
import { chromiumOptions } from '../helpers/browser';

/** The officers' jobs page in a real Chromium: sign in, set the talk day, send a broadcast, see it delivered per group. */
let db: TestDatabase;
let server: Server;
let browser: BrowserContext;
let dir: string;
let base: string;

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await createOfficer({ username: 'zw_hpl', name: '张伟', rooms: ['HPL'], district: 'XH' });
  await bindGroup('g-hpl-1', 'HPL', '和平里1号楼居民群');
  await bindGroup('g-lsc-1', 'LSC', '柳树村村民群');
  const { app } = buildTestApp();
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'jobs-browser-'));
  browser = await chromium.launchPersistentContext(dir, chromiumOptions({ width: 1200, height: 900 }));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
  await db.stop();
});

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && r.status() !== 401 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

it('signs in, saves the talk day, sends a prevention tip to a bound group and shows its delivery', async () => {
  const page = await browser.newPage();
  const errors = watch(page);
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/jobs/`);
  await page.fill('#login-username', 'zw_hpl');
  await page.fill('#login-password', 'password-123');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#app-view:not(.hidden)');
  await page.waitForFunction(() => document.querySelectorAll('#upcoming tr').length > 0);
  // Every panel has loaded (they load in parallel).
  await page.waitForFunction(() => ['#broadcasts', '#visits', '#notices', '#td-upcoming'].every((s) => document.querySelector(s)!.childElementCount > 0));

  await page.click('.tab[data-tab=talkday]');
  await page.fill('#td-place', '和平里社区服务中心二楼');
  await page.fill('#td-topic', '防范电信网络诈骗');
  await page.click('#talkday-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#talkday-state')?.textContent?.includes('已启用'));
  expect(await page.locator('#td-upcoming .occurrence').count()).toBeGreaterThan(0);

  await page.click('.tab[data-tab=broadcasts]');
  expect(await page.locator('#bc-groups input').count()).toBe(1); // only HPL's group
  await page.fill('#bc-title', '谨防冒充客服退款诈骗');
  await page.fill('#bc-body', '请勿向陌生账户转账，如有疑问拨打96110。');
  await page.click('#bc-preview');
  await page.waitForSelector('#bc-preview-text:not(.hidden)');
  expect(await page.textContent('#bc-preview-text')).toContain('【防范提示】谨防冒充客服退款诈骗');
  await page.check('#bc-groups input');
  await page.click('#bc-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#broadcasts details') || document.querySelector('#flash.danger'));
  expect(await page.locator('#flash.danger').count()).toBe(0);
  await page.waitForFunction(() => document.querySelector('#broadcasts')?.textContent?.includes('已完成') || document.querySelector('#broadcasts')?.textContent?.includes('已发送'));
  expect(await page.textContent('#broadcasts')).toContain('和平里1号楼居民群');
  expect(await OutboxModel.countDocuments({ conversationId: 'g-hpl-1', purpose: 'broadcast' })).toBe(1);
  expect(await OutboxModel.countDocuments({ conversationId: 'g-lsc-1' })).toBe(0);

  await page.click('.tab[data-tab=templates]');
  await page.waitForFunction(() => (document.querySelector('#tpl-text') as HTMLTextAreaElement | null)?.value.includes('{{'));
  mkdirSync('test-artifacts', { recursive: true });
  await page.click('.tab[data-tab=jobs]');
  await page.screenshot({ path: 'test-artifacts/jobs-page.png', fullPage: true });
  expect(errors).toEqual([]);
});
