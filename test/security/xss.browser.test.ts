import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { projectRoot } from '../../src/lib/project-root';
import { createItem } from '../../src/modules/items/item.service';
import { ItemModel } from '../../src/modules/items/item.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * Resident text carrying HTML and script, submitted the ways residents submit it (web chat,
 * tip form, a WeChat nickname), shown in the officers' inbox list and thread, in a real
 * headless Chromium: nothing runs (window.__xss stays undefined,
 * no element is injected) and the text is shown literally.
 */

jest.setTimeout(120_000);

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = '"><svg onload="window.__xss=1"></svg>';

let rig: BrowserTest;
const ids: Record<string, string> = {};

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'xss', { width: 1280, height: 900 });
  await createOfficer({ username: 'xss_hpl', name: '和平里民警', rooms: ['HPL'], district: 'XH', password: 'Xss-officer-2025' });

  // 1. The web chat: a dispute over several turns, hostile text in each turn, then a follow-up into its thread.
  const say = async (text: string, conversationId?: string) => {
    const res = await request(rig.server).post('/api/chat/messages').send({ room: 'HPL', text, ...(conversationId ? { conversationId } : {}) });
    expect(res.status).toBe(200);
    return res.body as { conversationId: string; replies: Array<{ text: string }> };
  };
  const first = await say('我要反映邻里纠纷');
  const cid = first.conversationId;
  await say(`楼上每天半夜剁东西 ${IMG} 已经一个多月了`, cid);
  const third = await say(`和平里小区3号楼 ${SCRIPT}`, cid);
  const code = /S[0-9A-Z]{7}/.exec(third.replies.map((r) => r.text).join('\n'))?.[0];
  expect(code).toBeTruthy();
  ids.chat = String((await ItemModel.findOne({ code }).lean())!._id);
  // An officer asked the resident something; the resident's next message joins the thread.
  await ItemModel.updateOne({ _id: ids.chat }, { $set: { status: 'waiting' } });
  await say(`今天晚上又开始了，十一点多还在剁 ${SVG}`, cid);

  // 2. A named tip through the tip form: hostile text and a hostile contact name.
  const tip = await request(rig.server).post('/api/tips').send({ room: 'HPL', text: `地下车库有人聚赌 ${SCRIPT} ${IMG}`, anonymous: false, contact: { name: `<b onmouseover="window.__xss=1">李四</b>` } });
  expect(tip.status).toBe(201);
  ids.tip = String((await ItemModel.findOne({ code: tip.body.code }).lean())!._id);

  // 3. A WeChat resident whose nickname is hostile (the name is shown next to the channel).
  const wechat = await createItem({
    room: 'HPL',
    kind: 'complaint',
    text: `投诉物业 ${IMG}`,
    origin: { channel: 'wechat', conversationId: 'wx-xss-1', senderId: 'wx-xss-1', senderName: `<img src=x onerror="window.__xss=1">王`, isGroup: false },
  });
  ids.wechat = String(wechat._id);
}, 120_000);

afterAll(() => rig?.stop());

/** Fails the test if anything tries to run: the flag, a dialog, or an injected element. */
async function assertInert(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  const injected = await page.evaluate(() => ({
    imgs: [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
    svgs: [...document.querySelectorAll('svg')].filter((s) => s.getAttribute('onload')).length,
    handlers: [...document.querySelectorAll('[onerror],[onload],[onmouseover]')].length,
  }));
  expect(injected).toEqual({ imgs: 0, scripts: 0, svgs: 0, handlers: 0 });
}

it('the inbox list and threads show the hostile text literally and run none of it', async () => {
  const page = await rig.browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signInOnPage(page, `${rig.base}/inbox/`, 'xss_hpl', 'Xss-officer-2025');
  await page.waitForSelector('#app-view:not(.hidden)');

  for (const id of [ids.chat, ids.tip, ids.wechat]) await page.locator(`.item-row[data-id="${id}"]`).waitFor({ timeout: 10_000 });
  // The list shows the summaries literally.
  const listText = await page.locator('#list-pane').innerText();
  expect(listText).toContain('<img src=x onerror="window.__xss=1">');
  await assertInert(page);

  // The chat dispute's thread: every hostile turn shown as text.
  await page.locator(`.item-row[data-id="${ids.chat}"]`).click();
  await page.waitForSelector('#detail:not(.hidden)');
  await page.waitForFunction(() => document.querySelector('#thread')?.textContent?.includes('今天晚上又开始了'));
  const thread = await page.locator('#thread').innerText();
  expect(thread).toContain(IMG);
  expect(thread).toContain(SCRIPT);
  expect(thread).toContain('<svg onload="window.__xss=1"></svg>');
  await assertInert(page);
  mkdirSync(path.join(projectRoot(), 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: path.join(projectRoot(), 'test-artifacts', 'xss-inbox.png'), fullPage: false });

  // The tip: text and the tipster's contact name.
  await page.locator(`.item-row[data-id="${ids.tip}"]`).click();
  await page.waitForFunction(() => document.querySelector('#thread')?.textContent?.includes('地下车库有人聚赌'));
  expect(await page.locator('#thread').innerText()).toContain(SCRIPT);
  expect(await page.locator('#d-contact').innerText()).toContain('<b onmouseover="window.__xss=1">李四</b>');
  await page.hover('#d-contact');
  await assertInert(page);

  // The WeChat nickname.
  await page.locator(`.item-row[data-id="${ids.wechat}"]`).click();
  await page.waitForFunction(() => document.querySelector('#thread')?.textContent?.includes('投诉物业'));
  expect(await page.locator('#detail').innerText()).toContain('<img src=x onerror="window.__xss=1">王');
  await assertInert(page);

  expect(dialogs).toEqual([]);
  await page.close();
});
