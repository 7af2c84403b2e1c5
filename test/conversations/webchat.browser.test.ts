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

it('shows an officer reply over the live stream (the page never polls) and keeps the input at the bottom', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page);
  const polls: string[] = [];
  page.on('request', (r) => /\/api\/chat\/conversations\/[^/]+\/messages/.test(r.url()) && polls.push(r.url()));
  await page.goto(`${rig.base}/?room=HPL`);
  await page.fill('#text', '你好');
  await page.click('#send');
  await page.locator('.msg-me:not(.msg-pending)').first().waitFor();
  await page.waitForFunction(() => document.body.dataset.live === 'open');
  const conversationId = await page.evaluate(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['conv:HPL']);
  await enqueueMessage({ key: `browser:live:${conversationId}`, to: { channel: 'web', conversationId, isGroup: false }, text: '民警王强：您好，请讲。' });
  await page.locator('.msg-officer .bubble', { hasText: '民警王强' }).waitFor({ timeout: 5_000 });
  expect(await page.locator('#messages').getAttribute('aria-live')).toBe('polite');
  expect(polls).toEqual([]);
  for (const size of [{ width: 390, height: 844 }, { width: 390, height: 664 }, { width: 430, height: 932 }, { width: 1366, height: 860 }]) {
    await page.setViewportSize(size);
    const box = (await page.locator('#composer').boundingBox())!;
    expect(Math.round(box.y + box.height)).toBe(size.height);
  }
  expect(errors).toEqual([]);
});

it('keeps a message typed while offline and sends it when the connection returns', async () => {
  const page = await rig.browser.newPage();
  await page.goto(`${rig.base}/?room=HPL`);
  await page.locator('.options button').first().waitFor();
  await page.context().setOffline(true);
  await page.fill('#text', '居住证怎么办理');
  await page.click('#send');
  await page.locator('.msg-pending .bubble', { hasText: '居住证怎么办理' }).waitFor();
  await page.locator('#net-status', { hasText: '联网后会自动发送' }).waitFor();
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['pending:HPL']);
  expect(kept.map((p: { text: string }) => p.text)).toEqual(['居住证怎么办理']);
  const answersBefore = await page.locator('.msg-bot .bubble').count();
  await page.context().setOffline(false);
  // Back online: the page sends it on the 'online' event, or at its next retry (every 5 s) at the
  // latest, and the room's answer to it arrives (what it says depends on the conversation so far).
  await page.waitForFunction((n) => document.querySelectorAll('.msg-bot .bubble').length > n, answersBefore, { timeout: 30_000 });
  expect(await page.locator('.msg-pending').count()).toBe(0);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['pending:HPL'])).toEqual([]);
});

it('with two tabs open, a message typed offline in one is sent once, by that tab, which shows the answer', async () => {
  const other = await rig.browser.newPage();
  await other.goto(`${rig.base}/?room=HPL`);
  await other.locator('.options button').first().waitFor();
  const page = await rig.browser.newPage();
  await page.goto(`${rig.base}/?room=HPL`);
  await page.locator('.options button').first().waitFor();
  const posts: string[] = [];
  // Messages that reached the server (tries made while offline fail in the browser and do not count).
  const onRequest = (r: { method(): string; url(): string; postData(): string | null }) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/chat/messages') && r.postData()?.includes('户口迁移需要什么')) posts.push(r.url());
  };
  rig.browser.on('requestfinished', onRequest);
  try {
    await rig.browser.setOffline(true);
    await page.fill('#text', '户口迁移需要什么');
    await page.click('#send');
    await page.locator('#net-status', { hasText: '联网后会自动发送' }).waitFor();
    const otherAnswers = await other.locator('.msg-bot .bubble').count();
    const answersBefore = await page.locator('.msg-bot .bubble').count();
    await rig.browser.setOffline(false);
    await page.waitForFunction((n) => document.querySelectorAll('.msg-bot .bubble').length > n, answersBefore, { timeout: 30_000 });
    expect(await page.locator('.msg-pending').count()).toBe(0);
    // Both tabs heard 'online'; give the other one time to (wrongly) send it too.
    await other.waitForTimeout(1_500);
    expect(posts).toHaveLength(1);
    expect(await other.locator('.msg-bot .bubble').count()).toBe(otherAnswers);
  } finally {
    rig.browser.off('requestfinished', onRequest);
    await rig.browser.setOffline(false);
  }
});

it('a message left waiting in a tab that was closed is sent by the next tab opened', async () => {
  for (const open of rig.browser.pages()) await open.close();
  const page = await rig.browser.newPage();
  await page.goto(`${rig.base}/?room=HPL`);
  await page.locator('.options button').first().waitFor();
  await rig.browser.setOffline(true);
  try {
    await page.fill('#text', '护照怎么办理');
    await page.click('#send');
    await page.locator('#net-status', { hasText: '联网后会自动发送' }).waitFor();
    await page.close();
  } finally {
    await rig.browser.setOffline(false);
  }
  const next = await rig.browser.newPage();
  await next.goto(`${rig.base}/?room=HPL`);
  await next.locator('.msg-me .bubble', { hasText: '护照怎么办理' }).waitFor();
  await next.waitForFunction(() => JSON.parse(localStorage.getItem('police-room-chat') || '{}')['pending:HPL']?.length === 0, undefined, { timeout: 30_000 });
  expect(await next.locator('.msg-pending').count()).toBe(0);
  expect(await next.locator('.msg-bot .bubble').count()).toBeGreaterThan(1);
});
