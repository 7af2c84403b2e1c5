import { AppointmentModel } from '../../src/modules/appointments/appointment.model';
import { createSmsProvider, createSmsSender, smsSettings } from '../../src/modules/sms';
import { buildTestApp, testLogger } from '../helpers/app';
import { collectPageErrors, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-sms';
import { setSchedule } from '../appointments/helpers';

jest.setTimeout(120_000);

/**
 * The booking page in Chromium with SMS on: the code field appears, "获取验证码" texts a code
 * (to the local fake gateway), a wrong code gets a clear Chinese error, the right one books.
 */
const SECRET = 'webhook-secret-browser-0123456789';
let rig: BrowserTest;
let gateway: FakeGateway;
let sender: ReturnType<typeof createSmsSender>;

beforeAll(async () => {
  gateway = await startFakeGateway({ webhookSecret: SECRET });
  const { app, config } = buildTestApp({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/webhook`, SMS_WEBHOOK_SECRET: SECRET, QUIET_HOURS: '00:00-00:00' });
  const settings = smsSettings(config);
  sender = createSmsSender({ settings, provider: createSmsProvider(settings)!, logger: testLogger(), senderId: 'browser-sms' });
  rig = await startBrowserTest(app, 'book-sms');
  await setSchedule('HPL', { capacity: 2, walkInShare: 0 });
});
afterAll(async () => {
  await rig?.stop();
  await gateway?.stop();
});

it('the booking page asks for the SMS code, refuses a wrong one in Chinese and books with the right one', async () => {
  const page = await rig.browser.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  // The wrong code is answered 400 on purpose.
  const errors = collectPageErrors(page, (status, url) => status === 400 && url.endsWith('/api/appointments'));
  await page.goto(`${rig.base}/book/?room=HPL`);
  await page.locator('#services button', { hasText: '身份证换领' }).click();
  await page.locator('#days button').first().click();
  await page.locator('#slots button').first().click();
  await page.fill('#name', '刘洋');
  await page.fill('#phone', '13712345670');
  await page.locator('#step-code').waitFor({ state: 'visible' });
  await page.check('#materials-ok');

  // Booking without the code is stopped on the page.
  await page.click('#confirm');
  await page.locator('#error', { hasText: '请先点击“获取验证码”' }).waitFor();

  const requested = page.waitForResponse((r) => r.url().endsWith('/api/verification-codes') && r.request().method() === 'POST');
  await page.click('#send-code');
  expect((await requested).status()).toBe(202);
  await page.locator('#send-code', { hasText: '已发送' }).waitFor();
  await sender.tick();
  const code = gateway.lastCode('13712345670');
  expect(code).toMatch(/^\d{6}$/);

  await page.fill('#code', code === '000000' ? '111111' : '000000');
  await page.click('#confirm');
  await page.locator('#error', { hasText: '验证码不正确，请核对短信后重新输入' }).waitFor();
  expect(await AppointmentModel.countDocuments()).toBe(0);

  await page.fill('#code', code!);
  await page.click('#confirm');
  await page.waitForSelector('#done:not(.hidden)');
  const booked = (await page.textContent('#done-code'))!.trim();
  expect(await AppointmentModel.findById(booked).lean()).toMatchObject({ phone: '13712345670', verified: true });
  expect(errors).toEqual([]);
});
