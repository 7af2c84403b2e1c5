import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { recordAudit } from '../../src/modules/audit/audit.service';
import { createRoom } from '../../src/modules/rooms';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { collectPageErrors, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * Issue #16: "supervisors see their district read-only where that makes sense". In Chromium, the XH
 * district's supervisor sees XH's rooms (settings shown, nothing to save), XH's officers (no add, reset,
 * deactivate), XH's entries of the 工作日志 and none of another district's; the admin-only pages (home
 * checklist, FAQ) say the account may not use them. The read-only views pass axe too.
 */
jest.setTimeout(180_000);

let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'admin-supervisor', { width: 1366, height: 860 }, { timezoneId: 'UTC' });
  await createOfficer({ username: 'sup_xh', name: '陈杰', role: 'supervisor', district: 'XH' });
  await createOfficer({ username: 'cop_xh', name: '李娜', rooms: ['HPL'], district: 'XH' });
  await createRoom({
    code: 'NS1', name: '南山社区警务室', type: 'urban', district: 'NS', districtName: '南山区', address: '南山路1号', phone: '0571-00000000',
    hoursText: '周一至周五 9:00–17:00', openingHours: [{ weekday: 1, open: '09:00', close: '17:00' }],
  });
  await createOfficer({ username: 'cop_ns', name: '周涛', rooms: ['NS1'], district: 'NS' });
  await recordAudit({ actor: { kind: 'system' }, action: 'faq.update', room: 'HPL', detail: '和平里的日志条目' });
  await recordAudit({ actor: { kind: 'system' }, action: 'faq.update', room: 'NS1', detail: '南山的日志条目' });
}, 120_000);
afterAll(() => rig?.stop());

async function noSeriousAxe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

it('shows a supervisor their district read-only and keeps the admin-only pages closed', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, (status, url) => status === 401 && url.endsWith('/api/me'));
  await page.goto(`${rig.base}/admin/rooms/`);
  await page.fill('#login-username', 'sup_xh');
  await page.fill('#login-password', 'password-123');
  await page.click('#login-form button[type=submit]');

  // Rooms: the district's only, read-only.
  await page.locator('#room-list button').first().waitFor();
  const rooms = await page.locator('#room-list button').allTextContents();
  expect(rooms).toContain('和平里社区警务室');
  expect(rooms).not.toContain('南山社区警务室');
  expect(await page.locator('#main').textContent()).toContain('督导账号只读');
  expect(await page.locator('#add-room').count()).toBe(0);
  await page.locator('#room-list button', { hasText: '和平里' }).click();
  await page.locator('#h-6-open').waitFor();
  expect(await page.locator('#h-6-open').isDisabled()).toBe(true);
  expect(await page.locator('#r-hours-text').isDisabled()).toBe(true);
  expect(await page.locator('#room-editor button[type=submit]').count()).toBe(0);
  expect(await page.locator('#room-editor fieldset:not([disabled]) input').count()).toBe(0);
  const nav = await page.locator('#admin-nav a').allTextContents();
  expect(nav).not.toContain('首页');
  expect(nav).not.toContain('常见问答');
  expect(await noSeriousAxe(page)).toEqual([]);

  // Officers: the district's, with nothing to change.
  await page.goto(`${rig.base}/admin/officers/`);
  await page.locator('tr[data-username="cop_xh"]').waitFor();
  expect(await page.locator('tr[data-username="cop_ns"]').count()).toBe(0);
  expect(await page.locator('#officer-form').count()).toBe(0);
  expect(await page.locator('#officer-rows button').count()).toBe(0);
  expect(await noSeriousAxe(page)).toEqual([]);

  // The 工作日志: the district's entries only.
  await page.goto(`${rig.base}/admin/audit/`);
  await page.locator('#audit-rows tr', { hasText: '和平里的日志条目' }).waitFor();
  expect(await page.locator('#audit-rows').textContent()).not.toContain('南山的日志条目');

  // Admin-only pages.
  for (const path of ['/admin/', '/admin/faq/']) {
    await page.goto(`${rig.base}${path}`);
    await page.locator('#main [role=alert]', { hasText: '当前账号无权使用此页面' }).waitFor();
  }
  await page.close();
  expect(errors).toEqual([]);
});
