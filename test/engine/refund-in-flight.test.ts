/**
 * A new refund for an order while one of its refunds has no answer from the provider yet is refused
 * with refund_in_flight: the unanswered one may still be taken, so a second (new out_refund_no) for
 * the same money could refund twice, whichever client asks (the till after a page reload, an
 * integrator over the HTTP API). Repeating the unanswered one (its out_refund_no) is what is allowed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

async function paidOrder(orderNo: string, fee: number): Promise<void> {
  await h.engine.pay({ out_trade_no: orderNo, auth_code: wxCode(), total_fee: fee, subject: 'Tea' });
  await settle(h);
  expect(h.engine.orderView(orderNo)!.status).toBe(1);
}

describe('a refund while another of the same order is unanswered', () => {
  it('is refused with refund_in_flight; the repeat of the unanswered one is answered, then new ones are allowed', async () => {
    await paidOrder('INF1', 1000);
    h.wx.fault('refund', 'lost'); // taken by the provider, the reply lost
    const first = h.engine.refunds.refund({ out_trade_no: 'INF1', out_refund_no: 'INF1RA', refund_fee: 400 });
    first.catch(() => undefined);
    await vi.waitFor(() => expect(h.journal.getRefund('INF1RA')?.attempts).toBe(1));
    expect(h.journal.getRefund('INF1RA')!.status).toBe('pending');

    for (const ask of [
      { out_trade_no: 'INF1', out_refund_no: 'INF1RB', refund_fee: 400 },
      { out_trade_no: 'INF1' },
    ])
      await expect(h.engine.refunds.refund(ask)).rejects.toMatchObject({
        code: 'refund_in_flight',
        details: { out_refund_no: 'INF1RA', refund_fee: 400 },
      });
    expect(h.journal.getRefund('INF1RB')).toBeUndefined();

    const repeat = h.engine.refunds.refund({
      out_trade_no: 'INF1',
      out_refund_no: 'INF1RA',
      refund_fee: 400,
    });
    await settle(h);
    expect(await repeat).toMatchObject({ outRefundNo: 'INF1RA', status: 'succeeded' });
    expect(h.wx.held('INF1')).toBe(600);

    const rest = await h.engine.refunds.refund({ out_trade_no: 'INF1', out_refund_no: 'INF1RB' });
    expect(rest).toMatchObject({ status: 'succeeded', refundFee: 600 });
    expect(h.wx.held('INF1')).toBe(0);
  });

  it('a refund the provider refused (final) does not hold the next one', async () => {
    await paidOrder('INF2', 500);
    h.wx.trades.get('INF2')!.captured = 100; // the fake refuses more than it captured, as final
    const refused = await h.engine.refunds.refund({ out_trade_no: 'INF2', refund_fee: 300 });
    expect(refused.status).toBe('failed');
    h.wx.trades.get('INF2')!.captured = 500;
    expect(await h.engine.refunds.refund({ out_trade_no: 'INF2', refund_fee: 300 })).toMatchObject({
      status: 'succeeded',
    });
  });
});
