import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { buildTestApp } from '../helpers/app';
import { createOfficer } from '../helpers/auth';
import { startBrowserTest, type BrowserTest } from '../helpers/browser';

/**
 * Every page, scanned by axe-core in Chromium at a phone and a desktop size with the browser's zone
 * set to UTC: no serious or critical violation. A new page is one line in PAGES.
 * The resident pages also meet the elder-friendly numbers: text ≥ 18px (20px in 长辈模式), the
 * emergency line never smaller than body text nor the smallest thing, tap targets ≥ 48 × 48px (60 × 60px).
 */
interface PageSpec {
  name: string;
  path: string;
  /** Officer pages are scanned signed out (the login form) and signed in. */
  signIn?: boolean;
  /** A signed-in page without its own login form (scanned signed in only). */
  noLoginForm?: boolean;
  /** What shows once the page has loaded its data. */
  ready?: string;
  /** Who signs in: the district supervisor (officer pages), a room's officer (pages only officers fill in) or the admin (the admin console). */
  as?: 'supervisor' | 'officer' | 'admin';
  /** A public page for integrators, not residents: scanned with the resident pages, without the elder-friendly sizes. */
  forIntegrators?: boolean;
}

const PAGES: PageSpec[] = [
  { name: 'resident chat (room picker)', path: '/?room=-', ready: '#room-list button' },
  { name: 'resident chat', path: '/?room=HPL', ready: '.options button' },
  { name: 'booking', path: '/book/?room=HPL', ready: '#services button' },
  { name: 'tips', path: '/tips/', ready: '#room option' },
  { name: 'status look-up', path: '/status/' },
  { name: 'API reference', path: '/api/docs/', ready: '#operations article', forIntegrators: true },
  { name: 'inbox', path: '/inbox/', signIn: true, ready: '#app-view:not(.hidden)' },
  { name: 'jobs', path: '/jobs/', signIn: true },
  { name: 'officer day', path: '/officer-day/', signIn: true, ready: '#day-view:not(.hidden)' },
  { name: 'monthly report', path: '/reports/?month=2024-05', signIn: true, ready: '#title' },
  { name: 'monthly bulletin', path: '/reports/bulletin.html?month=2024-05', signIn: true, noLoginForm: true, ready: '#b-title' },
  { name: 'work log (officer, phone form)', path: '/work-log/', signIn: true, as: 'officer', ready: '#log-form:not(.hidden) #kinds input' },
  { name: '网上课堂 (ask, list, review)', path: '/classroom/', signIn: true, as: 'admin', ready: '#board-view:not(.hidden) #proposals li' },
  { name: 'admin home', path: '/admin/', signIn: true, as: 'admin', ready: '#checklist li' },
  { name: 'admin officers', path: '/admin/officers/', signIn: true, as: 'admin', ready: '#officer-rows tr' },
  { name: 'admin rooms', path: '/admin/rooms/', signIn: true, as: 'admin', ready: '.room-list button' },
  { name: 'admin room editor', path: '/admin/rooms/?room=HPL', signIn: true, as: 'admin', ready: '#h-6-open' },
  { name: 'admin room poster', path: '/admin/rooms/poster.html?room=HPL', signIn: true, as: 'admin', noLoginForm: true, ready: '#poster h1' },
  { name: 'admin channels', path: '/admin/channels/', signIn: true, as: 'admin', ready: '#group-rows' },
  { name: 'admin volunteers', path: '/admin/volunteers/', signIn: true, as: 'admin', ready: '#volunteer-rows tr' },
  { name: 'admin work-log targets', path: '/admin/work-log-targets/', signIn: true, as: 'admin', ready: '#targets-urban input' },
  { name: 'admin FAQ', path: '/admin/faq/', signIn: true, as: 'admin', ready: '#faq-rows tr' },
  { name: 'admin audit log', path: '/admin/audit/', signIn: true, as: 'admin', ready: '#main p[role=status]:has-text("共显示")' },
  { name: 'own account', path: '/account/', signIn: true, as: 'admin', ready: '#password-form' },
  { name: 'volunteer page', path: '/volunteer/', signIn: true, ready: '#login-view:not(.hidden)' },
];
const RESIDENT_PAGES = PAGES.filter((p) => !p.signIn && !p.forIntegrators);
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1366, height: 860 },
];

