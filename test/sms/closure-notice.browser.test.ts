import request from 'supertest';
import { DateTime } from 'luxon';
import { createApp } from '../../src/http/app';
import { seedAll } from '../../src/modules/seed/seed.service';
import { testConfig, testLogger } from '../helpers/app';
import { createOfficer, login } from '../helpers/auth';
import { collectPageErrors, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { mobile, setSchedule, ZONE } from '../appointments/helpers';
import { createAppointment } from '../jobs/helpers';

jest.setTimeout(240_000);

/**
 * Issue #15: a booking made on the booking page, cancelled by a closed day while SMS is off,
 * cannot be told by any road the service has. The best it can do: the resident who looks the
 * booking up (booking page look-up, status page) sees "因闭馆日取消" with the room's reason and a
 * link to book again; the officers' day page lists the closed day's cancellations with how each
 * resident was told, and the ones nobody could tell, numbers masked until an officer asks to call.
 */
let rig: BrowserTest;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  app = createApp({ config: testConfig({ SMS_PROVIDER: '' }), logger: testLogger() });
  rig = await startBrowserTest(app, 'closure-notice', { width: 1280, height: 900 });
  await seedAll({ demo: true });
  await setSchedule('HPL', { capacity: 4, walkInShare: 0, bookingOpensDays: 14, bookingClosesMinutes: 0 });
  await createOfficer({ username: 'cn_officer', rooms: ['HPL'], district: 'XH', name: '李警官' });
});
afterAll(() => rig?.stop());

it('a page booking cancelled by a closed day with SMS off: the resident sees why and can rebook; officers see whom to call', async () => {
  const anon = request(app.callback());
  // A working day ahead with free slots (the room's own schedule), booked on the booking page.
  const slots = (await anon.get('/api/rooms/HPL/slots?service=hukou_item_change&days=14')).body.data as Array<{ start: string; remaining: number }>;
  const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
  const slot = slots.find((s) => s.remaining > 0 && DateTime.fromISO(s.start) >= tomorrow)!;
  const day = DateTime.fromISO(slot.start).setZone(ZONE);
  const phone = mobile(61);
  const booked = await anon.post('/api/appointments').send({ room: 'HPL', service: 'hukou_item_change', start: slot.start, name: '王芳', phone, materialsConfirmed: true });
  expect(booked.status).toBe(201);
  const code = booked.body.code as string;
  // Another resident of the same day booked in WeChat (told in that chat).
  const chat = await createAppointment({ room: 'HPL', start: day.set({ hour: 15, minute: 0 }).toJSDate(), conversationId: 'wx-closure-notice' });

  const officer = await login(app, 'cn_officer');
  const closed = await officer.agent.post('/api/holidays').set('X-CSRF-Token', officer.csrf).send({ room: 'HPL', date: day.toISODate(), kind: 'closure', name: '民警集中培训' });
  expect(closed.status).toBe(201);
  expect(closed.body.cancelledAppointments.sort()).toEqual([code, chat].sort());

  // The resident's look-up (code + mobile) says why and where to book again.
  const looked = await anon.get(`/api/appointments/${code}?phone=${phone}`);
  expect(looked.body).toMatchObject({ status: 'cancelled', statusText: '因闭馆日取消', cancelReason: 'closed_day', rebookUrl: '/book/?room=HPL' });
  expect(looked.body.cancelReasonText).toContain('民警集中培训');
  // The status page (code only) says the same, without the name or the number.
  const status = await anon.post('/api/status').send({ code });
  expect(status.body.status).toMatchObject({ state: '因闭馆日取消', link: { href: '/book/?room=HPL', text: '重新预约' } });
  expect(status.body.status.nextStep).toContain('民警集中培训');
  expect(JSON.stringify(status.body)).not.toContain(phone);

  // The officers' day: both cancellations, who was told how; the page booking is theirs to call.
  const dayView = await officer.agent.get(`/api/rooms/HPL/day?date=${day.toISODate()}`);
  const list = dayView.body.closedDayCancellations as Array<{ code: string; told: string; phoneMasked: string | null }>;
  expect(list.find((c) => c.code === code)).toMatchObject({ told: 'none', phoneMasked: '139****0061', name: '王芳' });
  expect(list.find((c) => c.code === chat)).toMatchObject({ told: 'chat' });

  // In Chromium: the booking page's look-up.
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, (st, url) => st === 401 && url.endsWith('/api/me'));
  await page.goto(`${rig.base}/book/`);
  await page.click('#tab-manage');
  await page.fill('#m-code', code);
  await page.fill('#m-phone', phone);
  await page.click('#lookup button[type=submit]');
  await page.waitForSelector('#cancel-reason');
  expect(await page.locator('#found-details').textContent()).toContain('因闭馆日取消');
  expect(await page.locator('#cancel-reason').textContent()).toContain('民警集中培训');
  expect(await page.locator('#rebook').getAttribute('href')).toBe('/book/?room=HPL');
  expect(await page.locator('#found-actions').isVisible()).toBe(false);

  // The officers' day page: the list, numbers masked until "显示号码拨打".
  await signInOnPage(page, `${rig.base}/officer-day/`, 'cn_officer', 'password-123');
  await page.waitForSelector('#day-view:not(.hidden)');
  await page.fill('#date', day.toISODate()!);
  await page.click('#reload');
  const box = page.locator('#closed-day-cancellations');
  await box.waitFor();
  expect(await box.locator('header').textContent()).toContain('1 位需电话告知');
  const row = box.locator(`[data-code="${code}"]`);
  expect(await row.textContent()).toContain('139****0061');
  expect(await row.textContent()).not.toContain(phone);
  expect(await row.textContent()).toContain('未能通知，请电话告知');
  expect(await box.locator(`[data-code="${chat}"]`).textContent()).toContain('已在微信/网页聊天中告知');
  await row.locator('button', { hasText: '显示号码拨打' }).click();
  expect(await row.locator(`a[href="tel:${phone}"]`).count()).toBe(1);
  expect(errors).toEqual([]);
});
