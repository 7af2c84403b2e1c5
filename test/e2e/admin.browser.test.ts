import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createItem } from '../../src/modules/items/item.service';
import { ensureAdmin } from '../../src/modules/seed/seed.service';
import { buildTestApp, testLogger } from '../helpers/app';
import { chromiumOptions, collectPageErrors, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * The admin console in real Chromium, from a fresh start (issue #16's acceptance): the admin signs in
 * with the printed password and is made to change it, adds an officer with a room through the form
 * and gets a temporary password; the officer signs in with it, is made to change it and lands in the
 * inbox seeing only that room's work. The admin edits the room's Saturday hours and the booking page
 * shows them; adds an FAQ entry and the web chat answers with it; deactivates the officer, whose open
 * inbox stops at once. Every admin page passes an axe-core scan with no serious or critical violation.
 */

jest.setTimeout(240_000);

const { app } = buildTestApp({ LIVE_POLL_MS: '300' });
let rig: BrowserTest;
let officerContext: BrowserContext;
let officerDir: string;
let printedPassword = '';

beforeAll(async () => {
  rig = await startBrowserTest(app, 'admin-console');
  const lines: string[] = [];
  // As `npm start` does on an empty database: an admin with a random password, printed once.
  await ensureAdmin({ username: 'admin', logger: testLogger(), print: (l) => lines.push(l) });
  printedPassword = /初始密码 password: (\S+)/.exec(lines.join('\n'))![1];
  officerDir = mkdtempSync(path.join(os.tmpdir(), 'admin-console-officer-'));
  officerContext = await chromium.launchPersistentContext(officerDir, chromiumOptions());
});
afterAll(async () => {
  await officerContext?.close();
  if (officerDir) rmSync(officerDir, { recursive: true, force: true });
  await rig?.stop();
});

async function expectAccessible(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect({ page: label, violations: bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`) }).toEqual({ page: label, violations: [] });
}

async function signIn(page: Page, username: string, password: string) {
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-form button[type=submit]');
}

async function changePassword(page: Page, current: string, next: string) {
  await page.waitForURL(/\/account\/\?next=/);
  await page.waitForSelector('#force-notice');
  await page.fill('#current-password', current);
  await page.fill('#new-password', next);
  await page.fill('#new-password-again', next);
  await page.click('#password-form button[type=submit]');
}

it('takes a bureau from a fresh start to an officer at work, and every admin page passes axe', async () => {
  const hplItem = await createItem({ room: 'HPL', kind: 'question', text: '和平里的问题：孩子刚出生怎么上户口？' });
  const lscItem = await createItem({ room: 'LSC', kind: 'question', text: '柳树村的问题：身份证丢了怎么补办？' });

  const admin = await rig.browser.newPage();
  admin.on('dialog', (d) => void d.accept());
  const adminErrors = collectPageErrors(admin, (status, url) => (status === 401 && url.endsWith('/api/me')) || (status === 403 && url.includes('/api/')));

  // 1. The printed password works once: the admin is made to change it, then sees the checklist.
  await admin.goto(`${rig.base}/admin/`);
  await admin.waitForSelector('#login-form');
  await expectAccessible(admin, 'sign-in');
  await signIn(admin, 'admin', printedPassword);
  await admin.waitForURL(/\/account\/\?next=/);
  await admin.waitForSelector('#force-notice');
  await expectAccessible(admin, '/account/ (forced change)');
  await changePassword(admin, printedPassword, 'Admin-chosen-2026');
  await admin.waitForURL(`${rig.base}/admin/`);
  await admin.waitForSelector('#checklist li[data-step="password"].done');
  expect(await admin.locator('#checklist li[data-step="officers"]').getAttribute('class')).toBe('todo');
  await expectAccessible(admin, '/admin/');

  // 2. An officer with room HPL, added through the form (keyboard only for the fields).
  await admin.goto(`${rig.base}/admin/officers/`);
  await admin.waitForSelector('#officer-form');
  await expectAccessible(admin, '/admin/officers/');
  await admin.focus('#o-username');
  await admin.keyboard.type('e2e_cop');
  await admin.keyboard.press('Tab');
  await admin.keyboard.type('陈静');
  await admin.keyboard.press('Tab');
  await admin.keyboard.type('031299');
  await admin.check('#officer-form input[name=rooms][value=HPL]');
  await admin.click('#officer-form button[type=submit]');
  const temp = (await admin.locator('#temp-password').textContent({ timeout: 10_000 }))!.trim();
  expect(temp).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await admin.waitForSelector('tr[data-username="e2e_cop"]');
  expect(await admin.locator('tr[data-username="e2e_cop"]').textContent()).toContain('待修改临时密码');
  // Editing fills the form (username fixed), saves, and gives the form back for adding.
  await admin.locator('tr[data-username="e2e_cop"] button', { hasText: '编辑' }).click();
  expect(await admin.locator('#officer-form-title').textContent()).toBe('编辑：陈静');
  expect(await admin.inputValue('#o-username')).toBe('e2e_cop');
  expect(await admin.locator('#o-username').isDisabled()).toBe(true);
  expect(await admin.isChecked('#officer-form input[name=rooms][value=HPL]')).toBe(true);
  await admin.fill('#o-badge', '031300');
  await admin.click('#officer-form button[type=submit]');
  await admin.locator('tr[data-username="e2e_cop"]', { hasText: '031300' }).waitFor();
  expect(await admin.locator('#officer-form-title').textContent()).toBe('新增民警');
  expect(await admin.locator('#o-username').isDisabled()).toBe(false);

  // 3. The officer signs in with it, is made to change it, and lands in the inbox with HPL's work only.
  const officer = await officerContext.newPage();
  const officerErrors = collectPageErrors(officer, (status, url) => (status === 401 && url.includes('/api/')) || (status === 403 && url.includes('/api/')));
  await officer.goto(`${rig.base}/inbox/`);
  await officer.waitForSelector('#login-form');
  await signIn(officer, 'e2e_cop', temp);
  await changePassword(officer, temp, 'Officer-own-2026');
  await officer.waitForURL(`${rig.base}/inbox/`);
  await officer.waitForSelector(`#item-list >> text=${hplItem.code}`);
  expect(await officer.locator('#item-list').textContent()).not.toContain(lscItem.code);
  await officer.waitForSelector('#live-status.ok');

  // 4. Saturday hours of HPL: 9–12 becomes 14–16; the booking page offers 14:00 on Saturdays, not 9:00.
  await admin.goto(`${rig.base}/admin/rooms/?room=HPL`);
  await admin.waitForSelector('#h-6-open');
  expect(await admin.locator('#main').textContent()).not.toMatch(/null|undefined/);
  await expectAccessible(admin, '/admin/rooms/');
  await admin.fill('#h-6-open', '14:00');
  await admin.fill('#h-6-close', '16:00');
  await admin.fill('#r-hours-text', '周一至周五 8:30–12:00，14:00–17:30；周六下午 14:00–16:00');
  await admin.locator('form', { has: admin.locator('#r-hours-text') }).locator('button[type=submit]').click();
  await admin.waitForSelector('text=基本信息已保存。');
  await admin.locator('form', { has: admin.locator('#h-6-open') }).locator('button[type=submit]').click();
  await admin.waitForSelector('text=办公时间已保存，预约页面即时生效。');

  const resident = await rig.browser.newPage();
  await resident.goto(`${rig.base}/book/?room=HPL`);
  await resident.waitForSelector('#rooms >> text=周六下午 14:00–16:00');
  await resident.locator('#services button').first().click();
  await resident.locator('#days button', { hasText: '周六' }).first().click();
  await resident.waitForSelector('#slots button');
  const slots = await resident.locator('#slots').textContent();
  expect(slots).toContain('14:00');
  expect(slots).not.toContain('09:00');

  // 4b. A per-service rule: 居住证 at most 1 booking per slot; the booking page offers 余 1 in each of its slots.
  await admin.fill('#sv-residence_permit-cap', '1');
  await admin.locator('form', { has: admin.locator('#sv-residence_permit-cap') }).locator('button[type=submit]').click();
  await admin.waitForSelector('text=预约规则已保存。');
  await resident.goto(`${rig.base}/book/?room=HPL`);
  await resident.locator('#services button', { hasText: '居住证' }).click();
  await resident.locator('#days button').first().click();
  await resident.waitForSelector('#slots button');
  const permitSlots = await resident.locator('#slots button .sub').allTextContents();
  expect(permitSlots.length).toBeGreaterThan(0);
  expect(new Set(permitSlots)).toEqual(new Set(['余 1']));

  // 5. A new FAQ entry, tried first, answers the web chat at once.
  await admin.goto(`${rig.base}/admin/faq/`);
  await admin.waitForSelector('#faq-form');
  await admin.fill('#faq-question', '警务室可以代收快递吗？');
  await admin.fill('#faq-answer', '警务室不代收快递，请使用小区快递柜。（测试答案七号）');
  await admin.fill('#faq-keywords', '快递，代收，快递柜');
  await admin.fill('#try-text', '警务室能帮忙代收快递吗');
  await admin.locator('form', { has: admin.locator('#try-text') }).locator('button[type=submit]').click();
  await admin.waitForSelector('#try-result >> text=保存后');
  expect(await admin.locator('#try-result').textContent()).toContain('测试答案七号');
  await expectAccessible(admin, '/admin/faq/');
  await admin.click('#faq-form button[type=submit]');
  await admin.waitForSelector('text=已新增，机器人即刻可以用这条回答。');

  const chat = await rig.browser.newPage();
  await chat.goto(`${rig.base}/?room=HPL`);
  await chat.waitForSelector('#text');
  await chat.fill('#text', '警务室能帮忙代收快递吗');
  await chat.keyboard.press('Enter');
  await chat.waitForSelector('text=测试答案七号', { timeout: 15_000 });

  // 6. The other admin pages pass axe too.
  for (const p of ['/admin/channels/', '/admin/audit/', '/account/']) {
    await admin.goto(`${rig.base}${p}`);
    await admin.waitForSelector('#main h1');
    await admin.waitForLoadState('networkidle');
    await expectAccessible(admin, p);
  }
  await admin.goto(`${rig.base}/admin/audit/`);
  await admin.waitForSelector('#audit-rows tr');
  expect(await admin.locator('#audit-rows').textContent()).toContain('新增民警账号');

  // 7. Deactivating the officer stops their open inbox at once.
  await admin.goto(`${rig.base}/admin/officers/`);
  await admin.waitForSelector('tr[data-username="e2e_cop"]');
  await admin.locator('tr[data-username="e2e_cop"] button', { hasText: '停用' }).click();
  await admin.waitForSelector('text=已停用 陈静，其登录已全部退出。');
  await officer.waitForSelector('#login-view:not(.hidden)', { timeout: 5_000 });
  expect(await officer.locator('#login-error').textContent()).toContain('已退出登录');

  expect(adminErrors).toEqual([]);
  expect(officerErrors).toEqual([]);
});
