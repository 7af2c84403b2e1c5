import { mkdirSync } from 'node:fs';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { bindGroup } from './helpers';

/** The officers' jobs page in a real Chromium: sign in, set the talk day, send a broadcast, see it delivered per group. */
let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'jobs', { width: 1200, height: 900 });
  await createOfficer({ username: 'zw_hpl', name: '张伟', rooms: ['HPL'], district: 'XH' });
  await bindGroup('g-hpl-1', 'HPL', '和平里1号楼居民群');
  await bindGroup('g-lsc-1', 'LSC', '柳树村村民群');
});

afterAll(() => rig?.stop());

it('signs in, saves the talk day, sends a prevention tip to a bound group and shows its delivery', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  page.on('dialog', (d) => void d.accept());
  await signInOnPage(page, `${rig.base}/jobs/`, 'zw_hpl', 'password-123');
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
