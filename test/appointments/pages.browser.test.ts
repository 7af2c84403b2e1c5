import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { seedAll } from '../../src/modules/seed/seed.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startTestDatabase, type TestDatabase } from '../helpers/db';
import { setSchedule } from './helpers';
import { chromiumOptions } from '../helpers/browser';

jest.setTimeout(120_000);

let db: TestDatabase;
let server: Server;
let browser: BrowserContext;
let dir: string;
let base: string;
const artifacts = path.join(__dirname, '..', '..', 'test-artifacts');

beforeAll(async () => {
  db = await startTestDatabase();
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 2, walkInShare: 0 });
  server = buildTestApp().app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'book-browser-'));
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launchPersistentContext(dir, chromiumOptions());
});
afterAll(async () => {
  await browser?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('booking page and officers day view in a browser', () => {
  it('a resident books on /book/, then an officer checks the booking in on /officer-day/', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
    await page.goto(`${base}/book/?room=HPL`);
    await page.locator('#services button', { hasText: '身份证换领' }).click();
    await page.locator('#days button').first().click();
    await page.locator('#slots button').first().click();
    await page.fill('#name', '刘洋');
    await page.fill('#phone', '13712345678');
    await page.check('#materials-ok');
    await page.screenshot({ path: path.join(artifacts, 'book-form.png'), fullPage: true });
    await page.click('#confirm');
    await page.waitForSelector('#done:not(.hidden)');
    const code = (await page.textContent('#done-code'))!.trim();
    expect(code).toMatch(/^Y[0-9A-Z]{7}$/);
    await page.screenshot({ path: path.join(artifacts, 'book-done.png'), fullPage: true });
    const appt = await AppointmentModel.findById(code).lean();
    expect(appt).toMatchObject({ name: '刘洋', phone: '13712345678', service: 'id_card_renewal' });

    // Look it up and cancel by code + mobile is covered by the API tests; here: the officer's day.
    const officer = await createOfficer({ username: 'day-officer', rooms: ['HPL'], district: 'XH' });
    const day = await browser.newPage();
    await day.setViewportSize({ width: 1100, height: 900 });
    day.on('pageerror', (e) => errors.push(e.message));
    // /api/me answers 401 before the officer signs in: expected.
    day.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && !r.url().endsWith('/api/me') && errors.push(`${r.status()} ${r.url()}`));
    await day.goto(`${base}/officer-day/?room=HPL`);
    await day.fill('#login-username', officer.username);
    await day.fill('#login-password', officer.password);
    await day.click('#login-form button[type=submit]');
    await day.waitForSelector('#day-view:not(.hidden)');
    await day.waitForFunction(() => (document.getElementById('date') as HTMLInputElement).value !== ''); // start() has run
    const local = new Date(appt!.start.getTime() + 8 * 3600_000).toISOString().slice(0, 10); // Shanghai date
    await day.fill('#date', local);
    await day.dispatchEvent('#date', 'change');
    const row = day.locator('.appt', { hasText: code });
    await row.waitFor();
    await row.locator('button', { hasText: '签到' }).click();
    await day.locator('.appt', { hasText: code }).locator('.badge', { hasText: '已签到' }).waitFor();
    await day.screenshot({ path: path.join(artifacts, 'officer-day.png'), fullPage: true });
    expect((await AppointmentModel.findById(code).lean())!.status).toBe('checked_in');
    expect(errors).toEqual([]);
  });
});
