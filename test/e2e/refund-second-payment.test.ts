/**
 * One order paid twice, end to end in Chromium: `scanpay serve` with the sandbox; the order's first
 * WeChat charge failed, the second paid, then the provider took the first after all (the sandbox's
 * pay-late) and its signed notification put that payment on 待处理. At 800x480 the supervisor checks
 * it, sees it is a second payment and, with the keyboard only, refunds it: the provider returns that
 * payment and the order stays paid by the other one.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { launchChromium, newPage, shot } from './helpers/browser.ts';
import { api, issueCode } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

const config = { merchants: [{ pid: 'shop', gateways: [{ provider: 'wxpay', sandbox: true }] }] };
let browser: Browser;
let serve: RunningServe;

beforeAll(async () => {
  serve = await startServe({ config });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await browser?.close();
});

async function charge(behavior: 'instant' | 'insufficient_funds'): Promise<string> {
  const code = await issueCode(serve.sandboxUrl, 'wxpay', behavior);
  const res = await fetch(`${serve.url}/api/createPayment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      data: { out_trade_no: 'TWICE9', total_fee: 1500, subject: 'Tea', auth_code: code, pid: 'shop' },
    }),
  });
  const body = (await res.json()) as { attempt: { out_trade_no: string; phase: string } };
  expect(body.attempt.phase).toBe(behavior === 'instant' ? 'paid' : 'failed');
  return body.attempt.out_trade_no;
}

function notification(outTradeNo: string, transactionId: string): string {
  const { credentials } = loadSandboxKeys();
  const fields = {
    return_code: 'SUCCESS',
    result_code: 'SUCCESS',
    appid: credentials.wxpay.appid,
    mch_id: credentials.wxpay.mch_id,
    nonce_str: 'abcdef0123456789',
    total_fee: '1500',
    transaction_id: transactionId,
    out_trade_no: outTradeNo,
    time_end: '20261123180000',
  };
  return buildWxpayXml({ ...fields, sign: v2Sign(fields, credentials.wxpay.key, 'MD5') });
}

async function trade(outTradeNo: string) {
  const res = await fetch(`${serve.sandboxUrl}/_sandbox/trades`);
  const { trades } = (await res.json()) as {
    trades: { out_trade_no: string; captured_fen: number; refunded_fen: number }[];
  };
  return trades.find((t) => t.out_trade_no === outTradeNo);
}

describe('a second payment of one order', () => {
  it('is refunded from 待处理 by the supervisor with the keyboard only, at 800x480', async () => {
    const first = await charge('insufficient_funds');
    const second = await charge('instant');
    const late = await fetch(`${serve.sandboxUrl}/_sandbox/trades/pay-late`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'wxpay', out_trade_no: first }),
    });
    const { transaction_id } = (await late.json()) as { transaction_id: string };
    const notify = () =>
      fetch(`${serve.url}/notify/shop/wxpay`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: notification(first, transaction_id),
      }).then((r) => r.text());
    // Answered FAIL until the provider's query is journaled; WeChat repeats it.
    await expect.poll(notify, { timeout: 15_000 }).toMatch(/SUCCESS/);
    const listed = await api<{ out_trade_no: string }[]>(serve.url, 'listUnresolved', {});
    expect(listed.map((a) => a.out_trade_no)).toContain(first);

    const page = await newPage(browser);
    await page.setViewportSize({ width: 800, height: 480 });
    await page.goto(serve.url);
    const status = await page.evaluate(async () => {
      const session = document.querySelector('meta[name="scanpay-session"]')?.getAttribute('content') ?? '';
      const response = await fetch('/api/updateSettings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-scanpay-session': session },
        body: JSON.stringify({ pin: '0000', new_pin: 'correct horse battery' }),
      });
      return response.status;
    });
    expect(status).toBe(200);
    await page.getByTestId('nav-attention').click();
    const card = page.getByTestId('attention-item');
    await card.waitFor();
    expect(await card.textContent()).toContain(first);

    await page.getByTestId('settle-check').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('settle-evidence').textContent())
      .toMatch(/重复付款|second payment/);
    expect(await page.getByTestId('settle-book_paid').count()).toBe(0);

    await page.getByTestId('settle-by').focus();
    await page.keyboard.type('李店长');
    await page.keyboard.press('Tab');
    await page.keyboard.type('顾客付了两次');
    await page.keyboard.press('Tab');
    // Typed slower than a scanner (a fast burst is taken for a scanned code).
    await page.keyboard.type('correct horse battery', { delay: 80 });
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('settle-refund_payment');
    const button = await page.getByTestId('settle-refund_payment').boundingBox();
    expect(button && button.x + button.width <= 800).toBe(true);
    await shot(page, 'attention-refund-second-payment-800x480');
    await page.keyboard.press('Enter');
    await card.waitFor({ state: 'detached' });

    expect(await trade(first)).toMatchObject({ captured_fen: 1500, refunded_fen: 1500 });
    expect(await trade(second)).toMatchObject({ captured_fen: 1500, refunded_fen: 0 });
    const order = await api<{ status: number; refunded_fee: number }>(serve.url, 'getOrder', {
      out_trade_no: 'TWICE9',
    });
    expect(order).toMatchObject({ status: 1, refunded_fee: 0 });
  }, 120_000);
});
