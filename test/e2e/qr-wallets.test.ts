/**
 * The QR display (massage chair) in Chromium with both wallets on the sandbox: two live codes side
 * by side at 800×480 and 1024×600 with countdown and 取消 on screen, paid with WeChat, paid with
 * Alipay, paid with both (the second refunded automatically), and expired (hidden at once, 二维码已失效,
 * and the sandbox refuses the code because the order carried time_expire). Screenshots go to
 * test/.artifacts/screenshots (the README's come from there).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot } from './helpers/browser.ts';
import { api, scanQr } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

/** Short-lived codes so the expiry scenario needs no long wait (the config allows 10 s at least). */
const TTL_MS = 20_000;

let serve: RunningServe;
let browser: Browser;
let page: Page;

interface QrState {
  state: string;
  codes: { wallet: 'wxpay' | 'alipay'; qr_code: string; out_trade_no: string }[];
  out_trade_no: string | null;
}

beforeAll(async () => {
  [serve, browser] = await Promise.all([
    startServe({
      config: {
        ui: { mode: 'qr' },
        qr_display: { product: { name: '按摩椅 10 分钟', total_fee: 1000 }, success_ms: 2000 },
        poll_schedules: { wxpay: { qr_ttl_ms: TTL_MS }, alipay: { qr_ttl_ms: TTL_MS } },
      },
    }),
    launchChromium(),
  ]);
  const context = await browser.newContext({ viewport: { width: 800, height: 480 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(serve.url);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

const screenState = (state: string) => page.locator(`[data-testid="qr-screen"][data-state="${state}"]`);

/** From idle (after any earlier outcome) to two live codes. */
async function showCodes(): Promise<QrState> {
  await screenState('idle').waitFor({ timeout: 20_000 });
  await page.getByTestId('qr-start').click();
  await page.getByTestId('qr-image-wxpay').waitFor();
  await page.getByTestId('qr-image-alipay').waitFor();
  return api<QrState>(serve.url, 'qrState');
}

/** Countdown and 取消 are inside the viewport: nothing below the fold. */
async function expectAboveTheFold(height: number): Promise<void> {
  for (const id of ['qr-countdown', 'qr-cancel', 'qr-image-wxpay', 'qr-image-alipay']) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.y + box!.height, id).toBeLessThanOrEqual(height);
  }
}

const codeFor = (state: QrState, wallet: 'wxpay' | 'alipay') => state.codes.find((c) => c.wallet === wallet)!;

describe('QR display with both wallets', () => {
  it('800×480: two codes side by side with countdown and 取消 visible; paid with WeChat', async () => {
    const state = await showCodes();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('请用微信或支付宝扫码支付');
    await expectAboveTheFold(480);
    await shot(page, 'qr-800x480-showing');
    await scanQr(serve.sandboxUrl, codeFor(state, 'wxpay').qr_code);
    await screenState('paid').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('qr-paid-wallet').textContent()).toBe('微信支付');
    await shot(page, 'qr-800x480-paid');
  }, 60_000);

  it('1024×600: paid with Alipay', async () => {
    await page.setViewportSize({ width: 1024, height: 600 });
    const state = await showCodes();
    await expectAboveTheFold(600);
    await shot(page, 'qr-1024x600-showing');
    await scanQr(serve.sandboxUrl, codeFor(state, 'alipay').qr_code);
    await screenState('paid').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('qr-paid-wallet').textContent()).toBe('支付宝');
  }, 60_000);

  it('paid with both: the second payment is refunded automatically and reported', async () => {
    const state = await showCodes();
    await Promise.all([
      scanQr(serve.sandboxUrl, codeFor(state, 'wxpay').qr_code),
      scanQr(serve.sandboxUrl, codeFor(state, 'alipay').qr_code),
    ]);
    const notice = page.getByTestId('qr-duplicate');
    await expect.poll(() => notice.textContent(), { timeout: 20_000 }).toContain('已自动原路退回');
    await shot(page, 'qr-1024x600-paid-twice');
    const after = await api<QrState>(serve.url, 'qrState');
    const second = state.codes.find((c) => c.out_trade_no !== after.out_trade_no)!;
    const refunded = await api<{ status: number; refunded_fee: number }>(serve.url, 'getOrder', {
      out_trade_no: second.out_trade_no,
    });
    expect(refunded).toMatchObject({ status: 3, refunded_fee: 1000 });
  }, 60_000);

  it('expired: the codes vanish at once (二维码已失效) and the provider no longer takes the code', async () => {
    await page.setViewportSize({ width: 800, height: 480 });
    const state = await showCodes();
    await screenState('expired').waitFor({ timeout: TTL_MS + 5_000 });
    expect(await page.getByTestId('qr-expired').textContent()).toBe('二维码已失效');
    expect(await page.getByTestId('qr-image-wxpay').count()).toBe(0);
    await shot(page, 'qr-800x480-expired');
    const late = await fetch(`${serve.sandboxUrl}/_sandbox/wallet/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ qr: codeFor(state, 'wxpay').qr_code, behavior: 'instant' }),
    });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ message: 'this QR code has expired' });
  }, 60_000);
});
