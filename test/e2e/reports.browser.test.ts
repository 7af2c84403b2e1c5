import { mkdirSync } from 'node:fs';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { buildFixture } from '../reports/fixture';

/** The report pages in a real Chromium: sign in, read the district overview, compare with the API, print the bulletin. */
const { app } = buildTestApp();
let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(app, 'reports', { width: 390, height: 844 });
  const o1 = await createOfficer({ username: 'zw_hpl', name: '张伟', rooms: ['HPL'], district: 'XH' });
  const o2 = await createOfficer({ username: 'wq_lsc', name: '王强', rooms: ['LSC'], district: 'XH' });
  await createOfficer({ username: 'chen_xh', name: '陈杰', role: 'supervisor', district: 'XH', password: 'password-123' });
  await buildFixture({ o1: o1.id, o2: o2.id });
});

afterAll(() => rig?.stop());

it('shows the district overview with the same numbers as the API, readable on a phone', async () => {
  const { agent } = await login(app, 'chen_xh');
  const api = (await agent.get('/api/reports/monthly?month=2024-05')).body;
  expect(api.rooms).toHaveLength(4);

  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await signInOnPage(page, `${rig.base}/reports/?month=2024-05`, 'chen_xh', 'password-123');
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
  const page = await rig.browser.newPage();
  await page.setViewportSize({ width: 900, height: 1200 });
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await page.goto(`${rig.base}/reports/bulletin.html?month=2024-05`);
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
