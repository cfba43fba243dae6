/**
 * Providers unreachable: the page disables e-wallet tender with a plain message, cash keeps working,
 * and when the line comes back the service's health event re-enables e-wallets without a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shot } from './helpers/browser.ts';
import type { OutageProxy } from './helpers/outage-proxy.ts';
import type { RunningServe } from './helpers/serve.ts';
import { startTillBehindProxy, type TillBehindProxy } from './helpers/till-behind-proxy.ts';

let till: TillBehindProxy;
let proxy: OutageProxy;
let serve: RunningServe;
let page: Page;

beforeAll(async () => {
  till = await startTillBehindProxy(true);
  ({ proxy, serve, page } = till);
});

afterAll(async () => {
  await till?.stop();
});

describe('providers unreachable', () => {
  it('offers cash only while the providers are down, then recovers by itself', async () => {
    await page.goto(serve.url);
    const banner = page.getByTestId('ewallet-down');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toMatch(/现金收款仍可使用/);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.type('9', { delay: 60 });
    // A typed digit reaches the page a key gap late (the wedge detector holds it back first).
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥9');
    expect(await page.getByTestId('charge').isDisabled()).toBe(true);
    expect(await page.getByTestId('provider-wxpay').textContent()).toMatch(/无法连接/);
    await shot(page, '14-providers-down');
    await page.getByTestId('cash').click();
    await page.locator('[data-outcome="paid"]').waitFor();
    expect(await page.getByTestId('outcome').textContent()).toMatch(/现金/);

    proxy.down = false;
    // The paid outcome returns to amount entry by itself (the banner lives there). The service probes
    // with back-off (2 s, 4 s, …) and pushes a health event when a provider answers.
    await page.locator('.sale-screen[data-screen="entry"]').waitFor();
    await banner.waitFor({ state: 'detached', timeout: 25_000 });
    await page.keyboard.type('9', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥9');
    await expect.poll(() => page.getByTestId('charge').isEnabled(), { timeout: 25_000 }).toBe(true);
    expect(await page.getByTestId('provider-wxpay').textContent()).toMatch(/可用/);
    await shot(page, '15-providers-back');
  }, 60_000);
});