let rig: BrowserTest;

beforeAll(async () => {
  rig = await startBrowserTest(buildTestApp().app, 'a11y', VIEWPORTS[0], { timezoneId: 'UTC' });
  await createOfficer({ username: 'a11y_chief', name: '陈杰', role: 'supervisor', district: 'XH' });
  await createOfficer({ username: 'a11y_hpl', name: '李娜', rooms: ['HPL'], district: 'XH' });
  await createOfficer({ username: 'a11y_admin', name: '赵敏', role: 'admin' });
}, 120_000);
afterAll(() => rig?.stop());

async function open(page: Page, spec: PageSpec) {
  await page.goto(`${rig.base}${spec.path}`);
  if (spec.ready) await page.locator(spec.ready).first().waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForTimeout(300);
}

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function signInOn(page: Page, spec: PageSpec) {
  await page.fill('#login-username', spec.as === 'admin' ? 'a11y_admin' : spec.as === 'officer' ? 'a11y_hpl' : 'a11y_chief');
  await page.fill('#login-password', 'password-123');
  await page.click('#login-form button[type=submit]');
  if (spec.ready) await page.locator(spec.ready).first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);
}

/** The scans in groups, each its own test: a slow machine never runs one test over its timeout, and a failure names its group. */
const SCANS: Array<{ group: string; who?: 'supervisor' | 'officer' | 'admin'; signedOut?: boolean }> = [
  { group: 'resident pages' },
  { group: 'officer pages signed out', signedOut: true },
  // The officer pages as the district's supervisor, the pages only a room's officer fills in as that officer, then the admin console as the admin.
  { group: 'officer pages as the supervisor', who: 'supervisor' },
  { group: 'pages a room officer fills in', who: 'officer' },
  { group: 'the admin console', who: 'admin' },
];

