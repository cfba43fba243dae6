/**
 * The refund number the engine makes up when the caller sends none (`<order>R<n>`) must be one no
 * refund holds yet. A caller may send any valid out_refund_no, including one of that shape; the
 * journal's refunds row is keyed by the number (a repeat only updates the status), so a made-up
 * number that is already taken would turn a new refund into a re-send of the old one: the provider
 * answers the old refund, and the till books money that never moved (or another order's row changes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const sale = { total_fee: 1000, subject: 'Tea' };

describe('a refund without out_refund_no', () => {
  it('never takes a number an earlier refund of the same order holds', async () => {
    const attempt = await h.engine.pay({ ...sale, out_trade_no: 'RN1', auth_code: wxCode() });
    await h.engine.refunds.refund({ out_trade_no: 'RN1', refund_fee: 300, out_refund_no: 'RN1R2' });
    const second = await h.engine.refunds.refund({ out_trade_no: 'RN1' });
    expect(second.outRefundNo).not.toBe('RN1R2');
    expect(second).toMatchObject({ status: 'succeeded', refundFee: 700 });
    // The provider moved both refunds: 300 + 700.
    expect(h.wx.trades.get(attempt.outTradeNo)!.refunded).toBe(1000);
    expect(
      h.journal
        .refundsOf('RN1')
        .map((r) => [r.outRefundNo, r.refundFee, r.status])
        .sort(),
    ).toEqual(
      [
        ['RN1R2', 300, 'succeeded'],
        [second.outRefundNo, 700, 'succeeded'],
      ].sort(),
    );
    expect(h.engine.orderView('RN1')).toMatchObject({ status: 3, refunded_fee: 1000 });
  });

  it('never takes a number a refund of another order holds', async () => {
    const one = await h.engine.pay({ ...sale, out_trade_no: 'RN2', auth_code: wxCode() });
    const other = await h.engine.pay({ ...sale, out_trade_no: 'RN3', auth_code: wxCode() });
    // Order RN3's refund carries the number RN2's first made-up refund would get.
    await h.engine.refunds.refund({ out_trade_no: 'RN3', refund_fee: 100, out_refund_no: 'RN2R1' });
    const refund = await h.engine.refunds.refund({ out_trade_no: 'RN2', refund_fee: 400 });
    expect(refund.outRefundNo).not.toBe('RN2R1');
    expect(refund).toMatchObject({ orderNo: 'RN2', status: 'succeeded', refundFee: 400 });
    expect(h.wx.trades.get(one.outTradeNo)!.refunded).toBe(400);
    expect(h.wx.trades.get(other.outTradeNo)!.refunded).toBe(100);
    expect(h.journal.getRefund('RN2R1')).toMatchObject({ orderNo: 'RN3', refundFee: 100 });
    expect(h.engine.orderView('RN2')).toMatchObject({ status: 2, refunded_fee: 400 });
    expect(h.engine.orderView('RN3')).toMatchObject({ status: 2, refunded_fee: 100 });
  });
});
