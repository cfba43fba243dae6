/**
 * Store peripherals in Chromium against `scanpay serve` with a virtual network printer: the customer
 * screen at 800×480 and 1024×600 follows a WeChat sale to 支付成功 and shows a cash sale with 实收 and
 * 找零, the till's window says the amount from the shipped clips (no speech engine), and the receipt
 * comes out of the printer.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../../core/peripherals/escpos/receipt-encoder.ts';
import { refundReceipt, saleReceipt, shiftReport } from '../../core/service/peripherals/receipt-layout.ts';
import { decodeEscPos, printedText } from '../peripherals/escpos-decoder.ts';
import { paidOrder } from '../peripherals/fixtures.ts';
import { startVirtualPrinter, type VirtualPrinter } from '../peripherals/virtual-printer.ts';
import { launchChromium, SCREENSHOT_DIR, shot } from './helpers/browser.ts';
import { api, issueCode } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

let serve: RunningServe;
let browser: Browser;
let printer: VirtualPrinter;

beforeAll(async () => {
  printer = await startVirtualPrinter();
  [serve, browser] = await Promise.all([
    startServe({
      config: {
        terminal_id: 'T01',
        printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port, width: 58, shop_name: '老王便利店' },
      },
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await printer?.close();
});

async function pageAt(width: number, height: number, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // No speech engine on this till: the clips must carry the voice.
  await page.addInitScript(() => Object.defineProperty(window, 'speechSynthesis', { value: undefined }));
  await page.goto(`${serve.url}${path}`);
  return page;
}

/** Fits the viewport: no scrolling on a pole-mounted screen. */
async function fitsViewport(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      document.documentElement.scrollHeight <= window.innerHeight &&
      document.documentElement.scrollWidth <= window.innerWidth,
  );
}

