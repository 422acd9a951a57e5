/**
 * Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core, headless, with the flags this
 * offline machine needs (root: --no-sandbox; no GPU, QUIC, first-run, background networking, component updates or
 * sync). playwright's launch() gives every browser a fresh temporary --user-data-dir (it refuses one in `args`).
 *
 * describeBrowser(...) runs the block when chromium is installed; otherwise it skips it with one clear line, except
 * in CI (CI=true) where a missing chromium fails. Screenshots go to test-artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

let warned = false;
/** describe() when chromium is installed; describe.skip() with one line otherwise; a failing test in CI. */
export function describeBrowser(name: string, body: () => void): void {
  if (chromiumAvailable()) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs chromium', () => {
        throw new Error(`Browser tests are required in CI but ${CHROMIUM_PATH} is missing (apt-get install chromium).`);
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    console.log(`[hotline1022] ${CHROMIUM_PATH} is missing: browser tests are skipped (apt-get install chromium).`);
  }
  describe.skip(name, body);
}

export async function launchBrowser(options: { headless?: boolean } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: options.headless ?? true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface PageOptions {
  /** Default 1280×800; a phone is { width: 360, height: 740 }. */
  viewport?: { width: number; height: number };
  locale?: string;
  /** Grants the Notification permission for this origin. */
  permissions?: string[];
  baseURL?: string;
}

/** A new isolated context (its own cookies and storage) with one page; page errors and dialogs are recorded. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[]; dialogs: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    baseURL: options.baseURL,
    permissions: options.permissions,
  });
  const page = await context.newPage();
  // Fail fast inside jest's 30 s test timeout, with playwright's message about what was awaited.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  // An alert() would mean injected script ran: record it and dismiss so the test can assert on it.
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  return { context, page, errors, dialogs };
}

/** Saves a full-page screenshot as test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
