/**
 * Store refund at the till, in real Chromium: two `scanpay serve` tills forward to a store hub on a
 * throwaway PostgreSQL. A sale made at T2 is scanned on T1's refund screen (F3, then the scanner,
 * no pointer): T1's journal does not hold it, so the screen looks it up at the hub, shows it with
 * its till, and the supervisor asks the refund with the amount and the PIN from the keyboard. T2
 * then makes the refund with the hub's out_refund_no. The panel fits the till's three screen sizes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { HUB_KEY, HUB_PUBLIC_PEM } from '../hub/hub-keys.ts';
import { type PgCluster, startPgCluster } from '../hub/pg-cluster.ts';
import { launchChromium, newPage, scanAsWedge, shot } from './helpers/browser.ts';
import { api, issueCode } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

const ADMIN = 'admin-token-for-the-store-refund-e2e';
const SETTINGS_KEY = 'settings-key-for-the-store-refund-e2e-01';
const PIN = '24681357';
let cluster: PgCluster;
let hub: RunningHub;
let t1: RunningServe;
let t2: RunningServe;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  cluster = await startPgCluster();
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_store_refund_e2e'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    configKey: HUB_KEY,
  });
  const tokens = {
    T1: await enrolTerminal(hub.pool, 'T1', Date.now(), { refunds: true }),
    T2: await enrolTerminal(hub.pool, 'T2', Date.now()),
  };
  t2 = await startServe({
    config: {
      terminal_id: 'T2',
      hub: { url: hub.url, token: tokens.T2, config_public_key: HUB_PUBLIC_PEM, heartbeat_ms: 1000 },
    },
  });
  t1 = await startServe({
    sandboxUrl: t2.sandboxUrl,
    config: {
      terminal_id: 'T1',
      hub: { url: hub.url, token: tokens.T1, heartbeat_ms: 1000 },
      server: { api_keys: [{ id: 'setup', key: SETTINGS_KEY, permissions: ['settings'] }] },
    },
  });
  // The default PIN 0000 refuses every supervisor action: choose one, as a shop does at set-up.
  const changed = await fetch(`${t1.url}/api/updateSettings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SETTINGS_KEY}` },
    body: JSON.stringify({ pin: '0000', new_pin: PIN }),
  });
  expect(changed.status).toBe(200);
  browser = await launchChromium();
  page = await newPage(browser);
  await page.goto(t1.url);
  await page.getByTestId('link-status').and(page.locator('.link-open')).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t1?.stop();
  await t2?.stop();
  await hub?.close();
  await cluster?.stop();
});

async function hubHas(orderNo: string): Promise<boolean> {
  const res = await fetch(`${hub.url}/api/orders?terminal=T2&status=1`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const body = (await res.json()) as { orders: { order_no: string }[] };
  return body.orders.some((o) => o.order_no === orderNo);
}

describe('a sale of another till, refunded at this till through the store hub', () => {
  it('is scanned, shown with its till, and refunded with the amount and PIN from the keyboard', async () => {
    const orderNo = '2026113000017';
    const paid = await api<{ attempt: { phase: string } }>(t2.url, 'createPayment', {
      data: {
        out_trade_no: orderNo,
        total_fee: 1800,
        subject: 'tea',
        auth_code: await issueCode(t2.sandboxUrl, 'wxpay', 'instant'),
      },
    });
    expect(paid.attempt.phase).toBe('paid');
    await expect.poll(() => hubHas(orderNo), { timeout: 20_000 }).toBe(true);

    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('F3');
    await page.getByTestId('refund-lookup').waitFor();
    await scanAsWedge(page, orderNo);
    await expect.poll(() => page.getByTestId('store-refund-till').textContent()).toBe('T2');
    expect(await page.getByTestId('store-refundable').textContent()).toBe('¥18.00');

    for (const [width, height] of [
      [800, 480],
      [1024, 600],
      [1366, 768],
    ] as const) {
      await page.setViewportSize({ width, height });
      const fits = await page.evaluate(() => {
        const doc = document.scrollingElement ?? document.documentElement;
        const submit = document.querySelector('[data-testid="store-refund-submit"]');
        submit?.scrollIntoView({ block: 'nearest' });
        const box = submit?.getBoundingClientRect();
        return {
          pageScrolls: doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth,
          submitInView: !!box && box.top >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
        };
      });
      expect({ width, ...fits }).toEqual({ width, pageScrolls: false, submitInView: true });
      await shot(page, `store-refund-${width}x${height}`);
    }

    // Keyboard only: the amount, Tab past the reason to the PIN, Enter submits.
    await page.getByTestId('store-refund-amount').focus();
    await page.keyboard.type('5', { delay: 60 });
    await page.getByTestId('store-refund-pin').focus();
    await page.keyboard.type(PIN, { delay: 60 });
    await page.keyboard.press('Enter');
    const result = page.getByTestId('store-refund-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('T2');
    expect(await page.getByTestId('store-refundable').textContent()).toBe('¥13.00');

    // T2, the till that sold it, makes the refund with the hub's out_refund_no.
    await expect
      .poll(
        async () =>
          (await fetch(`${t2.url}/api/queryRefund`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ out_trade_no: orderNo }),
          }).then((r) => r.json())) as { refunded_fee?: number },
        { timeout: 30_000 },
      )
      .toMatchObject({ refunded_fee: 500 });
  }, 120_000);
});
