import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { seedAll } from '../../src/modules/seed/seed.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { buildFixture } from '../reports/fixture';
import { chromiumOptions } from '../helpers/browser';

/** The report pages in a real Chromium: sign in, read the district overview, compare with the API, print the bulletin. */
let db: TestDatabase;
let server: Server;
let browser: BrowserContext;
let dir: string;
let base: string;
let app: ReturnType<typeof buildTestApp>['app'];

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  const o1 = await createOfficer({ username: 'zw_hpl', name: '张伟', rooms: ['HPL'], district: 'XH' });
  const o2 = await createOfficer({ username: 'wq_lsc', name: '王强', rooms: ['LSC'], district: 'XH' });
  await createOfficer({ username: 'chen_xh', name: '陈杰', role: 'supervisor', district: 'XH', password: 'password-123' });
  await buildFixture({ o1: o1.id, o2: o2.id });
  app = buildTestApp().app;
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'reports-browser-'));
  browser = await chromium.launchPersistentContext(dir, chromiumOptions({ width: 390, height: 844 }));
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
  // Failed loads are checked on the responses themselves (the favicon's 404 and the 401 before sign-in are expected).
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && r.status() !== 401 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

it('shows the district overview with the same numbers as the API, readable on a phone', async () => {
  const { agent } = await login(app, 'chen_xh');
  const api = (await agent.get('/api/reports/monthly?month=2024-05')).body;
  expect(api.rooms).toHaveLength(4);

  const page = await browser.newPage();
  const errors = watch(page);
  await page.goto(`${base}/reports/?month=2024-05`);
  await page.fill('#login-username', 'chen_xh');
  await page.fill('#login-password', 'password-123');
  await page.click('#login-form button[type=submit]');
  await page.locator('#title', { hasText: '2024年5月' }).waitFor({ timeout: 15_000 });
  await page.locator('#rooms-table tbody tr').first().waitFor();

  const kpi = (key: string) => page.locator(`[data-kpi-value="${key}"]`).textContent();
  expect(await kpi('received')).toBe(String(api.totals.items.received));
  expect(await kpi('satisfaction')).toBe(`${api.totals.satisfaction.percent}%`);
  expect(await kpi('sla')).toBe(String(api.totals.sla.breached));
  expect(await kpi('appointments')).toBe(String(api.totals.appointments.completed));
  expect(await page.locator('[data-kpi="satisfaction"]').getAttribute('class')).toContain('flagged');

  const shownRooms = await page.locator('#rooms-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-room')));
  expect(shownRooms).toEqual(api.rooms.map((r: { code: string }) => r.code));
  for (const room of api.rooms as Array<{ code: string; items: { received: number; resolved: number }; sla: { breached: number }; surveys: { answered: number }; satisfaction: { percent: number | null; flagged: boolean } }>) {
    const row = page.locator(`#rooms-table tr[data-room="${room.code}"]`);
    expect(await row.locator('[data-col="received"]').textContent()).toBe(String(room.items.received));
    expect(await row.locator('[data-col="resolved"]').textContent()).toBe(String(room.items.resolved));
    expect(await row.locator('[data-col="breached"]').textContent()).toBe(String(room.sla.breached));
    expect(await row.locator('[data-col="answers"]').textContent()).toBe(String(room.surveys.answered));
    const sat = await row.locator('[data-col="satisfaction"]').textContent();
    expect(sat).toBe(room.satisfaction.percent === null ? '—' : `${room.satisfaction.percent}%${room.satisfaction.flagged ? ' ⚠' : ''}`);
    expect((await row.getAttribute('class')) ?? '').toBe(room.satisfaction.flagged ? 'flagged' : '');
  }
  // charts are real server-rendered SVGs that loaded
  await page.waitForFunction(() => [...document.querySelectorAll('img.chart:not(.hidden)')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
  // nothing sideways on a phone except inside the scrolling table boxes
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  mkdirSync('test-artifacts', { recursive: true });
  await page.screenshot({ path: 'test-artifacts/reports.png', fullPage: true });

  // the room page, reached by its link
  await page.click('#rooms-table tr[data-room="LSC"] a');
  await page.locator('#title', { hasText: '柳树村警务室' }).waitFor();
  const lsc = (await agent.get('/api/reports/monthly?month=2024-05&room=LSC')).body;
  expect(await kpi('satisfaction')).toBe(`${lsc.totals.satisfaction.percent}%`);
  expect(await page.locator('#flag').textContent()).toContain('低于 90% 考核线');
  expect(errors).toEqual([]);
});

it('prints the monthly bulletin on A4', async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 900, height: 1200 });
  const errors = watch(page);
  await page.goto(`${base}/reports/bulletin.html?month=2024-05`);
  await page.locator('#b-title', { hasText: '2024年5月' }).waitFor({ timeout: 15_000 });
  expect(await page.locator('#b-flagged').textContent()).toContain('柳树村警务室（80%）');
  expect(await page.locator('#b-rooms tr.flagged').count()).toBe(1);
  await page.waitForFunction(() => [...document.querySelectorAll('img.chart:not(.hidden)')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
  await page.screenshot({ path: 'test-artifacts/reports-bulletin.png', fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true, path: 'test-artifacts/reports-bulletin.pdf' });
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  expect(errors).toEqual([]);
  void request;
});