describe('store peripherals in Chromium', () => {
  it('customer screen, spoken amount and receipt for one WeChat sale', async () => {
    const small = await pageAt(800, 480, '/?mode=customer');
    const large = await pageAt(1024, 600, '/?mode=customer');
    const till = await pageAt(1280, 800, '/');
    const clips: string[] = [];
    till.on('request', (request) => {
      const match = /\/voice\/([0-9a-f-]+)\.wav$/.exec(request.url());
      if (match)
        clips.push(
          match[1]!
            .split('-')
            .map((hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
            .join(''),
        );
    });
    await small.locator('[data-testid="customer-screen"][data-state="idle"]').waitFor();
    expect(await fitsViewport(small)).toBe(true);
    await shot(small, 'customer-800x480-idle');

    await api(serve.url, 'beginSale', { total_fee: 1288 });
    for (const page of [small, large]) {
      await page.locator('[data-testid="customer-screen"][data-state="pay"]').waitFor();
      expect(await page.getByTestId('customer-amount').textContent()).toBe('¥12.88');
      expect(await page.getByRole('status').textContent()).toBe('请出示付款码');
      expect(await fitsViewport(page)).toBe(true);
    }
    await shot(small, 'customer-800x480-pay');
    await shot(large, 'customer-1024x600-pay');

    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'instant');
    await api(serve.url, 'submitScan', { code });
    for (const page of [small, large]) {
      await page.locator('[data-testid="customer-screen"][data-state="paid"]').waitFor();
      expect(await page.getByRole('status').textContent()).toBe('✓ 支付成功');
      expect(await fitsViewport(page)).toBe(true);
    }
    await shot(small, 'customer-800x480-paid');
    await shot(large, 'customer-1024x600-paid');

    // The till's window said it, clip by clip, once.
    const deadline = Date.now() + 10_000;
    while (clips.length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(clips).toEqual(['微信收款', '十', '二', '点', '八', '八', '元']);

    // And the printer printed the receipt.
    const printedBy = Date.now() + 10_000;
    while (decodeEscPos(printer.printed()).cuts < 1 && Date.now() < printedBy)
      await new Promise((r) => setTimeout(r, 50));
    const receipt = decodeEscPos(printer.printed());
    expect(receipt.lines[0]).toBe('老王便利店');
    expect(printedText(receipt)).toMatch(/合计 +￥12\.88/);
    await till.locator('[data-testid="printer-status"][data-state="online"]').waitFor();
    await shot(till, 'till-printer-status');

    // A cash sale never passes through the till's sale: the customer screen takes it from the
    // order event and shows what was handed over and the change.
    await api(serve.url, 'recordCashSale', { total_fee: 1288, tendered_fee: 2000 });
    for (const page of [small, large]) {
      await page.getByTestId('customer-change').waitFor();
      expect(await page.getByTestId('customer-amount').textContent()).toBe('¥12.88');
      expect(await page.getByTestId('customer-tendered').textContent()).toBe('实收 ¥20.00');
      expect(await page.getByTestId('customer-change').textContent()).toBe('找零 ¥7.12');
      expect(await page.getByRole('status').textContent()).toBe('✓ 支付成功');
      expect(await fitsViewport(page)).toBe(true);
    }
    await shot(small, 'customer-800x480-cash');
  });

  it('renders the receipts as images (previews; docs/screenshots)', async () => {
    const header = { shopName: '老王便利店', terminalId: 'T01' };
    const refund = {
      out_refund_no: 'R-T01-20261130-0001',
      refund_fee: 500,
      status: 'succeeded' as const,
      reason: '少送一杯',
      created_at: Date.UTC(2026, 10, 30, 16, 0, 0),
      updated_at: Date.UTC(2026, 10, 30, 16, 0, 5),
      failure: null,
    };
    const receipts = {
      'receipt-58mm-wechat': renderSvg(saleReceipt(header, paidOrder()), 58),
      'receipt-80mm-cash': renderSvg(
        saleReceipt(
          header,
          paidOrder({ tender: 'cash', transaction_id: null, custom: { tendered_fee: 2000 } }),
        ),
        80,
      ),
      'receipt-58mm-refund': renderSvg(
        refundReceipt(header, paidOrder({ status: 2, refunded_fee: 500 }), refund),
        58,
      ),
      'receipt-58mm-z-report': renderSvg(
        shiftReport(
          header,
          {
            shift_id: 'SMIKQ2A1B',
            cashier: '张三',
            opened_at: Date.UTC(2026, 10, 30, 1, 0, 0),
            closed_at: Date.UTC(2026, 10, 30, 10, 0, 0),
            float_fee: 20000,
            totals: [
              { tender: 'cash', sales_count: 12, sales_fee: 35600, refunds_fee: 0, net_fee: 35600 },
              { tender: 'wxpay', sales_count: 31, sales_fee: 98870, refunds_fee: 500, net_fee: 98370 },
              { tender: 'alipay', sales_count: 9, sales_fee: 21440, refunds_fee: 0, net_fee: 21440 },
            ],
            expected_cash_fee: 55600,
            counted: { cash: 55500 },
            lines: [
              {
                tender: 'cash',
                counted_by: 'cashier',
                expected_fee: 55600,
                counted_fee: 55500,
                difference_fee: -100,
              },
              {
                tender: 'wxpay',
                counted_by: 'journal',
                expected_fee: 98370,
                counted_fee: 98370,
                difference_fee: 0,
              },
              {
                tender: 'alipay',
                counted_by: 'journal',
                expected_fee: 21440,
                counted_fee: 21440,
                difference_fee: 0,
              },
            ],
          },
          2,
        ),
        58,
      ),
    };
    const page = await browser.newPage({ locale: 'zh-CN', deviceScaleFactor: 1 });
    for (const [name, svg] of Object.entries(receipts)) {
      await page.setContent(`<body style="margin:0;background:#fff">${svg}</body>`);
      const image = page.locator('svg').first();
      const box = await image.boundingBox();
      expect(box?.width).toBe(name.includes('80mm') ? 576 : 384); // 48 or 32 columns × 12 dots
      await image.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
    }
    await page.close();
  });
});
