/**
 * The cashier UI in real Chromium against `scanpay serve` on the sandbox gateway: scans arrive as a
 * fast keyboard burst that the page's wedge detector turns into submitScan. Scenarios run in order on
 * one service (one till), each leaving the till ready for the next.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newPage, scanAsWedge, shot } from './helpers/browser.ts';
import { api, confirmCode, issueCode } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

let serve: RunningServe;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [serve, browser] = await Promise.all([startServe(), launchChromium()]);
  page = await newPage(browser);
  await page.goto(serve.url);
  await page.getByTestId('link-status').and(page.locator('.link-open')).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** Types an amount at human speed (the wedge detector must not take it for a scan) and presses Enter. */
async function startSale(yuan: string): Promise<void> {
  await page.getByTestId('nav-sale').click();
  const newSale = page.getByTestId('new-sale');
  if (await newSale.isVisible()) await newSale.click();
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.type(yuan, { delay: 60 });
  await expect.poll(() => page.getByTestId('amount').textContent()).toBe(`¥${yuan}`);
  await page.keyboard.press('Enter');
  await page.getByTestId('scan-prompt').waitFor();
}

describe('cashier in Chromium', () => {
  it('opens a shift with a cash float', async () => {
    await page.getByTestId('nav-shift').click();
    await shot(page, '01-shift-open');
    await page.getByTestId('shift-cashier').fill('王芳');
    await page.getByTestId('shift-float').fill('100');
    await page.getByTestId('shift-open').click();
    await expect.poll(() => page.getByTestId('expected-cash').textContent()).toMatch(/¥100\.00/);
  });

  it('takes an instant WeChat payment scanned as a keyboard burst', async () => {
    await startSale('12.5');
    await expect.poll(() => page.getByTestId('scan-amount').textContent()).toBe('¥12.50');
    await shot(page, '02-scan-prompt');
    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'instant');
    await scanAsWedge(page, code);
    await page.locator('[data-outcome="paid"]').waitFor();
    expect(await page.getByTestId('outcome').textContent()).toMatch(/¥12\.50/);
    await shot(page, '03-paid');
  });

  it('a scan while the cashier types the amount leaves the amount and the note alone', async () => {
    await page.getByTestId('nav-sale').click();
    const newSale = page.getByTestId('new-sale');
    if (await newSale.isVisible()) await newSale.click();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.type('4', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥4');
    // A customer's code read too early: the first digits must not join the amount (¥413…).
    await scanAsWedge(page, await issueCode(serve.sandboxUrl, 'wxpay', 'instant'));
    await page.waitForTimeout(300);
    expect(await page.getByTestId('amount').textContent()).toBe('¥4');
    // Digits a person types are held back a moment, then replayed: they still arrive, in order.
    await page.keyboard.type('5', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥45');
    const note = page.getByTestId('sale-note');
    await note.click();
    await page.keyboard.type('12号桌', { delay: 60 });
    await expect.poll(() => note.inputValue()).toBe('12号桌');
    await note.fill('');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.getByTestId('amount').textContent()).not.toMatch(/\d/);
  });

  it('says a product barcode is not a payment code, and the sale keeps waiting', async () => {
    await startSale('3');
    await scanAsWedge(page, '6901234567892');
    const error = page.getByTestId('scan-error');
    await error.waitFor();
    expect(await error.getAttribute('data-error-code')).toBe('code_is_product_barcode');
    expect(await error.textContent()).toMatch(/商品条码/);
    await shot(page, '04-product-barcode');
    expect(await page.getByTestId('scan-prompt').isVisible()).toBe(true);
  });

  it('waits for the password with a countdown, then shows paid when the customer confirms', async () => {
    // The till is still waiting for a scan for ¥3 from the previous step.
    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'password');
    await scanAsWedge(page, code);
    await page.locator('[data-testid="charging"][data-phase="polling"]').waitFor();
    expect(await page.getByTestId('countdown').textContent()).toMatch(/\d+/);
    await shot(page, '05-waiting-password');
    await confirmCode(serve.sandboxUrl, code);
    await page.locator('[data-outcome="paid"]').waitFor({ timeout: 20_000 });
  }, 40_000);

  it('manual stop: confirm, then the charge is reversed', async () => {
    await startSale('8.8');
    const code = await issueCode(serve.sandboxUrl, 'alipay', 'password');
    await scanAsWedge(page, code);
    await page.locator('[data-testid="charging"][data-phase="polling"]').waitFor();
    await page.getByTestId('stop').click();
    await page.getByRole('alertdialog').waitFor();
    await shot(page, '06-stop-confirm');
    await page.getByRole('alertdialog').getByRole('button', { name: /撤销/ }).click();
    await page.locator('[data-outcome="reversed"]').waitFor({ timeout: 25_000 });
    await shot(page, '07-reversed');
    // The customer will pay with another code: the same amount again, without retyping it.
    await page.getByTestId('charge-again').click();
    await page.getByTestId('scan-prompt').waitFor();
    await expect.poll(() => page.getByTestId('scan-amount').textContent()).toBe('¥8.80');
    await page.getByTestId('cancel-sale').click();
  }, 40_000);

  it('insufficient funds: says why, keeps waiting for a fresh code', async () => {
    await startSale('20');
    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'insufficient_funds');
    await scanAsWedge(page, code);
    await page.locator('[data-outcome="failed"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('failure-reason').textContent()).toMatch(/余额不足/);
    expect(await page.getByTestId('scan-prompt').isVisible()).toBe(true);
    await shot(page, '08-insufficient-funds');
    // The customer pays cash instead: the same amount, recorded as cash.
    await page.getByTestId('cash-instead').click();
    await page.locator('[data-outcome="paid"]').waitFor();
    expect(await page.getByTestId('outcome').textContent()).toMatch(/现金/);
  }, 40_000);

  it('survives a page reload in the middle of a payment', async () => {
    await startSale('6');
    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'password');
    await scanAsWedge(page, code);
    await page.locator('[data-testid="charging"][data-phase="polling"]').waitFor();
    await page.reload();
    await page.locator('[data-testid="charging"][data-phase="polling"]').waitFor();
    expect(await page.getByTestId('countdown').isVisible()).toBe(true);
    await shot(page, '09-after-reload');
    await confirmCode(serve.sandboxUrl, code);
    await page.locator('[data-outcome="paid"]').waitFor({ timeout: 20_000 });
  }, 40_000);

  it('refunds part of a paid order with the supervisor PIN', async () => {
    const { orders } = await api<{ orders: { out_trade_no: string; total_fee: number; tender: string }[] }>(
      serve.url,
      'listOrders',
      { status: 1, tender: 'wxpay' },
    );
    const paid = orders.find((o) => o.total_fee === 1250);
    expect(paid).toBeDefined();
    await page.getByTestId('nav-refund').click();
    await page.getByTestId('refund-lookup').fill(paid!.out_trade_no);
    await page.getByTestId('refund-lookup').press('Enter');
    await expect.poll(() => page.getByTestId('refundable').textContent()).toBe('¥12.50');
    await page.getByTestId('refund-amount').fill('2.5');
    await page.getByTestId('refund-pin').fill('1234');
    await page.getByTestId('refund-submit').click();
    await expect
      .poll(() => page.locator('[role="alert"]').first().getAttribute('data-error-code'))
      .toBe('pin_invalid');
    // While the default PIN 0000 is set, a refund asks for a new PIN first.
    await page.getByTestId('refund-pin').fill('0000');
    await page.getByTestId('refund-submit').click();
    await expect
      .poll(() => page.locator('[role="alert"]').first().getAttribute('data-error-code'))
      .toBe('pin_change_required');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-pin').fill('0000');
    await page.getByRole('button', { name: /解锁|Unlock/ }).click();
    await page.getByTestId('settings-new-pin').fill('24681357');
    await page.getByTestId('settings-new-pin').press('Enter');
    await page.getByTestId('pin-change-required').waitFor({ state: 'detached' });
    await page.getByTestId('nav-refund').click();
    await page.getByTestId('refund-lookup').fill(paid!.out_trade_no);
    await page.getByTestId('refund-lookup').press('Enter');
    await expect.poll(() => page.getByTestId('refundable').textContent()).toBe('¥12.50');
    await page.getByTestId('refund-amount').fill('2.5');
    await page.getByTestId('refund-pin').fill('24681357');
    await page.getByTestId('refund-submit').click();
    const result = page.getByTestId('refund-result');
    await result.waitFor({ timeout: 20_000 });
    expect(['succeeded', 'pending']).toContain(await result.getAttribute('data-status'));
    await expect.poll(() => page.getByTestId('refundable').textContent()).toBe('¥10.00');
    await shot(page, '10-refund');
  }, 40_000);

  it('lists the orders in history with their detail', async () => {
    await page.getByTestId('nav-history').click();
    await page.getByTestId('orders').waitFor();
    expect(await page.getByTestId('orders').locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    await shot(page, '11-history');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('history-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^scanpay-orders-T01-\d{8}-\d{4}\.csv$/);
    const file = readFileSync((await download.path())!);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.toString('utf8')).toMatch(/,12\.50,/);
  });

  it('closes the shift: expected vs counted per tender on the Z report', async () => {
    await page.getByTestId('nav-shift').click();
    // float 100 + the ¥20 cash sale
    await expect.poll(() => page.getByTestId('expected-cash').textContent()).toMatch(/¥120\.00/);
    await shot(page, '12-shift');
    await page.getByTestId('counted-cash').fill('119');
    await page.getByTestId('shift-close').click();
    const cash = page.getByTestId('z-line-cash');
    await cash.waitFor();
    expect(await cash.textContent()).toMatch(/¥120\.00.*¥119\.00.*-¥1\.00/);
    await shot(page, '13-z-report');
  });
});
