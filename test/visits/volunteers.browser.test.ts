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

it('an admin adds a volunteer on the console page (temporary password shown once), edits its team and switches it off', async () => {
  await rig.browser.clearCookies();
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await signInOnPage(page, `${rig.base}/admin/volunteers/`, 'vb_admin', 'password-123');
  await page.locator('#volunteer-form').waitFor();
  await page.selectOption('#volunteer-room-filter', 'HPL');
  await page.fill('#v-username', 'vb_safety');
  await page.fill('#v-name', '郑安全');
  await page.selectOption('#v-team', 'safety');
  await page.selectOption('#v-room', 'HPL');
  await page.fill('#v-phone', '13912340061');
  await page.click('#volunteer-form button[type=submit]');
  await page.locator('#temp-password').waitFor();
  expect((await page.locator('#temp-password').textContent())!.length).toBeGreaterThanOrEqual(10);
  const row = page.locator('#volunteer-rows tr[data-username=vb_safety]');
  await row.waitFor();
  expect(await row.textContent()).toContain('139****0061');
  expect(await row.textContent()).toContain('安全员');
  await row.locator('button', { hasText: '编辑' }).click();
  await page.selectOption('#v-team', 'specialist');
  await page.click('#volunteer-form button[type=submit]');
  await page.locator('#volunteer-rows tr[data-username=vb_safety]', { hasText: '专管员' }).waitFor();
  page.once('dialog', (d) => void d.accept());
  await row.locator('button', { hasText: '停用' }).click();
  await page.locator('#volunteer-rows tr[data-username=vb_safety]', { hasText: '已停用' }).waitFor();
  expect(await axe(page)).toEqual([]);
  // The volunteer it was cannot sign in any more.
  await rig.browser.clearCookies();
  const temporary = await page.locator('#temp-password').textContent();
  await signInOnPage(page, `${rig.base}/volunteer/`, 'vb_safety', temporary!);
  await page.locator('#error:not(.hidden)').waitFor();
  expect(await page.locator('#home').isVisible()).toBe(false);
  expect(errors).toEqual([]);
  await page.close();
});

it("the month's report page and printable bulletin show HPL's volunteers per team and their work", async () => {
  await rig.browser.clearCookies();
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await signInOnPage(page, `${rig.base}/reports/?room=HPL`, 'vb_admin', 'password-123');
  // HPL this month: 信息员 吴信息 (one tip), 调解员 周调解 (one note), 专管员 郑安全 (switched off today, still active in the month).
  const expected = ['和平里社区警务室', '1', '1', '1', '0', '3', '1', '1', '0'];
  const row = page.locator('#volunteer-teams-table tr[data-room=HPL]');
  await row.waitFor();
  expect(await row.locator('td, th').allTextContents()).toEqual(expected);
  await page.goto(`${rig.base}/reports/bulletin.html?room=HPL`);
  const printed = page.locator('#b-volunteer-teams tr[data-room=HPL]');
  await printed.waitFor();
  expect(await printed.locator('td, th').allTextContents()).toEqual(expected);
  expect(await page.locator('#b-volunteers').textContent()).toContain('信息员提交线索1条，调解员添加调解记录1条');
  expect(errors).toEqual([]);
  await page.close();
});