describe.each(VIEWPORTS)('at $width × $height', (viewport) => {
  it.each(SCANS)('finds no serious or critical axe violation: $group', async ({ who, signedOut }) => {
    const page = await rig.browser.newPage();
    await page.setViewportSize(viewport);
    await rig.browser.clearCookies();
    const found: string[] = [];
    const officerPages = PAGES.filter((p) => p.signIn);
    if (!who && !signedOut) {
      for (const spec of PAGES.filter((p) => !p.signIn)) {
        await open(page, spec);
        found.push(...(await seriousViolations(page)).map((v) => `${spec.name}: ${v}`));
      }
    } else if (signedOut) {
      for (const spec of officerPages.filter((p) => !p.noLoginForm)) {
        await page.goto(`${rig.base}${spec.path}`);
        await page.locator('#login-form').waitFor();
        found.push(...(await seriousViolations(page)).map((v) => `${spec.name} (signed out): ${v}`));
      }
    } else {
      const mine = officerPages.filter((p) => (p.as ?? 'supervisor') === who);
      expect(mine.length).toBeGreaterThan(0);
      await page.goto(`${rig.base}${mine[0].path}`);
      await signInOn(page, mine[0]);
      for (const spec of mine) {
        await open(page, spec);
        found.push(...(await seriousViolations(page)).map((v) => `${spec.name}: ${v}`));
      }
    }
    await page.close();
    expect(found).toEqual([]);
  }, 400_000);

  it.each([false, true])('meets the elder-friendly sizes on the resident pages (长辈模式: %s)', async (elder) => {
    const page = await rig.browser.newPage();
    await page.setViewportSize(viewport);
    await page.goto(`${rig.base}/status/`);
    await page.evaluate((on) => localStorage.setItem('police-room-elder', on ? '1' : '0'), elder);
    const minText = elder ? 20 : 18;
    const minTap = elder ? 60 : 48;
    const problems: string[] = [];
    const checked: string[] = [];
    const check = async (name: string) => {
      checked.push(name);
      const m = await page.evaluate(measure);
      for (const t of m.smallText) if (t.size < minText) problems.push(`${name}: text ${t.size}px "${t.text}"`);
      for (const t of m.targets) if (t.w < minTap - 0.5 || t.h < minTap - 0.5) problems.push(`${name}: target ${Math.round(t.w)}×${Math.round(t.h)} ${t.what}`);
      if (m.emergency === null) problems.push(`${name}: no emergency line`);
      else {
        if (m.emergency < m.body) problems.push(`${name}: emergency line ${m.emergency}px < body ${m.body}px`);
        if (m.emergency <= m.smallest && m.smallest < m.body) problems.push(`${name}: emergency line is the smallest text`);
      }
    };
    for (const spec of RESIDENT_PAGES) {
      await open(page, spec);
      expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(elder);
      await check(spec.name);
    }
    // The pages once they have answered: a tip's receipt and its thread, the status look-up's answer.
    await open(page, RESIDENT_PAGES.find((p) => p.name === 'tips')!);
    await page.fill('#text', '3号楼地下室每晚十点后有人聚众赌博，声音很大。');
    await page.click('#submit-form button[type=submit]');
    await page.locator('#r-code').filter({ hasText: /^J/ }).waitFor();
    await check('tip receipt');
    const tip = { code: (await page.locator('#r-code').textContent())!, secret: (await page.locator('#r-secret').textContent())! };
    await page.click('#goto-check');
    await page.locator('#tip:not(.hidden) #t-status').filter({ hasText: /\S/ }).waitFor();
    await check('tip thread');
    await open(page, RESIDENT_PAGES.find((p) => p.name === 'status look-up')!);
    await page.fill('#code', tip.code);
    await page.fill('#secret', tip.secret);
    await page.click('#go');
    await page.locator('#answer:not(.hidden) #a-state').filter({ hasText: /\S/ }).waitFor();
    await check('status answer');
    // The booking flow: all steps so far on one page; in 长辈模式 one question per screen, with a way back.
    await open(page, RESIDENT_PAGES.find((p) => p.name === 'booking')!);
    await page.locator('#services button').first().click();
    await page.locator('#days button').first().waitFor();
    const shown = await page.locator('#book-view .step:visible h2').allTextContents();
    if (elder) {
      expect(shown).toEqual(['3. 选择日期']);
      await page.locator('#step-day .back').click();
      expect(await page.locator('#book-view .step:visible h2').allTextContents()).toEqual(['2. 选择办理事项']);
    } else expect(shown).toEqual(['1. 选择警务室', '2. 选择办理事项', '3. 选择日期']);
    // … and its last part: the contact form (the name screen in 长辈模式).
    if (elder) await page.locator('#services button').first().click();
    await page.locator('#days button').first().click();
    await page.locator('#slots button').first().click();
    await page.locator('#name').waitFor();
    await check('booking contact details');
    await page.close();
    expect(checked).toHaveLength(RESIDENT_PAGES.length + 4);
    expect(problems).toEqual([]);
  }, 120_000);
});

/** Runs in the page: the booking steps on screen and how many questions they ask (a choice list, a field, a checkbox). */
function onScreen() {
  const visible = (e: Element) => {
    const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== 'hidden';
  };
  const view = document.getElementById('book-view')!;
  return {
    steps: [...view.querySelectorAll('.step')].filter(visible).map((s) => s.querySelector('h2')!.textContent!.trim()),
    questions: [...view.querySelectorAll('.choices, input, select, textarea')].filter(visible).length,
  };
}

