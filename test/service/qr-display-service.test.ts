/**
 * The QR display as the service composes it from config.json: both sandbox wallets, the codes'
 * life from poll_schedules.qr_ttl_ms (the shortest of the wallets shown, never cut to the default),
 * the subject the customer's bill shows, and auto_start with no tap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

let h: ServiceHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const QR_CONFIG = {
  ui: { mode: 'qr' },
  qr_display: { product: { name: '按摩椅 10 分钟', total_fee: 1000 } },
  poll_schedules: { wxpay: { qr_ttl_ms: 600_000 }, alipay: { qr_ttl_ms: 300_000 } },
};

describe('the QR display from config.json', () => {
  it('shows both wallets; the codes live as long as the shortest configured qr_ttl_ms', async () => {
    h = await startServiceHarness({ config: QR_CONFIG });
    const before = Date.now();
    const started = await h.call('qrStart', {});
    expect(started.body.ok).toBe(true);
    const view = started.body.value;
    expect(view.codes.map((c: { wallet: string }) => c.wallet)).toEqual(['wxpay', 'alipay']);
    expect(view.expires_at - before).toBeGreaterThanOrEqual(300_000);
    expect(view.expires_at - Date.now()).toBeLessThanOrEqual(300_000);
    for (const code of view.codes as { out_trade_no: string }[]) {
      const order = await h.call('getOrder', { out_trade_no: code.out_trade_no });
      // The subject sent to the provider: the shop, then the product.
      expect(order.body.value.subject).toBe('Sandbox store 按摩椅 10 分钟');
    }
    await h.call('qrCancel', {});
  });

  it('auto_start: a code is showing with no qrStart call', async () => {
    h = await startServiceHarness({
      config: { ...QR_CONFIG, qr_display: { ...QR_CONFIG.qr_display, auto_start: true } },
    });
    let state = '';
    for (let i = 0; i < 50 && state !== 'showing'; i++) {
      state = (await h.call('qrState', {})).body.value.state;
      if (state !== 'showing') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe('showing');
    await h.call('qrCancel', {});
  });
});
