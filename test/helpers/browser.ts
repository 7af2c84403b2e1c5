import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer, type HttpApp } from './server';

/**
 * Launch options for the real headless Chromium that browser tests drive (Debian's package,
 * never a downloaded browser). The flags keep it off the network, which this machine closes.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumOptions(viewport: { width: number; height: number } = { width: 1280, height: 800 }) {
  return { executablePath: CHROMIUM_PATH, headless: true, viewport, args: CHROMIUM_ARGS };
}

/** A demo server plus a headless Chromium with its own throw-away profile. */
export interface BrowserTest extends DemoServer {
  browser: BrowserContext;
  /** Closes the browser, then the server and the database, and removes the profile. */
  stop(): Promise<void>;
}

// Every browser test needs the app on a real port and a browser pointed at it; `profile` names the temp profile dir.
export async function startBrowserTest(
  app: HttpApp,
  profile: string,
  viewport?: { width: number; height: number },
  /** More context options, e.g. { timezoneId: 'UTC' } to prove pages keep Beijing time. */
  extra: { timezoneId?: string; locale?: string } = {},
): Promise<BrowserTest> {
  const demo = await startDemoServer(app);
  const dir = mkdtempSync(path.join(os.tmpdir(), `${profile}-browser-`));
  let browser: BrowserContext;
  try {
    browser = await chromium.launchPersistentContext(dir, { ...chromiumOptions(viewport), ...extra });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    await demo.stop();
    throw err;
  }
  return {
    ...demo,
    browser,
    async stop() {
      await browser.close();
      await demo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what goes wrong in a page (uncaught errors, console errors, failed requests) so a
 * test can end with `expect(errors).toEqual([])`. The favicon's 404 never counts; a test passes
 * `expected` for the failures its page causes on purpose (e.g. the 401 of /api/me before sign-in).
 */
export function collectPageErrors(page: Page, expected: (status: number, url: string) => boolean = () => false): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Failed loads are checked on the responses themselves: their console echo would only repeat them.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && !expected(r.status(), r.url()) && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

/** Officer pages answer 401 until someone signs in; for collectPageErrors' `expected`. */
export const isSignedOutRefusal = (status: number) => status === 401;

// The officer pages (inbox, jobs, reports, officer-day) share one login form: open `url` and sign in through it.
export async function signInOnPage(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-form button[type=submit]');
}
