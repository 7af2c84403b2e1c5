import path from 'node:path';
import { createItem } from '../../src/modules/items/item.service';
import { OutboxModel } from '../../src/modules/outbox/outbox.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startMockWechat, type MockWechat } from '../helpers/mock-wechat';
import { projectRoot } from '../../src/lib/project-root';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * The officers' inbox in a real headless Chromium, end to end: sign in, see a resident's new
 * item arrive live (no reload), claim it, reply, and watch the reply reach the resident in
 * the mock WeChat through the real outbox and bot.
 */
let rig: BrowserTest;
let wx: MockWechat;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp({ LIVE_POLL_MS: '300' }).app, 'inbox', { width: 1280, height: 800 });
  await createOfficer({ username: 'zw_inbox', name: '张伟', rooms: ['HPL'], password: 'Zhangwei-2025' });
  wx = await startMockWechat();
}, 120_000);

afterAll(async () => {
  await wx?.stop();
  await rig?.stop();
});

it('signs in, sees a new item arrive live, claims it, replies, and the reply reaches the resident on WeChat', async () => {
  const page = await rig.browser.newPage();
  // The inbox asks for the bot's status, which only admins may read: this officer gets a 403.
  const errors = collectPageErrors(page, (status, url) => isSignedOutRefusal(status) || url.includes('/api/bot/status'));
  await signInOnPage(page, `${rig.base}/inbox/`, 'zw_inbox', 'Zhangwei-2025');
  await page.waitForSelector('#app-view:not(.hidden)');
  await page.waitForSelector('#live-status.ok', { timeout: 10_000 });
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

  // A resident writes to the bot in a private chat; the conversation escalates it to an item.
  const resident = wx.createResident('王阿姨');
  const item = await createItem({
    room: 'HPL',
    kind: 'dispute',
    text: '楼上天天半夜剁东西，吵得睡不着，能管管吗？',
    origin: { channel: 'wechat', conversationId: resident.id, senderId: resident.id, senderName: '王阿姨', isGroup: false },
  });

  const row = page.locator(`.item-row[data-id="${item._id}"]`);
  await row.waitFor({ timeout: 10_000 });
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  await expect(row.textContent()).resolves.toContain('楼上天天半夜剁东西');

  await row.click();
  await page.waitForSelector('#detail:not(.hidden)');
  await page.click('#a-claim');
  await page.waitForFunction(() => document.querySelector('#d-meta')?.textContent?.includes('处理人：张伟'));

  const reply = '王阿姨您好，我们今晚会上门了解情况，请保持电话畅通。';
  await page.fill('#compose-text', reply);
  await page.click('#send');
  await page.waitForFunction((text) => [...document.querySelectorAll('#thread .msg.reply')].some((m) => m.textContent?.includes(text)), reply);

  const received = await wx.waitForMessage(resident, (t) => t.includes('我们今晚会上门'), 20_000);
  expect(received).toContain(reply);
  const out = await OutboxModel.findOne({ item: item._id }).lean();
  expect(out).toMatchObject({ channel: 'wechat', conversationId: resident.id, isGroup: false });
  await page.waitForFunction(() => document.querySelector('#d-meta')?.textContent?.includes('等待群众回复'));

  // Keyboard: j/k move the selection, Escape goes back.
  await page.keyboard.press('Escape');
  const other = await createItem({ room: 'HPL', kind: 'question', text: '居住证怎么续签？' });
  await page.locator(`.item-row[data-id="${other._id}"]`).waitFor({ timeout: 10_000 });
  const ids = await page.$$eval('.item-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.id ?? ''));
  const at = ids.indexOf(String(item._id));
  const selected = (id: string) => page.waitForFunction((want) => (document.querySelector('.item-row.selected') as HTMLElement | null)?.dataset.id === want, id, { timeout: 5000 });
  const [away, back] = at < ids.length - 1 ? (['j', 'k'] as const) : (['k', 'j'] as const);
  await page.keyboard.press(away);
  await selected(ids[at + (away === 'j' ? 1 : -1)]);
  await page.keyboard.press(back);
  await selected(ids[at]);
  await page.screenshot({ path: path.join(projectRoot(), 'test-artifacts', 'inbox.png'), fullPage: false });
  expect(errors).toEqual([]);
  await page.close();
}, 120_000);

it('works on a phone: list first, then the thread', async () => {
  const page = await rig.browser.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${rig.base}/inbox/`);
  await page.waitForSelector('#app-view:not(.hidden)'); // still signed in (same browser profile)
  await page.locator('.item-row').first().click();
  await page.waitForSelector('#detail:not(.hidden)');
  expect(await page.locator('#list-pane').isVisible()).toBe(false);
  await page.click('#back');
  expect(await page.locator('#list-pane').isVisible()).toBe(true);
  await page.screenshot({ path: path.join(projectRoot(), 'test-artifacts', 'inbox-phone.png') });
  await page.close();
}, 60_000);

it('"领取下一条" rides out a busy database: a 503 with Retry-After is tried again and the officer gets the item', async () => {
  const waiting = await createItem({ room: 'HPL', kind: 'question', text: '新生儿落户需要带什么？' });
  const page = await rig.browser.newPage();
  let refused = 0;
  // The first answer is what the service gives while the database restarts.
  await page.route('**/api/inbox/next', async (route) => {
    if (refused++ === 0) {
      await route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '1' },
        body: JSON.stringify({ error: { code: 'database_unavailable', message: '数据库暂时不可用，请稍后再试（Database unavailable）' } }),
      });
    } else await route.continue();
  });
  await page.goto(`${rig.base}/inbox/`);
  await page.waitForSelector('#app-view:not(.hidden)'); // still signed in (same browser profile)
  await page.click('#next-btn');
  await page.waitForFunction(() => /已领取 S/.test(document.body.innerText), undefined, { timeout: 10_000 });
  expect(refused).toBe(2);
  expect(await page.locator('body').innerText()).not.toContain('数据库暂时不可用');
  expect(waiting.code).toMatch(/^S/);
  await page.close();
}, 60_000);

it("shows an admin the WeChat bot's state in the top bar", async () => {
  await createOfficer({ username: 'inbox_admin', role: 'admin', name: '管理员', password: 'Inbox-admin-2025' });
  await rig.browser.clearCookies();
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await signInOnPage(page, `${rig.base}/inbox/`, 'inbox_admin', 'Inbox-admin-2025');
  await page.waitForSelector('#bot-status:not(.hidden)');
  expect(await page.locator('#bot-status').textContent()).toMatch(/^微信：\S+/);
  await page.waitForSelector('#live-status.ok', { timeout: 10_000 });
  expect(errors).toEqual([]);
  await page.close();
});
