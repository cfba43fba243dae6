/**
 * An expired WeChat QR order is closed as soon as WeChat allows: closeorder is refused (SYSTEMERROR,
 * read as unknown) in an order's first 5 minutes (docs/protocols.md §2, QR order expiry), so the
 * engine sends its first close once the order is that old (PollPolicy.closeNotBeforeMs) and ends
 * closed with that one call — never as a needs-attention item, never with refused calls before.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloseOutcome } from '../../core/domain/provider-outcomes.ts';
import type { OrderRef } from '../../core/ports/payment-gateway.ts';
import { createHarness, type Harness, settle } from './harness.ts';

const FIVE_MINUTES = 5 * 60_000;

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

/** WeChat's rule on the fake gateway: no close before 5 minutes after the order was created. */
function refuseEarlyCloses(): { closesAt: number[] } {
  const created = new Map<string, number>();
  const closesAt: number[] = [];
  const precreate = h.wx.precreate.bind(h.wx);
  const close = h.wx.close.bind(h.wx);
  h.wx.precreate = (request) => {
    created.set(request.outTradeNo, h.clock.now());
    return precreate(request);
  };
  h.wx.close = async (order: OrderRef): Promise<CloseOutcome> => {
    closesAt.push(h.clock.now());
    const at = created.get(order.outTradeNo) ?? 0;
    if (h.clock.now() < at + FIVE_MINUTES)
      return { kind: 'unknown', reason: 'provider_says_unknown', detail: 'close: SYSTEMERROR' };
    return close(order);
  };
  return { closesAt };
}

describe('closing an expired WeChat QR order', () => {
  // 10 s is the shortest qr_ttl_ms the configuration takes; 120 s the default.
  for (const ttl of [10_000, 20_000, 120_000]) {
    it(`a ${ttl / 1000} s code: closed after WeChat's 5 minutes, not left for a person`, async () => {
      const { closesAt } = refuseEarlyCloses();
      const start = h.clock.now();
      const attempt = await h.engine.startQr({
        total_fee: 1000,
        subject: 'Shop 按摩椅',
        time_expire: start + ttl,
      });
      await settle(h);
      const final = h.engine.orderDetail(attempt.orderNo).attempts.at(-1)!;
      expect(final.phase).toBe('closed');
      // The first close waits for WeChat's 5 minutes: one call, not a refused call every 30 s.
      expect(closesAt).toHaveLength(1);
      expect(closesAt[0]! - start).toBeGreaterThanOrEqual(FIVE_MINUTES);
    });
  }
});
