import { mkdirSync } from 'node:fs';
import { enqueueMessage } from '../../src/modules/outbox/outbox.service';
import { buildTestApp } from '../helpers/app';
import { collectPageErrors, startBrowserTest, type BrowserTest } from '../helpers/browser';

/** The resident web chat in a real browser: pick a room by link, ask, get the answer, see an officer's reply arrive. */
let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'chat', { width: 390, height: 800 });
  // The first message builds the understanding index (seconds on a loaded machine): do it before timing the page.
  await fetch(`${rig.base}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ room: 'HPL', text: '你好' }) });
});
afterAll(() => rig?.stop());

it('chats with the room from a /?room=HPL link and shows an officer reply', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${rig.base}/?room=HPL`);
  await page.getByText('和平里社区警务室').first().waitFor();
  await page.fill('#text', '身份证丢了怎么办');
  await page.click('#send');
  await page.locator('.msg-bot .bubble', { hasText: '身份证补领' }).first().waitFor({ timeout: 20_000 });
  await page.locator('.options button', { hasText: '办事指南' }).first().click();
  await page.locator('.options button', { hasText: '出生登记' }).first().waitFor();
  const conversationId = await page.evaluate(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['conv:HPL']);
  expect(conversationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await enqueueMessage({ key: 'browser:reply', to: { channel: 'web', conversationId, isGroup: false }, text: '您好，我是民警李娜，补领身份证请带户口簿。' });
  await page.locator('.msg-officer .bubble', { hasText: '民警李娜' }).waitFor({ timeout: 10_000 });
  mkdirSync('test-artifacts', { recursive: true });
  await page.screenshot({ path: 'test-artifacts/webchat.png', fullPage: true });
  expect(errors).toEqual([]);
});
