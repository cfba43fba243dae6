/**
 * The cashier UI in real Chromium against `scanpay serve` on the sandbox gateway: scans arrive as a
 * fast keyboard burst that the page's wedge detector turns into submitScan. The scenarios share one
 * service (one till) but none relies on another's sale: each starts from the amount entry (whatever
 * the till shows) and makes the orders it checks. Nothing is checked after a fixed wait: a check
 * that "nothing happened" first waits for a signal that the input was processed.
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

interface SaleView {
  state: string;
  order: { out_trade_no: string; total_fee: number; status: number } | null;
  last_scan: { code_masked: string; ok: boolean; error: { code: string } | null } | null;
}

const getSale = () => api<SaleView>(serve.url, 'getSale');

/** The sale screen's amount entry, from whatever the till shows (a waiting sale is cancelled, an outcome left). */
async function toAmountEntry(): Promise<void> {
  await page.getByTestId('nav-sale').click();
  const screen = page.locator('.sale-screen');
  await screen.waitFor();
  const kind = await screen.getAttribute('data-screen');
  if (kind === 'scan') await page.getByTestId('cancel-sale').click();
  // A paid outcome goes back to amount entry by itself: it may do so before the click lands.
  if (kind === 'outcome')
    await page
      .getByTestId('new-sale')
      .click({ timeout: 5_000 })
      .catch(() => undefined);
  await page.locator('.sale-screen[data-screen="entry"]').waitFor();
  await page.locator('body').click({ position: { x: 5, y: 300 } });
}

/** Types an amount at human speed (the wedge detector must not take it for a scan) and presses Enter. */
async function startSale(yuan: string): Promise<void> {
  await toAmountEntry();
  await page.keyboard.type(yuan, { delay: 60 });
  await expect.poll(() => page.getByTestId('amount').textContent()).toBe(`¥${yuan}`);
  await page.keyboard.press('Enter');
  await page.getByTestId('scan-prompt').waitFor();
}

/** A sale paid at once with WeChat through the UI; its order number, from the till. */
async function paidSale(yuan: string): Promise<string> {
  await startSale(yuan);
  await scanAsWedge(page, await issueCode(serve.sandboxUrl, 'wxpay', 'instant'));
  await page.locator('[data-outcome="paid"]').waitFor();
  const { order } = await getSale();
  expect(order?.status).toBe(1);
  return order!.out_trade_no;
}

/** Opens a shift (float ¥100) unless one is open; the scenarios that need one call it. */
async function ensureShiftOpen(): Promise<void> {
  await page.getByTestId('nav-shift').click();
  const open = page.getByTestId('shift-open');
  const expected = page.getByTestId('counted-cash');
  await open.or(expected).waitFor();
  if (await open.isVisible()) {
    await page.getByTestId('shift-cashier').fill('王芳');
    await page.getByTestId('shift-float').fill('100');
    await open.click();
    await expected.waitFor();
  }
}

/** "¥120.00" → 12000 */
function fenOf(text: string | null): number {
  const match = /¥(\d+)\.(\d\d)/.exec(text ?? '');
  if (!match) throw new Error(`no amount in ${text}`);
  return Number(match[1]) * 100 + Number(match[2]);
}

