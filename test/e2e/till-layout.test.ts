/**
 * The till fits the three screens cashiers use (1366×768, 1024×600, 800×480) in real Chromium: in
 * every sale state no element of the sale screen lies outside the window or under the top or status
 * bar, nothing scrolls (page or sale screen), both bars stay one row, and every button and field of
 * every screen is a ≥44 px touch target that, when disabled, says why. The states are reached for real on one till whose line to the
 * providers runs through an outage proxy (in doubt while the line is cut). Each state is also written as
 * till-<size>-<state>.png: into test/.artifacts/screenshots, or with UPDATE_SCREENSHOTS=1 into
 * docs/screenshots for the README (`npm run screenshots`), so that a test run leaves the tracked
 * images alone (Chromium renders them slightly differently from run to run). One browser, one page,
 * resized per size.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, SCREENSHOT_DIR, scanAsWedge } from './helpers/browser.ts';
import { type OutageProxy, startOutageProxy } from './helpers/outage-proxy.ts';
import { api, issueCode } from './helpers/sandbox.ts';
import { ROOT, type RunningServe, startServe } from './helpers/serve.ts';
import { startTillBehindProxy, type TillBehindProxy } from './helpers/till-behind-proxy.ts';

const DOCS_SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : SCREENSHOT_DIR;

let till: TillBehindProxy;
let proxy: OutageProxy;
let serve: RunningServe;
let page: Page;

beforeAll(async () => {
  till = await startTillBehindProxy(false);
  ({ proxy, serve, page } = till);
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  await page.goto(serve.url);
  await page.locator('.link-open').waitFor();
});

afterAll(async () => {
  await till?.stop();
});

/** Every way the current screen fails to fit, in words; [] when it fits. */
function misfits(on: Page, checkSaleScreen: boolean): Promise<string[]> {
  return on.evaluate((sale) => {
    const problems: string[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${
        typeof el.className === 'string' ? el.className.split(' ').join('.') : ''
      } "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    const doc = document.scrollingElement ?? document.documentElement;
    if (doc.scrollHeight > vh || doc.scrollWidth > vw)
      problems.push(`page scrolls: ${doc.scrollWidth}×${doc.scrollHeight} in ${vw}×${vh}`);
    const top = document.querySelector('.top-bar')!.getBoundingClientRect();
    const bar = document.querySelector('.status-bar')!.getBoundingClientRect();
    const rowOf = (selector: string, what: string) => {
      const items = [...document.querySelectorAll(selector)].map((el) => el.getBoundingClientRect());
      const middle = (r: DOMRect) => (r.top + r.bottom) / 2;
      const first = items[0] ? middle(items[0]) : 0;
      for (const r of items) {
        if (Math.abs(middle(r) - first) > 4) problems.push(`${what} takes more than one row`);
        if (r.right > vw + 0.5) problems.push(`${what} runs past the window's right edge`);
      }
    };
    rowOf('.status-bar > *', 'status bar');
    rowOf('.top-bar .tabs > *, .top-bar > button', 'top bar');
    if (bar.bottom > vh + 0.5) problems.push(`status bar ends at ${bar.bottom} below ${vh}`);
    // Every control of every screen (and both bars) is a touch target of at least 44 × 44 px.
    for (const el of document.querySelectorAll('.app button, .app input, .app select')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.matches('[type="checkbox"], [type="radio"]')) continue;
      if (r.height < 44 || r.width < 44)
        problems.push(`${name(el)} is a ${Math.round(r.width)}×${Math.round(r.height)} touch target`);
    }
    // A disabled button says why: its tooltip, and the same words visible under it.
    for (const el of document.querySelectorAll<HTMLButtonElement>('.app button:disabled')) {
      const visible = el.parentElement?.querySelector('.disabled-reason')?.textContent ?? '';
      if (el.title === '' || visible !== el.title) problems.push(`${name(el)} is disabled without a reason`);
    }
    if (!sale) return problems;
    const screen = document.querySelector('.sale-screen');
    if (!screen) return ['no sale screen'];
    for (const el of [screen, ...screen.querySelectorAll('*')]) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -0.5 || r.right > vw + 0.5) problems.push(`${name(el)} outside the window horizontally`);
      if (r.top < top.bottom - 0.5) problems.push(`${name(el)} under the top bar`);
      if (r.bottom > bar.top + 0.5) problems.push(`${name(el)} under the status bar or below the fold`);
      if (el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== 'visible')
        problems.push(`${name(el)} scrolls or clips its content`);
    }
    return problems;
  }, checkSaleScreen);
}

