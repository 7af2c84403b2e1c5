import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { ItemModel } from '../../src/modules/items/item.model';
import { buildTestApp } from '../helpers/app';
import { collectPageErrors, startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * A resident's status look-up on /status/ in real Chromium with the browser's zone set to UTC: a booking
 * and a tip made through the API, looked up by their codes on the page, show where they stand, the next
 * step, and their times in Beijing time (not the browser's zone).
 */
let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'status', { width: 390, height: 844 }, { timezoneId: 'UTC' });
}, 120_000);
afterAll(() => rig?.stop());

async function post(path: string, body: unknown) {
  const res = await fetch(`${rig.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function lookUp(page: Page, code: string, secret?: string) {
  await page.goto(`${rig.base}/status/`);
  await page.fill('#code', code);
  if (secret) {
    await page.locator('#secret').waitFor(); // the secret field shows for a tip code (J…)
    await page.fill('#secret', secret);
  }
  await page.click('#go');
  await page.locator('#answer:not(.hidden) #a-state').filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
  const facts = await page.$$eval('#a-facts dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? ''])));
  return {
    title: await page.locator('#a-title').textContent(),
    state: await page.locator('#a-state').textContent(),
    next: await page.locator('#a-next').textContent(),
    facts: facts as Record<string, string>,
  };
}

it('looks up a booking made through the API and shows its time in Beijing time', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page);
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
  const services = (await (await fetch(`${rig.base}/api/services`)).json()) as { services: { key: string; name: string; bookable: boolean }[] };
  const service = services.services.find((s) => s.bookable)!;
  const slots = (await (await fetch(`${rig.base}/api/rooms/HPL/slots?service=${service.key}`)).json()) as { days: { slots: { start: string; end: string; remaining: number }[] }[] };
  const slot = slots.days.flatMap((d) => d.slots).find((s) => s.remaining > 0)!;
  const booked = await post('/api/appointments', { room: 'HPL', service: service.key, start: slot.start, name: '王秀兰', phone: '13912345678', materialsConfirmed: true });
  expect(booked.status).toBe(201);

  const shown = await lookUp(page, String(booked.body.code).toLowerCase());
  expect(shown.state).toBe('已预约');
  expect(shown.next).toContain('带齐材料');
  expect(shown.facts['事项']).toBe(service.name);
  // The slot's wall time in Beijing (the API gives it with +08:00), never the browser's UTC.
  const start = DateTime.fromISO(slot.start, { zone: 'Asia/Shanghai' });
  const end = DateTime.fromISO(slot.end, { zone: 'Asia/Shanghai' });
  expect(shown.facts['时间']).toContain(`${start.toFormat('yyyy年M月d日')}`);
  expect(shown.facts['时间']).toContain(`${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`);
  expect(shown.facts['时间']).not.toContain(start.toUTC().toFormat('HH:mm'));
  expect(await page.locator('body').textContent()).not.toContain('王秀兰');
  await page.close();
  expect(errors).toEqual([]);
});

it('looks up a tip made through the API with its code and secret and shows when it was sent, in Beijing time', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, (status, url) => status === 404 && url.endsWith('/api/status'));
  const sent = await post('/api/tips', { room: 'HPL', text: '5号楼楼道里堆放大量易燃杂物，堵住了消防通道', anonymous: true });
  expect(sent.status).toBe(201);
  const code = String(sent.body.code);
  const secret = String(sent.body.secret);

  // A wrong secret: a clear message on the page, nothing about the tip.
  await page.goto(`${rig.base}/status/`);
  await page.fill('#code', code);
  await page.fill('#secret', 'AAAA-BBBB-CCCC-DDDD-EEEE');
  await page.click('#go');
  await page.locator('#lookup-error:not(.hidden)').waitFor();
  expect(await page.locator('#answer').isHidden()).toBe(true);

  const shown = await lookUp(page, code, secret);
  expect(shown.state).toBe('待处理');
  expect(shown.next).toMatch(/\S/);
  const stored = await ItemModel.findOne({ code }).lean();
  const createdAt = DateTime.fromJSDate(stored!.createdAt as Date, { zone: 'Asia/Shanghai' });
  expect(shown.facts['提交时间']).toBe(createdAt.toFormat('yyyy年M月d日 HH:mm'));
  // Different from what the browser's own zone would print (Beijing is 8 hours ahead of UTC).
  expect(shown.facts['提交时间']).not.toBe(createdAt.toUTC().toFormat('yyyy年M月d日 HH:mm'));
  expect(await page.locator('body').textContent()).not.toContain('易燃杂物');
  await page.close();
  expect(errors).toEqual([]);
});
