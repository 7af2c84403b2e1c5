import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { collectPageErrors, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { setSchedule } from './helpers';

jest.setTimeout(120_000);

let rig: BrowserTest;
const artifacts = path.join(__dirname, '..', '..', 'test-artifacts');

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'book');
  await setSchedule('HPL', { capacity: 2, walkInShare: 0 });
  mkdirSync(artifacts, { recursive: true });
});
afterAll(() => rig?.stop());

describe('booking page and officers day view in a browser', () => {
  it('a resident books on /book/, then an officer checks the booking in on /officer-day/', async () => {
    const page = await rig.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const errors = collectPageErrors(page);
    await page.goto(`${rig.base}/book/?room=HPL`);
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
    const day = await rig.browser.newPage();
    await day.setViewportSize({ width: 1100, height: 900 });
    // /api/me answers 401 before the officer signs in: expected.
    const dayErrors = collectPageErrors(day, (_status, url) => url.endsWith('/api/me'));
    await signInOnPage(day, `${rig.base}/officer-day/?room=HPL`, officer.username, officer.password);
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
    expect(dayErrors).toEqual([]);
  });

  it('the day view appears only with its room chosen, so a date changed at once asks for that room (a slow network)', async () => {
    const officer = await createOfficer({ username: 'day-officer-slow', rooms: ['HPL'], district: 'XH' });
    await rig.browser.clearCookies();
    const day = await rig.browser.newPage();
    const dayErrors = collectPageErrors(day, (_status, url) => url.endsWith('/api/me'));
    const asked: string[] = [];
    day.on('request', (r) => void (r.url().includes('/day?') && asked.push(new URL(r.url()).pathname)));
    await day.route('**/api/rooms', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await signInOnPage(day, `${rig.base}/officer-day/?room=HPL`, officer.username, officer.password);
    await day.waitForSelector('#day-view:not(.hidden)');
    expect(await day.inputValue('#room')).toBe('HPL');
    await day.fill('#date', '2026-12-18');
    await day.dispatchEvent('#date', 'change');
    await day.waitForFunction(() => document.getElementById('slots')!.children.length > 0);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((p) => p === '/api/rooms/HPL/day')).toBe(true);
    expect(dayErrors).toEqual([]);
    await day.close();
  });
});