async function fitsAndShoot(
  size: string,
  state: string,
  checkSaleScreen = true,
  on: Page = page,
): Promise<void> {
  // Fonts and the outcome colours settle within a frame; wait for two before measuring.
  await on.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  expect(await misfits(on, checkSaleScreen), `${state} at ${size}`).toEqual([]);
  await on.screenshot({ path: join(DOCS_SCREENSHOTS, `till-${size}-${state}.png`) });
}

async function toAmountEntry(): Promise<void> {
  await page.getByTestId('nav-sale').click();
  const screen = page.locator('.sale-screen');
  await screen.waitFor();
  const kind = await screen.getAttribute('data-screen');
  if (kind === 'scan') await page.getByTestId('cancel-sale').click();
  if (kind === 'outcome')
    await page
      .getByTestId('new-sale')
      .click({ timeout: 5_000 })
      .catch(() => undefined);
  await page.locator('.sale-screen[data-screen="entry"]').waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // Esc clears an amount left from an earlier scenario.
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('amount').textContent()).not.toMatch(/\d/);
}

async function typeAmount(yuan: string): Promise<void> {
  await page.keyboard.type(yuan, { delay: 60 });
  await expect.poll(() => page.getByTestId('amount').textContent()).toBe(`¥${yuan}`);
}

const SIZES = [
  { width: 800, height: 480 },
  { width: 1024, height: 600 },
  { width: 1366, height: 768 },
] as const;

describe('the till fits 1366×768, 1024×600 and 800×480', () => {
  for (const { width, height } of SIZES) {
    const size = `${width}x${height}`;
    it(`at ${size}: entry, declined, charging, in doubt, banner, paid, 待处理, history, settings`, async () => {
      await page.setViewportSize({ width, height });
      // The line is up (the previous size may have left it cut): wait until the till knows.
      proxy.down = false;
      await page.locator('[data-testid="provider-wxpay"].reach-up').waitFor({ timeout: 30_000 });
      await toAmountEntry();
      await typeAmount('28.5');
      await fitsAndShoot(size, 'entry');

      // A declined payment turns the screen red and keeps the sale waiting for a fresh code or cash.
      await scanAsWedge(page, await issueCode(proxy.url, 'alipay', 'insufficient_funds'));
      await page.locator('.sale-scan.tone-err [data-outcome="failed"]').waitFor({ timeout: 20_000 });
      await fitsAndShoot(size, 'declined');
      await page.getByTestId('cancel-sale').click();
      await toAmountEntry();
      await typeAmount('28.5');

      // The scan is the charge; the customer is asked for the password.
      await scanAsWedge(page, await issueCode(proxy.url, 'wxpay', 'password'));
      await page
        .locator('[data-testid="charging"][data-phase="polling"]')
        .waitFor()
        .catch(async (error: unknown) => {
          const sale = await api(serve.url, 'getSale');
          const screen = await page.locator('.app').textContent();
          throw new Error(`${String(error)}\nsale: ${JSON.stringify(sale)}\nscreen: ${screen}`);
        });
      await fitsAndShoot(size, 'charging');
      const first = (await api<{ order: { out_trade_no: string } }>(serve.url, 'getSale')).order.out_trade_no;

      // The line drops: amber, 网络中断，正在确认结果, and the next sale may start.
      proxy.down = true;
      await page.locator('.sale-charging.tone-doubt').waitFor({ timeout: 30_000 });
      await fitsAndShoot(size, 'in-doubt');
      // The cashier stops it (Esc, confirmed): the reversal cannot reach the provider either, so the
      // charge waits in 待处理 while the next customer is served.
      await page.keyboard.press('Escape');
      await page.getByRole('alertdialog').getByRole('button', { name: /撤销/ }).click();
      await page
        .getByTestId('charging')
        .and(page.locator('[data-phase="reversing"]'))
        .waitFor({ timeout: 20_000 });
      const next = page.getByTestId('next-sale-now');
      await expect.poll(() => next.isEnabled(), { timeout: 15_000 }).toBe(true);
      await next.click();
      await page.locator('.sale-screen[data-screen="entry"]').waitFor();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await typeAmount('3');
      await page.locator('[data-testid="provider-wxpay"].reach-down').waitFor({ timeout: 30_000 });
      // Less cash handed over than the sale: a banner says so and the amount stays (banners must fit too).
      const tendered = page.getByTestId('cash-tendered');
      await tendered.fill('1');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('F2');
      await page.locator('.sale-screen [data-error-code="cash_tendered_short"]').waitFor();
      await fitsAndShoot(size, 'entry-banner');
      await tendered.fill('5');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('F2');
      await page.locator('.tone-ok[data-outcome="paid"]').waitFor();
      await fitsAndShoot(size, 'paid');

      // 待处理 lists the charge being reversed; a list screen scrolls inside itself, never the page.
      await page.getByTestId('nav-attention').click();
      await page.getByTestId('attention-item').first().waitFor();
      await fitsAndShoot(size, 'attention', false);

      // The line returns: the engine finishes the reversal by itself, and the till takes e-wallet
      // payments again (one unresolved charge at a time).
      proxy.down = false;
      await expect
        .poll(
          async () =>
            (await api<{ live_attempt: unknown }>(serve.url, 'getOrder', { out_trade_no: first }))
              .live_attempt,
          {
            timeout: 90_000,
            interval: 500,
          },
        )
        .toBeNull();

      await page.getByTestId('nav-history').click();
      await page.getByTestId('orders').waitFor();
      await fitsAndShoot(size, 'history', false);
      await page.getByTestId('nav-settings').click();
      // Unlocked with the default PIN (it stays unlocked for the next size): the PIN-change banner and
      // the settings below it.
      const pin = page.getByTestId('settings-pin');
      const unlocked = page.getByTestId('pin-change-required');
      await pin.or(unlocked).waitFor();
      if (await pin.isVisible()) {
        await pin.fill('0000');
        await page.getByRole('button', { name: '解锁' }).click();
      }
      await unlocked.waitFor();
      await fitsAndShoot(size, 'settings', false);
    }, 240_000);
  }
});

