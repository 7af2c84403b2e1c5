import type { Page } from 'playwright-core';
import request from 'supertest';
import { GroupBindingModel } from '../../src/modules/groups/group.model';
import { ItemModel } from '../../src/modules/items/item.model';
import { buildTestApp } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * Every page beyond the inbox that shows words someone else wrote: the officers' day (a
 * resident's name on a booking, an officer's note), the jobs page (a broadcast's title and text,
 * a WeChat group's name), the tip line (the officer's answer, shown to the tipster) and the
 * monthly report (an officer's name, which an admin typed). Hostile text reaches each page the
 * way it would in use, in real Chromium: nothing runs, nothing is injected, the text is shown
 * literally.
 */

jest.setTimeout(180_000);

const IMG = '<img src=x onerror="window.__xss=1">';
const SVG = '<svg onload=__xss=1>'; // 20 characters: fits a booking's name field
const SCRIPT = '<script>window.__xss=1</script>';

let rig: BrowserTest;
let bookingDay = '';
let tip: { code: string; secret: string };

beforeAll(async () => {
  const { app } = buildTestApp();
  rig = await startBrowserTest(app, 'xss-pages', { width: 1280, height: 900 });
  await createOfficer({ username: 'xsp_hpl', name: `${IMG}刘警官`, rooms: ['HPL'], district: 'XH', password: 'Xss-pages-2025' });
  await createOfficer({ username: 'xsp_sup', name: '赵所长', role: 'supervisor', district: 'XH', password: 'Xss-pages-2025' });
  const { agent, csrf } = await login(app, 'xsp_hpl', 'Xss-pages-2025');
  const http = () => request(rig.server);

  // A booking with a hostile name, and an officer's hostile note on it.
  const { services } = (await http().get('/api/services')).body as { services: Array<{ key: string; bookable: boolean }> };
  const service = services.find((s) => s.bookable)!.key;
  const slots = (await http().get(`/api/rooms/HPL/slots?service=${service}&days=30`)).body as { days: Array<{ date: string; slots: Array<{ start: string; remaining: number }> }> };
  const day = slots.days.find((d) => d.slots.some((s) => s.remaining > 0))!;
  bookingDay = day.date;
  const booked = await http()
    .post('/api/appointments')
    .send({ room: 'HPL', service, start: day.slots.find((s) => s.remaining > 0)!.start, name: SVG, phone: '13912340000', materialsConfirmed: true });
  expect(booked.status).toBe(201);
  const noted = await agent.post(`/api/appointments/${booked.body.code}/notes`).set('X-CSRF-Token', csrf).send({ text: `材料不全 ${SCRIPT}` });
  expect(noted.status).toBeLessThan(300);

  // A WeChat group with a hostile name, bound to the room, and a broadcast with hostile words.
  await GroupBindingModel.create({ groupId: 'xss-group@chatroom', room: 'HPL', topic: `${IMG}和平里居民群`, boundVia: 'officer', boundAt: new Date() });
  const sendAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const broadcast = await agent
    .post('/api/broadcasts')
    .set('X-CSRF-Token', csrf)
    .send({ room: 'HPL', kind: 'prevention_tip', title: `防诈 ${IMG}`, body: `不要转账 ${SCRIPT}`, groups: ['xss-group@chatroom'], sendAt });
  expect(broadcast.status).toBeLessThan(300);

  // A tip, answered by the officer with hostile text: the tipster reads it on the tip page.
  const submitted = await http().post('/api/tips').send({ room: 'HPL', text: `仓库里有人囤假酒 ${IMG}`, anonymous: true });
  expect(submitted.status).toBe(201);
  tip = { code: submitted.body.code, secret: submitted.body.secret };
  const item = (await ItemModel.findOne({ code: tip.code }).lean())!;
  const replied = await agent.post(`/api/inbox/${item._id}/reply`).set('X-CSRF-Token', csrf).send({ text: `收到，我们去看看 ${SVG}${IMG}` });
  expect(replied.status).toBeLessThan(300);
}, 180_000);

afterAll(() => rig?.stop());

async function openPage(): Promise<{ page: Page; dialogs: string[] }> {
  await rig.browser.clearCookies(); // each test signs in as its own officer
  const page = await rig.browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, dialogs };
}

/** Fails if anything tried to run: the flag, or an element the hostile text would have made. */
async function assertInert(page: Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  const injected = await page.evaluate(() => ({
    imgs: [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
    svgs: document.querySelectorAll('svg[onload]').length,
    handlers: document.querySelectorAll('[onerror],[onload],[onmouseover]').length,
  }));
  expect(injected).toEqual({ imgs: 0, scripts: 0, svgs: 0, handlers: 0 });
  expect(dialogs).toEqual([]);
}

it("the officers' day shows a hostile booking name and note as text", async () => {
  const { page, dialogs } = await openPage();
  await signInOnPage(page, `${rig.base}/officer-day/?room=HPL`, 'xsp_hpl', 'Xss-pages-2025');
  await page.locator('#date').fill(bookingDay);
  await page.locator('#date').dispatchEvent('change');
  await page.waitForFunction((name) => document.body.innerText.includes(name), SVG, { timeout: 15_000 });
  const text = await page.locator('body').innerText();
  expect(text).toContain(SVG);
  expect(text).toContain(SCRIPT);
  await assertInert(page, dialogs);
  await page.close();
});

it('the jobs page shows a hostile broadcast and group name as text', async () => {
  const { page, dialogs } = await openPage();
  await signInOnPage(page, `${rig.base}/jobs/`, 'xsp_hpl', 'Xss-pages-2025');
  await page.waitForFunction(() => document.body.innerText.includes('防诈'), undefined, { timeout: 15_000 });
  // The group's name is in the broadcast form's group list (rendered, possibly folded away).
  await page.waitForFunction((name) => document.body.textContent?.includes(name), `${IMG}和平里居民群`, { timeout: 15_000 });
  const text = await page.locator('body').innerText();
  expect(text).toContain(`防诈 ${IMG}`);
  await assertInert(page, dialogs);
  await page.close();
});

it("the tip page shows the officer's answer to the tipster as text", async () => {
  const { page, dialogs } = await openPage();
  await page.goto(`${rig.base}/tips/`);
  await page.click('#tab-check');
  await page.fill('#c-code', tip.code);
  await page.fill('#c-secret', tip.secret);
  await page.locator('#check-form').evaluate((f) => (f as HTMLFormElement).requestSubmit());
  await page.waitForFunction(() => document.querySelector('#t-thread')?.textContent?.includes('收到，我们去看看'), undefined, { timeout: 15_000 });
  const thread = await page.locator('#t-thread').innerText();
  expect(thread).toContain(`${SVG}${IMG}`);
  expect(thread).toContain(`仓库里有人囤假酒 ${IMG}`);
  await assertInert(page, dialogs);
  await page.close();
});

it("the monthly report shows a hostile officer name as text", async () => {
  const { page, dialogs } = await openPage();
  await signInOnPage(page, `${rig.base}/reports/`, 'xsp_sup', 'Xss-pages-2025');
  await page.waitForFunction((name) => [...document.querySelectorAll('option')].some((o) => o.textContent === name), `${IMG}刘警官`, { timeout: 15_000 });
  await assertInert(page, dialogs);
  await page.goto(`${rig.base}/reports/bulletin.html`);
  await page.waitForLoadState('networkidle');
  await assertInert(page, dialogs);
  await page.close();
});
