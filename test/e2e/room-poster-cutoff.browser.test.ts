import QRCode from 'qrcode';
import { DateTime } from 'luxon';
import request from 'supertest';
import { createWecomRuntime, type WecomRuntime } from '../../src/channels/wecom/runtime';
import { createApp } from '../../src/http/app';
import { createOfficer, login } from '../helpers/auth';
import { testConfig, testLogger } from '../helpers/app';
import { collectPageErrors, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { FakeWecom } from '../helpers/fake-wecom';

/**
 * Issue #16 in Chromium:
 *  - the printable poster's QR opens the room's WeChat customer-service contact link once one was
 *    made (through the fake WeCom), the room's web chat before that, and the poster says which;
 *  - the room editor has a per-service booking cut-off ("截止（开始前分钟）"), saved through the API
 *    and enforced when booking: the service's slots inside the cut-off disappear and booking one
 *    is refused in Chinese, while other services keep the room's cut-off.
 */
jest.setTimeout(240_000);

const PUBLIC_URL = 'https://jw.example.cn';
const ZONE = 'Asia/Shanghai';
let fake: FakeWecom;
let rig: BrowserTest;
let runtime: WecomRuntime;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  fake = await new FakeWecom({ secrets: { 'kf-secret': 'kf' } }).start();
  const config = testConfig({ ...fake.env(), OUTBOX_POLL_MS: '60000', PUBLIC_URL });
  const logger = testLogger();
  runtime = createWecomRuntime({ config, logger, core: { ai: null } });
  app = createApp({ config, logger, wecom: runtime });
  rig = await startBrowserTest(app, 'room-poster-cutoff');
  await runtime.start();
  await createOfficer({ username: 'poster_admin', role: 'admin' });
});
afterAll(async () => {
  await runtime?.stop();
  await rig?.stop();
  await fake?.stop();
});

const qrOf = (url: string) => QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

it('the poster QR opens the web chat until the room has a WeChat customer-service link, then that link; the poster says which', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, (status, url) => status === 401 && url.endsWith('/api/me'));
  await signInOnPage(page, `${rig.base}/admin/channels/`, 'poster_admin', 'password-123');
  await page.waitForSelector('#road-kf');

  await page.goto(`${rig.base}/admin/rooms/poster.html?room=HPL`);
  await page.waitForSelector('#poster h1');
  expect(await page.locator('#poster h1').textContent()).toBe('和平里社区警务室');
  expect(await page.locator('#qr-label').textContent()).toContain('打开本室网上警务室（网页咨询');
  expect(await page.locator('#poster img.qr').getAttribute('data-target')).toBe('web_chat');
  const webSvg = await (await page.request.get(`${rig.base}/api/admin/rooms/HPL/poster-qr.svg`)).text();
  expect(webSvg).toBe(await qrOf(`${PUBLIC_URL}/?room=HPL`));
  expect(await page.locator('#poster').textContent()).toContain('紧急情况请拨打110');

  // The admin makes HPL's customer-service link on the channels page.
  await page.goto(`${rig.base}/admin/channels/`);
  await page.locator('tr[data-room="HPL"] .kf-link button').click();
  await page.waitForSelector('tr[data-room="HPL"] .kf-link a');
  const kfUrl = (await page.locator('tr[data-room="HPL"] .kf-link a').getAttribute('href'))!;
  expect(kfUrl).toMatch(/^https:\/\/work\.weixin\.qq\.com\/kf\//);

  await page.goto(`${rig.base}/admin/rooms/poster.html?room=HPL`);
  await page.waitForSelector('#qr-label');
  expect(await page.locator('#qr-label').textContent()).toContain('添加本室微信客服');
  expect(await page.locator('#poster img.qr').getAttribute('data-target')).toBe('wechat_kf');
  expect(await page.locator('#poster img.qr').getAttribute('alt')).toBe('和平里社区警务室微信客服二维码');
  // The image really loads and encodes the contact link, not the web chat.
  expect(await page.locator('#poster img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const kfSvg = await (await page.request.get(`${rig.base}/api/admin/rooms/HPL/poster-qr.svg`)).text();
  expect(kfSvg).toBe(await qrOf(kfUrl));
  expect(kfSvg).not.toBe(webSvg);
  // Another room without a link keeps its web chat.
  const lsc = await (await page.request.get(`${rig.base}/api/admin/rooms/LSC/poster`)).json();
  expect(lsc.qr).toEqual({ kind: 'web_chat', url: `${PUBLIC_URL}/?room=LSC`, label: expect.any(String) });
  expect(errors).toEqual([]);
});

type Slot = { start: string; remaining: number };

it('a per-service booking cut-off set in the room editor is saved and enforced by the booking engine', async () => {
  const anon = request(app.callback());
  const slotsOf = async (service: string) => (await anon.get(`/api/rooms/HPL/slots?service=${service}&days=14`)).body.data as Slot[];
  const weekAhead = DateTime.now().setZone(ZONE).plus({ minutes: 10080 });
  const early = (slots: Slot[]) => slots.filter((s) => DateTime.fromISO(s.start) < weekAhead && s.remaining > 0);
  const before = early(await slotsOf('hukou_item_change'));
  expect(before.length).toBeGreaterThan(0);

  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, (status, url) => status === 401 && url.endsWith('/api/me'));
  // The browser may still hold the first test's session.
  await page.goto(`${rig.base}/admin/rooms/`);
  await page.locator('#login-username, #room-list button').first().waitFor();
  if (await page.locator('#login-username').isVisible()) await signInOnPage(page, `${rig.base}/admin/rooms/`, 'poster_admin', 'password-123');
  await page.locator('#room-list button', { hasText: '和平里' }).click();
  const cutoff = page.locator('#sv-hukou_item_change-closes');
  await cutoff.waitFor();
  expect(await cutoff.getAttribute('aria-label')).toBe('户口一般项目变更：截止：开始前几分钟');
  await cutoff.fill('10080');
  const rules = page.locator('form', { has: page.locator('legend', { hasText: '预约规则和办理事项' }) });
  await rules.locator('button[type=submit]').click();
  await rules.locator('text=预约规则已保存。').waitFor();

  // Saved through the API: the schedule has it, and the editor shows it again after a reload.
  const admin = await login(app, 'poster_admin');
  const schedule = (await admin.agent.get('/api/rooms/HPL/schedule')).body.schedule;
  expect(schedule.services.find((r: { service: string }) => r.service === 'hukou_item_change')).toMatchObject({ bookingClosesMinutes: 10080 });
  await page.reload();
  await page.locator('#room-list button', { hasText: '和平里' }).click();
  await page.locator('#sv-hukou_item_change-closes').waitFor();
  expect(await page.locator('#sv-hukou_item_change-closes').inputValue()).toBe('10080');

  // Enforced: none of the service's slots inside the week is offered, and booking one is refused.
  expect(early(await slotsOf('hukou_item_change'))).toEqual([]);
  const refused = await anon.post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', start: before[0].start, name: '王芳', phone: '13900000071', materialsConfirmed: true });
  expect(refused.status).toBe(400);
  expect(refused.body.error.code).toBe('booking_closed');
  expect(refused.body.error.message).toMatch(/^该时段已截止预约（需在开始前 10080 分钟预约）/);
  // Other services keep the room's own cut-off.
  expect(early(await slotsOf('residence_permit')).length).toBeGreaterThan(0);

  expect(errors).toEqual([]);
});
