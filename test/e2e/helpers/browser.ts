/** Headless Chromium (the system one) and screenshots into test/.artifacts/screenshots/. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from './serve.ts';

export const SCREENSHOT_DIR = join(ROOT, 'test', '.artifacts', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * A keyboard-wedge scanner: the code as one burst of key events, then Enter, dispatched inside the page.
 * Not page.keyboard: on a loaded test machine its per-key round trips stretch the gaps past the
 * detector's 40 ms scanner limit (35 ms was measured here), so a scan would randomly read as typing.
 */
export async function scanAsWedge(page: Page, code: string): Promise<void> {
  await page.evaluate((text) => {
    const target = document.activeElement ?? document.body;
    const press = (key: string, code: string) => {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, code, bubbles: true, cancelable: true }));
      target.dispatchEvent(new KeyboardEvent('keyup', { key, code, bubbles: true, cancelable: true }));
    };
    for (const ch of text) {
      press(ch, /\d/.test(ch) ? `Digit${ch}` : `Key${ch.toUpperCase()}`);
    }
    press('Enter', 'Enter');
  }, code);
}