describe('the till with every provider unreachable fits too (both banners shown)', () => {
  it('at the three sizes: cash only, and a refused cash sale says why', async () => {
    // A second till on the same sandbox and browser, whose line is cut from the start.
    const cutProxy = await startOutageProxy(till.sandbox.url, true);
    const cutServe = await startServe({ sandboxUrl: cutProxy.url });
    const cut = await newPage(till.browser);
    try {
      await api(cutServe.url, 'openShift', { cashier: 'Zhao', float_fee: 0 });
      await cut.goto(cutServe.url);
      await cut.getByTestId('ewallet-down').waitFor({ timeout: 30_000 });
      for (const { width, height } of SIZES) {
        const size = `${width}x${height}`;
        await cut.setViewportSize({ width, height });
        await cut.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await cut.keyboard.press('Escape');
        await cut.keyboard.type('12', { delay: 60 });
        await expect.poll(() => cut.getByTestId('amount').textContent()).toBe('¥12');
        await cut.getByTestId('cash-tendered').fill('10');
        await cut.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await cut.keyboard.press('F2');
        await cut.locator('.sale-screen [data-error-code="cash_tendered_short"]').waitFor();
        expect(await cut.getByTestId('charge').isDisabled()).toBe(true);
        await fitsAndShoot(size, 'offline', true, cut);
        await cut.getByTestId('cash-tendered').fill('');
      }
      // English words are longer than Chinese: the smallest screen still fits, bars included.
      await cut.getByTestId('lang-switch').click();
      await cut.setViewportSize({ width: 800, height: 480 });
      await cut
        .getByTestId('ewallet-down')
        .filter({ hasText: /Cash still works/ })
        .waitFor();
      await cut.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await cut.getByTestId('charge').filter({ hasText: '¥12.00' }).waitFor();
      await fitsAndShoot('800x480', 'offline-en', true, cut);
    } finally {
      await cut.context().close();
      await cutServe.stop();
      await cutProxy.close();
    }
  }, 120_000);
});
