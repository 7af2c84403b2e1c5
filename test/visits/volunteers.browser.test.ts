import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { createItem } from '../../src/modules/items/item.service';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * The volunteers' page in real Chromium at phone size: a 调解员 signs in, sees the one dispute
 * given to them, reads it and adds a note; a 信息员 submits a named tip. axe-core finds no
 * serious or critical violation on either.
 */
jest.setTimeout(240_000);

const built = buildTestApp();
let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(built.app, 'volunteers', { width: 390, height: 844 }, { timezoneId: 'UTC' });
  await createOfficer({ username: 'vb_admin', role: 'admin', name: '赵敏' });
  await createOfficer({ username: 'vb_hpl', rooms: ['HPL'], name: '李娜' });
});
afterAll(() => rig?.stop());

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

it('a 调解员 sees only the dispute given to them and adds a note; a 信息员 submits a named tip', async () => {
  const admin = await login(built.app, 'vb_admin');
  const make = (username: string, name: string, team: string) =>
    admin.agent.post('/api/volunteers').set('X-CSRF-Token', admin.csrf).send({ username, name, room: 'HPL', team, password: 'Volunteer-pass-1' });
  const mediator = await make('vb_mediator', '周调解', 'mediator');
  expect(mediator.status).toBe(201);
  expect((await make('vb_informant', '吴信息', 'informant')).status).toBe(201);
  const given = await createItem({ room: 'HPL', kind: 'dispute', text: '楼上每晚拖椅子，吵得孩子睡不着' });
  const notGiven = await createItem({ room: 'HPL', kind: 'dispute', text: '对门杂物堆楼道（未交给调解员）' });
  const officer = await login(built.app, 'vb_hpl');
  expect((await officer.agent.post(`/api/volunteers/${mediator.body.volunteer.id}/disputes`).set('X-CSRF-Token', officer.csrf).send({ item: given.code })).status).toBe(201);

  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await page.goto(`${rig.base}/volunteer/`);
  await page.locator('#login-form').waitFor();
  expect(await axe(page)).toEqual([]);
  await signInOnPage(page, `${rig.base}/volunteer/`, 'vb_mediator', 'Volunteer-pass-1');
  await page.locator('#disputes li', { hasText: given.code }).waitFor();
  expect(await page.locator('#title').textContent()).toContain('调解员');
  expect(await page.locator('#disputes').textContent()).not.toContain(notGiven.code);
  expect(await page.locator('#informant').isVisible()).toBe(false);
  await page.locator('#disputes li', { hasText: given.code }).locator('button').click();
  await page.locator('#d-thread li', { hasText: '楼上每晚拖椅子' }).waitFor();
  await page.fill('#note-text', '已上门了解，约双方周末面谈');
  await page.click('#note-form button[type=submit]');
  await page.locator('#d-thread li', { hasText: '调解员（我）：【调解员 周调解】已上门了解' }).waitFor();
  expect(await axe(page)).toEqual([]);
  await page.click('#sign-out');
  await page.locator('#login-view:not(.hidden)').waitFor();

  await signInOnPage(page, `${rig.base}/volunteer/`, 'vb_informant', 'Volunteer-pass-1');
  await page.locator('#informant:not(.hidden)').waitFor();
  expect(await page.locator('#mediator').isVisible()).toBe(false);
  await page.fill('#tip-text', '小区东门有人兜售假药');
  await page.click('#tip-form button[type=submit]');
  await page.locator('#tip-done', { hasText: /编号 J[0-9A-Z]{7}/ }).waitFor();
  await page.locator('#tips li', { hasText: '小区东门有人兜售假药' }).waitFor();
  expect(await axe(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});
