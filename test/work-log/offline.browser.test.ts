import sharp from 'sharp';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { AttachmentModel } from '../../src/modules/attachments/attachment.model';
import { WorkLogModel } from '../../src/modules/work-log/work-log.model';

/**
 * An officer on a phone (390 × 844, the browser's zone UTC) logs a household visit with a photo
 * while the phone has no signal. The entry waits in the browser; when the connection returns it is
 * sent — and the first answer is lost on the way back, so the page sends it again — and the server
 * holds it exactly once, with its photo once. And the page itself opens without signal: after one
 * visit online, a reload with no connection still shows the form (its service worker keeps the shell).
 */
let rig: BrowserTest;
let officerId: string;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'work-log-browser-'));

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp({ DATA_DIR: dataDir }).app, 'work-log', { width: 390, height: 844 }, { timezoneId: 'UTC' });
  officerId = (await createOfficer({ username: 'wlb_zhang', name: '张卫东', rooms: ['HPL'], district: 'XH' })).id;
  await createOfficer({ username: 'wlb_admin', name: '赵敏', role: 'admin' });
}, 120_000);

afterAll(async () => {
  await rig?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('keeps a household visit with its photo while offline and stores it once when back online, even when an answer is lost', async () => {
  const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#2266aa' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'FieldPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 0/1' } })
    .toBuffer();
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await signInOnPage(page, `${rig.base}/work-log/`, 'wlb_zhang', 'password-123');
  await page.locator('#log-view:not(.hidden) #kinds input').first().waitFor();
  // One room: no room picker; the places are the room's areas; the time is Beijing's wall clock.
  expect(await page.locator('#room-field').isHidden()).toBe(true);
  expect(await page.locator('#place option').allTextContents()).toEqual(['和平里社区']);
  // (The minute may have turned since the form was filled: now or a minute ago.)
  const beijing = await page.evaluate(() =>
    [0, 60_000].map((ago) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(new Date(Date.now() - ago)).replace(' ', 'T')),
  );
  expect(beijing).toContain(await page.inputValue('#at'));

  await rig.browser.setOffline(true);
  await page.locator('#net.offline').waitFor();
  await page.getByLabel('入户走访').check();
  await page.fill('#count', '8');
  await page.fill('#note', '走访3号楼独居老人，提醒防范电信诈骗');
  await page.setInputFiles('#photos', { name: 'IMG_2001.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.locator('#previews img').waitFor();
  await page.click('#save');
  await page.locator('#queue li', { hasText: '等待网络' }).waitFor();
  expect(await page.locator('#queue-title').textContent()).toBe('待提交（1）');
  // The form is ready for the next entry.
  expect(await page.inputValue('#note')).toBe('');
  expect(await WorkLogModel.countDocuments({})).toBe(0);

  // Back online, but the answer to the first try is lost on its way back: the server stored it, the page does not know.
  let lost = 0;
  await page.route('**/api/work-log', async (route) => {
    if (route.request().method() !== 'POST' || lost > 0) return route.continue();
    lost++;
    await route.fetch();
    await route.abort('connectionreset');
  });
  await rig.browser.setOffline(false);
  await until(async () => lost === 1 && (await WorkLogModel.countDocuments({})) === 1);
  // Still queued (as far as the page knows); 立即重试 sends it again with the same key.
  await page.locator('#queue li').waitFor();
  await page.click('#retry');
  await page.locator('#queue-card').waitFor({ state: 'hidden', timeout: 15_000 });
  await page.locator('#entries li', { hasText: '入户走访 · 和平里社区' }).waitFor();

  const entries = await WorkLogModel.find({}).lean();
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ officerName: '张卫东', room: 'HPL', kind: 'household_visit', place: '和平里社区', count: 8, note: '走访3号楼独居老人，提醒防范电信诈骗' });
  expect(await AttachmentModel.countDocuments({ workLog: entries[0]._id })).toBe(1);
  expect(await page.locator('#entries li .photos a').count()).toBe(1);
  expect(await page.locator('#counts').textContent()).toContain('入户走访 1');
  expect(errors).toEqual([]);

  // The admin sets the month's targets for 城市社区 rooms; the officer's 月考核 (page, CSV, bulletin) shows the visit against them.
  const adminAgent = request.agent(rig.base);
  const signedIn = await adminAgent.post('/api/auth/login').send({ username: 'wlb_admin', password: 'password-123' }).expect(200);
  await adminAgent.put('/api/work-log/targets/urban').set('X-CSRF-Token', signedIn.body.csrfToken).send({ targets: { household_visit: 3, patrol: 2 } }).expect(200);
  await page.goto(`${rig.base}/reports/`);
  const row = page.locator(`#worklog-officers tr[data-officer="${officerId}"]`);
  await row.waitFor({ timeout: 15_000 });
  expect(await row.locator('[data-kind="household_visit"]').textContent()).toBe('1/3 ⚠');
  expect(await row.locator('[data-kind="patrol"]').textContent()).toBe('0/2 ⚠');
  expect(await row.locator('[data-kind="publicity"]').textContent()).toBe('0');
  expect(await page.locator('#worklog-rooms tr[data-room="HPL"] [data-kind="household_visit"]').textContent()).toBe('1/3 ⚠');
  expect(await page.locator('[data-kpi-value="worklog"]').textContent()).toBe('1');

  const csv = await page.request.get(`${rig.base}/api/reports/monthly.csv?table=officers`);
  expect(csv.status()).toBe(200);
  const [header, ...rows] = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
  const mine = rows.find((r) => r[1] === '张卫东')!;
  expect([mine[header.indexOf('工作日志-入户走访')], mine[header.indexOf('工作日志-入户走访目标')], mine[header.indexOf('工作日志未达标项')]]).toEqual(['1', '3', '入户走访、治安巡逻']);

  await page.goto(`${rig.base}/reports/bulletin.html`);
  await page.locator('#b-worklog-officers tr.flagged').waitFor({ timeout: 15_000 });
  expect(await page.locator('#b-worklog').textContent()).toContain('民警张卫东（入户走访、治安巡逻）');
  expect(await page.locator('#b-worklog-officers tr.flagged [data-kind="household_visit"]').textContent()).toBe('1/3 ⚠');
  expect(errors).toEqual([]);
  await page.close();
}, 120_000);

it('opens without signal after one visit online, and the entry typed there is stored once when the connection returns', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await page.goto(`${rig.base}/work-log/`);
  await page.locator('#log-view:not(.hidden), #login-view:not(.hidden)').first().waitFor();
  if (await page.locator('#login-view:not(.hidden)').isVisible()) await signInOnPage(page, `${rig.base}/work-log/`, 'wlb_zhang', 'password-123');
  await page.locator('#log-view:not(.hidden) #kinds input').first().waitFor();
  // The service worker has taken the page's shell (installed and controlling this page).
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const before = await WorkLogModel.countDocuments({});

  await rig.browser.setOffline(true);
  await page.reload();
  await page.locator('#log-view:not(.hidden) #kinds input').first().waitFor({ timeout: 15_000 });
  expect(await page.locator('#who').textContent()).toBe('张卫东');
  expect(await page.locator('#net').textContent()).toContain('当前没有网络');
  expect(await page.locator('#place option').allTextContents()).toEqual(['和平里社区']);
  await page.getByLabel('治安巡逻').check();
  await page.fill('#note', '夜间巡逻小区东门');
  await page.click('#save');
  await page.locator('#queue li', { hasText: '等待网络' }).waitFor();
  expect(await WorkLogModel.countDocuments({})).toBe(before);

  await rig.browser.setOffline(false);
  await page.locator('#queue-card').waitFor({ state: 'hidden', timeout: 15_000 });
  await page.locator('#entries li', { hasText: '治安巡逻 · 和平里社区' }).waitFor();
  expect(await WorkLogModel.countDocuments({})).toBe(before + 1);
  expect(await WorkLogModel.find({ kind: 'patrol' }).lean()).toEqual([expect.objectContaining({ officerName: '张卫东', place: '和平里社区', note: '夜间巡逻小区东门' })]);
  expect(errors).toEqual([]);
  await page.close();
}, 120_000);
