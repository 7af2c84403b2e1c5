import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { setSchedule } from '../appointments/helpers';

/**
 * 约访 in real Chromium at phone size, the browser's zone UTC: a resident books a talk with a
 * leader on the talk day from the booking page; the room's officer sees it on the day page and
 * turns what was said into an item; the resident looks the item up on the status page. Each
 * new state of the pages is scanned by axe-core (no serious or critical violation).
 */
jest.setTimeout(240_000);

let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'visits', { width: 390, height: 844 }, { timezoneId: 'UTC' });
  await setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 62 });
  await createOfficer({ username: 'visits_hpl', name: '李娜', rooms: ['HPL'], district: 'XH' });
});
afterAll(() => rig?.stop());

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

it('a resident books a 约访 with a leader on the talk day; the officer turns it into an item the resident looks up', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await page.goto(`${rig.base}/book/?room=HPL`);
  await page.locator('#services button', { hasText: '约访民警' }).click();
  // The talk day is marked among the days; picking it allows a leader.
  const talkDay = page.locator('#days button', { hasText: '恳谈日·可约所领导' }).first();
  await talkDay.waitFor();
  await talkDay.click();
  await page.locator('#slots button').first().click();
  await page.locator('#topic').waitFor();
  expect(await page.locator('#step-materials').isVisible()).toBe(false);
  expect(await page.locator('#with-leader').isEnabled()).toBe(true);
  await page.check('#with-leader');
  await page.fill('#topic', '小区门口路灯坏了一个月，想和领导当面反映');
  await page.fill('#name', '王芳');
  await page.fill('#phone', '13912345678');
  expect(await page.locator('#summary').textContent()).toMatch(/约所领导：小区门口路灯坏了一个月/);
  expect(await axe(page)).toEqual([]);
  await page.click('#confirm');
  await page.locator('#done:not(.hidden) #done-code').filter({ hasText: /^Y/ }).waitFor();
  const code = (await page.locator('#done-code').textContent())!;
  expect(await page.locator('#done-details').textContent()).toMatch(/约访事由小区门口路灯坏了一个月/);
  expect(await page.locator('#done-details').textContent()).toMatch(/所领导/);
  const date = (await page.locator('#done-details').textContent())!.match(/\d{4}-\d{2}-\d{2}/)![0];

  // The room's officer: the day page shows the 约访 and its topic, and turns it into an item.
  const officer = await rig.browser.newPage();
  const officerErrors = collectPageErrors(officer, isSignedOutRefusal);
  await signInOnPage(officer, `${rig.base}/officer-day/?room=HPL`, 'visits_hpl', 'password-123');
  await officer.locator('#day-view:not(.hidden)').waitFor();
  await officer.fill('#date', date);
  await officer.dispatchEvent('#date', 'change');
  const row = officer.locator('.appt', { hasText: code });
  await row.locator('.topic', { hasText: '小区门口路灯坏了一个月' }).waitFor();
  expect(await axe(officer)).toEqual([]);
  await row.locator('textarea').fill('路灯归物业管，已联系物业，约定一周内修好后回访');
  await row.locator('select').selectOption('followup');
  await row.locator('button', { hasText: '转为事项' }).click();
  const made = officer.locator('.appt', { hasText: code }).locator('p', { hasText: /已转为事项 S/ });
  await made.waitFor();
  const itemCode = (await made.textContent())!.match(/S[0-9A-Z]{7}/)![0];

  // The resident looks it up on the status page.
  await page.goto(`${rig.base}/status/`);
  await page.fill('#code', itemCode);
  await page.click('#go');
  await page.locator('#answer:not(.hidden) #a-state').filter({ hasText: '待处理' }).waitFor();
  expect(await page.locator('#a-title').textContent()).toContain(itemCode);
  await page.fill('#code', code);
  await page.click('#go');
  await page.locator('#a-facts', { hasText: itemCode }).waitFor();
  expect(errors).toEqual([]);
  expect(officerErrors).toEqual([]);
  await page.close();
  await officer.close();
});
