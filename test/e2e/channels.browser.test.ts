import type { Page } from 'playwright-core';
import { createWecomRuntime, type WecomRuntime } from '../../src/channels/wecom/runtime';
import { createApp } from '../../src/http/app';
import { createOfficer } from '../helpers/auth';
import { testConfig, testLogger } from '../helpers/app';
import { collectPageErrors, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { FakeWecom } from '../helpers/fake-wecom';

/**
 * The admin channels page in Chromium shows the state the server really has: WeChat Customer
 * Service on (its callback verified through the fake WeCom), the alert and group roads off with
 * the settings they lack, SMS off without a provider, and each room's own customer-service link
 * made from the page (kf/add_contact_way with the room as scene).
 */
jest.setTimeout(180_000);

let fake: FakeWecom;
let rig: BrowserTest;
let runtime: WecomRuntime;

beforeAll(async () => {
  // Only the customer-service secret: the app (alerts) and customer-contact (groups) roads stay off.
  fake = await new FakeWecom({ secrets: { 'kf-secret': 'kf' } }).start();
  const config = testConfig({ ...fake.env(), OUTBOX_POLL_MS: '60000' });
  const logger = testLogger();
  runtime = createWecomRuntime({ config, logger, core: { ai: null } });
  rig = await startBrowserTest(createApp({ config, logger, wecom: runtime }), 'admin-channels');
  await runtime.start();
});
afterAll(async () => {
  await runtime?.stop();
  await rig?.stop();
  await fake?.stop();
});

const road = (page: Page, id: string) => page.locator(`#road-${id}`);

it('shows each channel on or off with what is missing, the verified callback, and makes a room its customer-service link', async () => {
  await createOfficer({ username: 'chanadmin', role: 'admin' });
  const v = fake.verification();
  const verified = await fetch(`${rig.base}/channels/wecom/callback?${new URLSearchParams(v.query)}`);
  expect(await verified.text()).toBe(v.echo);

  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, (status, url) => status === 401 && url.endsWith('/api/me'));
  page.on('dialog', (d) => void d.accept());
  await signInOnPage(page, `${rig.base}/admin/channels/`, 'chanadmin', 'password-123');
  await page.waitForSelector('#road-kf');

  await expectText(road(page, 'kf'), ['已启用', '访问令牌', '回调地址验证']);
  expect(await road(page, 'kf').textContent()).not.toContain('尚未验证');
  expect(await road(page, 'kf').getAttribute('data-on')).toBe('true');
  expect(await road(page, 'alerts').getAttribute('data-on')).toBe('false');
  await expectText(road(page, 'alerts'), ['未启用', '缺少配置：WECOM_APP_AGENT_ID、WECOM_APP_SECRET']);
  await expectText(road(page, 'groups'), ['未启用', '缺少配置：WECOM_CONTACT_SECRET']);
  await expectText(road(page, 'sms'), ['未启用', '缺少配置：SMS_PROVIDER']);
  expect(await page.locator('#official').textContent()).not.toContain('未配置');

  const hpl = page.locator('tr[data-room="HPL"]');
  await expectText(hpl.locator('.kf-link'), ['未生成']);
  await hpl.locator('.kf-link button').click();
  await page.waitForSelector('tr[data-room="HPL"] .kf-link a');
  const url = await hpl.locator('.kf-link a').getAttribute('href');
  expect(url).toMatch(/^https:\/\/work\.weixin\.qq\.com\/kf\//);
  // The link really names the room: a resident who opens it lands in HPL.
  expect(fake.contactWays.get(url!)).toEqual({ open_kfid: fake.kfAccounts[0].open_kfid, scene: 'HPL' });
  await expectText(page.locator('tr[data-room="LSC"] .kf-link'), ['未生成']);

  // A WeCom error shows up on the page as the road's last error.
  fake.failNext('kf/add_contact_way', 95000);
  await page.locator('tr[data-room="LSC"] .kf-link button').click();
  await page.waitForSelector('text=企业微信未能生成客服链接');
  await page.reload();
  await page.waitForSelector('#road-kf');
  await expectText(road(page, 'kf'), ['最近错误', 'kf/add_contact_way', '95000']);
  expect(errors.filter((e) => !/503/.test(e))).toEqual([]);
});

async function expectText(locator: ReturnType<Page['locator']>, parts: string[]): Promise<void> {
  await locator.first().waitFor();
  const text = (await locator.first().textContent()) ?? '';
  for (const p of parts) expect({ part: p, text: text.includes(p) }).toEqual({ part: p, text: true });
}