it('books in 长辈模式 with one question per screen, through the contact details, materials and the confirmation', async () => {
  const page = await rig.browser.newPage();
  await page.setViewportSize(VIEWPORTS[0]);
  await page.goto(`${rig.base}/status/`);
  await page.evaluate(() => localStorage.setItem('police-room-elder', '1'));
  await page.goto(`${rig.base}/book/`);
  await page.locator('#rooms button').first().waitFor();
  const screens: Array<{ steps: string[]; questions: number }> = [];
  const sizes: string[] = [];
  const look = async () => {
    const s = await page.evaluate(onScreen);
    screens.push(s);
    // Each screen also keeps the 长辈模式 sizes: text ≥ 20px, targets ≥ 60 × 60px.
    const m = await page.evaluate(measure);
    for (const t of m.smallText) if (t.size < 20) sizes.push(`${s.steps.join()}: text ${t.size}px "${t.text}"`);
    for (const t of m.targets) if (t.w < 59.5 || t.h < 59.5) sizes.push(`${s.steps.join()}: target ${Math.round(t.w)}×${Math.round(t.h)} ${t.what}`);
    return s;
  };
  await look();
  await page.locator('#rooms button', { hasText: '和平里' }).click();
  await page.locator('#services button').first().waitFor();
  await look();
  await page.locator('#services button').first().click();
  await page.locator('#days button').first().waitFor();
  await look();
  await page.locator('#days button').first().click();
  await page.locator('#slots button').first().waitFor();
  await look();
  await page.locator('#slots button').first().click();
  await page.locator('#name').waitFor();
  // 下一步 without an answer stays on the screen and says why.
  await page.locator('#step-name .next').click();
  await page.locator('#error', { hasText: '请填写预约人姓名' }).waitFor();
  expect((await look()).steps).toEqual(['5. 预约人姓名']);
  await page.fill('#name', '刘洋');
  await page.locator('#step-name .next').click();
  await page.locator('#phone').waitFor();
  await look();
  await page.fill('#phone', '13712345678');
  await page.press('#phone', 'Enter'); // Enter goes on to the next screen, it does not book
  await page.locator('#materials-ok').waitFor();
  await look();
  await page.locator('#step-materials .next').click();
  await page.locator('#error', { hasText: '请先确认已备齐所需材料' }).waitFor();
  await page.check('#materials-ok');
  await page.locator('#step-materials .next').click();
  await page.locator('#confirm').waitFor();
  const last = await look();
  expect(await page.locator('#summary').textContent()).toContain('预约人：刘洋 13712345678');
  await page.click('#confirm');
  await page.locator('#done-code').filter({ hasText: /^Y/ }).waitFor();
  await page.close();

  expect(screens.map((s) => s.steps)).toEqual([
    ['1. 选择警务室'], ['2. 选择办理事项'], ['3. 选择日期'], ['4. 选择时段'],
    ['5. 预约人姓名'], ['6. 手机号'], ['7. 所需材料'], ['8. 确认预约'],
  ]);
  expect(screens.map((s) => s.questions)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
  expect(last.steps).toEqual(['8. 确认预约']);
  expect(sizes).toEqual([]);
}, 120_000);

/** Runs in the page: font sizes of visible text, sizes of visible tap targets, the emergency line's size. */
function measure() {
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const smallText: { size: number; text: string }[] = [];
  let smallest = Infinity;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || !n.textContent?.trim() || !visible(parent) || parent.closest('.sr-only, option, script, style')) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    smallest = Math.min(smallest, size);
    smallText.push({ size, text: n.textContent.trim().slice(0, 30) });
  }
  const targets: { w: number; h: number; what: string }[] = [];
  for (const el of document.querySelectorAll('button, a[href], select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), label.check')) {
    if (!visible(el) || el.closest('.sr-only')) continue;
    const r = el.getBoundingClientRect();
    targets.push({ w: r.width, h: r.height, what: `${el.tagName.toLowerCase()} "${(el.textContent || el.id).trim().slice(0, 20)}"` });
  }
  const emergency = document.querySelector('.emergency');
  return {
    smallText,
    smallest,
    targets,
    body: parseFloat(getComputedStyle(document.body).fontSize),
    emergency: emergency && visible(emergency) ? parseFloat(getComputedStyle(emergency).fontSize) : null,
  };
}
