import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { collectPageErrors, isSignedOutRefusal, signInOnPage, startBrowserTest, type BrowserTest } from '../helpers/browser';
import { ClassroomQuestionModel } from '../../src/modules/classroom/classroom.model';

/**
 * 网上课堂 on a phone (390 × 844): an officer asks a question and sees it listed, finds it again by
 * other words (the bot's segmentation), opens it; a phone number typed into it is masked.
 */
let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'classroom', { width: 390, height: 844 }, { timezoneId: 'UTC' });
  await createOfficer({ username: 'ktb_zhang', name: '张卫东', rooms: ['HPL'], district: 'XH' });
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

it('lets an officer on a phone ask a question, see it listed and find it by other words', async () => {
  const page = await rig.browser.newPage();
  const errors = collectPageErrors(page, isSignedOutRefusal);
  await signInOnPage(page, `${rig.base}/classroom/`, 'ktb_zhang', 'password-123');
  await page.locator('#board-view:not(.hidden) #list-status', { hasText: '没有找到问题' }).waitFor();
  // One room: no room picker; officers do not review.
  expect(await page.locator('#ask-room-field').isHidden()).toBe(true);
  expect(await page.locator('#proposals-card').isHidden()).toBe(true);

  await page.getByLabel('问题类别').selectOption({ label: '身份证' });
  await page.getByLabel('标题（4–80字）').fill('身份证丢了怎么补办');
  await page.getByLabel('问题内容（4–2000字）').fill('群众（电话13812345678）急着坐火车，除了补领还能办什么？');
  await page.click('#ask-submit');
  const item = page.locator('#questions li', { hasText: '身份证丢了怎么补办' });
  await item.waitFor();
  expect(await item.textContent()).toContain('待解答');
  expect(await page.locator('#list-status').textContent()).toContain('问题已提交');
  expect(await page.inputValue('#ask-title-input')).toBe('');
  expect(await ClassroomQuestionModel.countDocuments({ title: '身份证丢了怎么补办', room: 'HPL' })).toBe(1);

  await page.getByLabel('搜索').fill('补办身份证');
  await page.click('#search-form button[type=submit]');
  await page.locator('#list-status', { hasText: '共 1 个问题' }).waitFor();
  await page.getByLabel('搜索').fill('护照签注');
  await page.click('#search-form button[type=submit]');
  await page.locator('#list-status', { hasText: '没有找到问题' }).waitFor();

  await page.getByLabel('搜索').fill('');
  await page.click('#search-form button[type=submit]');
  await item.locator('button.open').click();
  await page.locator('#question-view:not(.hidden) #q-title', { hasText: '身份证丢了怎么补办' }).waitFor();
  expect(await page.locator('#q-body').textContent()).toContain('138****5678');
  expect(await page.locator('#answer-form').isHidden()).toBe(true);
  expect(errors).toEqual([]);
});
