/**
 * IoT QR display in Chromium: settings.ui_mode = qr from config.json, product from config, the QR the
 * service renders, paid through the sandbox phone's QR scan, a reload mid-payment, back to idle.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newPage, shot } from './helpers/browser.ts';
import { api, scanQr } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

let serve: RunningServe;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [serve, browser] = await Promise.all([
    startServe({
      config: {
        ui: { mode: 'qr' },
        qr_display: { product: { name: '按摩椅 10 分钟', total_fee: 1000 }, success_ms: 2000 },
      },
    }),
    launchChromium(),
  ]);
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('QR display mode', () => {
  it('idle → QR with amount and countdown → (reload) → paid → idle', async () => {
    await page.goto(serve.url);
    const screen = page.getByTestId('qr-screen');
    await page.locator('[data-testid="qr-screen"][data-state="idle"]').waitFor();
    expect(await screen.textContent()).toMatch(/按摩椅 10 分钟.*¥10\.00/);
    await shot(page, '16-qr-idle');
    await page.getByTestId('qr-start').click();
    const image = page.getByTestId('qr-image-wxpay');
    await image.waitFor();
    expect(await image.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // The sandbox QR lives 120 s: the countdown starts at, never above, 120.
    const seconds = Number(/\d+/.exec((await page.getByTestId('qr-countdown').textContent()) ?? '')?.[0]);
    expect(seconds).toBeGreaterThan(100);
    expect(seconds).toBeLessThanOrEqual(120);
    // The sandbox merchant has both wallets: both codes, and the heading names both.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('请用微信或支付宝扫码支付');
    await shot(page, '17-qr-showing');

    await page.reload();
    await image.waitFor();

    const { qr_code } = await api<{ qr_code: string }>(serve.url, 'qrState');
    await scanQr(serve.sandboxUrl, qr_code);
    await page.locator('[data-testid="qr-screen"][data-state="paid"]').waitFor({ timeout: 20_000 });
    await shot(page, '18-qr-paid');
    await page.locator('[data-testid="qr-screen"][data-state="idle"]').waitFor({ timeout: 20_000 });
  }, 60_000);
});