const yuanText = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describe('cashier in Chromium', () => {
  it('opens a shift with a cash float', async () => {
    await page.getByTestId('nav-shift').click();
    await shot(page, '01-shift-open');
    await page.getByTestId('shift-cashier').fill('王芳');
    await page.getByTestId('shift-float').fill('100');
    await page.getByTestId('shift-open').click();
    // A blind count: the open shift shows where to count the cash, never the cash expected.
    await page.getByTestId('counted-cash').waitFor();
    expect(await page.getByTestId('expected-cash').count()).toBe(0);
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

  it('the scan is the charge: type the amount, scan, paid; the next digit starts the next sale', async () => {
    await toAmountEntry();
    await page.keyboard.type('4', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥4');
    // No Enter, no click: the code scanned while ¥4 shows charges ¥4. Exactly ¥4.00 also proves no
    // digit of the scan's burst joined the amount (¥413…).
    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'instant');
    await scanAsWedge(page, code);
    await page.locator('[data-outcome="paid"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('outcome').textContent()).toMatch(/¥4\.00/);
    const { order } = await getSale();
    expect(order).toMatchObject({ total_fee: 400, status: 1 });
    await shot(page, '03b-scan-is-the-charge');
    // The next customer: the first digit typed on the paid screen starts the next sale with it.
    await page.keyboard.type('5', { delay: 60 });
    await page.locator('.sale-screen[data-screen="entry"]').waitFor();
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥5');
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
    expect((await getSale()).state).toBe('awaiting_scan');
  });

  it('waits for the password with a countdown, then shows paid when the customer confirms', async () => {
    await startSale('3');
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
    const orderNo = await paidSale('12.5');
    await page.getByTestId('nav-refund').click();
    await page.getByTestId('refund-lookup').fill(orderNo);
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
    await page.getByTestId('refund-lookup').fill(orderNo);
    await page.getByTestId('refund-lookup').press('Enter');
    await expect.poll(() => page.getByTestId('refundable').textContent()).toBe('¥12.50');
    await page.getByTestId('refund-amount').fill('2.5');
    await page.getByTestId('refund-pin').fill('24681357');
    await page.getByTestId('refund-submit').click();
    const result = page.getByTestId('refund-result');
    await result.waitFor({ timeout: 20_000 });
    expect(['succeeded', 'pending']).toContain(await result.getAttribute('data-status'));
    await expect.poll(() => page.getByTestId('refundable').textContent()).toBe('¥10.00');
    const order = await api<{ refunded_fee: number }>(serve.url, 'getOrder', { out_trade_no: orderNo });
    expect(order?.refunded_fee).toBe(250);
    await shot(page, '10-refund');
  }, 40_000);

  it('lists the orders in history and exports them as CSV', async () => {
    const orderNo = await paidSale('7.77');
    await page.getByTestId('nav-history').click();
    await page.getByTestId('orders').waitFor();
    const row = page.getByTestId('orders').locator('tbody tr', { hasText: orderNo });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/7\.77/);
    await shot(page, '11-history');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('history-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^scanpay-orders-T01-\d{8}-\d{4}\.csv$/);
    const file = readFileSync((await download.path())!);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvRow = file
      .toString('utf8')
      .split(/\r?\n/)
      .find((line) => line.includes(orderNo));
    expect(csvRow).toMatch(/,7\.77,/);
  });

  it('closes the shift with a blind cash count: expected and over/short only on the 交班报表', async () => {
    await ensureShiftOpen();
    const expectedCash = async () =>
      (await api<{ expected_cash_fee: number }>(serve.url, 'currentShift')).expected_cash_fee;
    const before = await expectedCash();
    // A ¥20 cash sale of this scenario's own.
    await toAmountEntry();
    await page.keyboard.type('20', { delay: 60 });
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥20');
    await page.getByTestId('cash').click();
    await page.locator('[data-outcome="paid"]').waitFor();
    await page.getByTestId('nav-shift').click();
    const expected = before + 2000;
    await page.getByTestId('counted-cash').waitFor();
    expect(await expectedCash()).toBe(expected);
    // Nothing on the screen tells the cashier what the count should be.
    expect(await page.locator('main, body').first().textContent()).not.toContain(yuanText(expected));
    await shot(page, '12-shift');
    const counted = expected - 100;
    await page.getByTestId('counted-cash').fill(String(counted / 100));
    await page.getByTestId('shift-close').click();
    const cash = page.getByTestId('z-line-cash');
    await cash.waitFor();
    const line = await cash.textContent();
    expect(line).toContain(yuanText(expected));
    expect(line).toContain(yuanText(counted));
    expect(line).toContain('短款 ¥1.00');
    await shot(page, '13-shift-report');
  });
});
