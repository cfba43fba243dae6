/**
 * The line drops while a customer is confirming a payment: the screen says 网络中断，正在确认结果
 * (not "waiting for the password"), the cashier serves the next customer in cash meanwhile, and when
 * the line returns the engine settles the first charge by itself.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAsWedge, shot } from './helpers/browser.ts';
import type { OutageProxy } from './helpers/outage-proxy.ts';
import { api, confirmCode, issueCode } from './helpers/sandbox.ts';
import type { RunningServe } from './helpers/serve.ts';
import { startTillBehindProxy, type TillBehindProxy } from './helpers/till-behind-proxy.ts';

let till: TillBehindProxy;
let proxy: OutageProxy;
let serve: RunningServe;
let page: Page;

beforeAll(async () => {
  till = await startTillBehindProxy(false);
  ({ proxy, serve, page } = till);
});

afterAll(async () => {
  await till?.stop();
});

interface OrderView {
  out_trade_no: string;
  status: number;
  tender: string | null;
  live_attempt: { phase: string } | null;
}

describe('outage mid-payment', () => {
  it('says the line is cut, lets the next sale go through in cash, and settles the first charge when the line returns', async () => {
    await page.goto(serve.url);
    await page.locator('.sale-screen[data-screen="entry"]').waitFor();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.type('7', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥7');
    const code = await issueCode(proxy.url, 'wxpay', 'password');
    await scanAsWedge(page, code);
    await page
      .locator('[data-testid="charging"][data-phase="polling"]')
      .waitFor({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        const sale = await api(serve.url, 'getSale');
        const html = await page.locator('.sale-screen').textContent();
        throw new Error(`${String(error)}\nsale: ${JSON.stringify(sale)}\nscreen: ${html}`);
      });
    const first = (await api<{ order: OrderView }>(serve.url, 'getSale')).order;

    proxy.down = true;
    const status = page.getByTestId('charging-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/网络中断，正在确认结果/);
    await shot(page, 'outage-mid-payment');
    const next = page.getByTestId('next-sale-now');
    await expect.poll(() => next.isEnabled(), { timeout: 15_000 }).toBe(true);
    await next.click();
    await page.locator('.sale-screen[data-screen="entry"]').waitFor();
    await page.keyboard.type('3', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥3');
    await page.keyboard.press('F2');
    await page.locator('[data-outcome="paid"]').waitFor();
    expect(await page.getByTestId('outcome').textContent()).toMatch(/现金/);

    // Once the line is back the engine resolves the first charge by itself (booked if the customer's
    // payment is found in time, otherwise reversed): nothing is left running or waiting for a person.
    await confirmCode(proxy.url, code);
    proxy.down = false;
    const firstOrder = () => api<OrderView>(serve.url, 'getOrder', { out_trade_no: first.out_trade_no });
    await expect
      .poll(async () => (await firstOrder()).live_attempt, { timeout: 90_000, interval: 500 })
      .toBeNull();
  }, 150_000);
});
