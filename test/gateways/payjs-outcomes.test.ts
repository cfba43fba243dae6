/**
 * PAYJS replies → outcomes, read against help.payjs.cn: PAYJS defines no error codes, so no
 * return_code=0 text proves a final failure, and its documented micropay success reply carries no
 * status, transaction_id or time_end (docs/protocols.md §5).
 */
import { describe, expect, it } from 'vitest';
import {
  mapMicropayReply,
  mapRefundReply,
  mapReverseReply,
} from '../../core/gateways/payjs/payjs-outcomes.ts';
import type { PayjsReply } from '../../core/gateways/payjs/payjs-transport.ts';

function verified(fields: Record<string, string>): PayjsReply {
  return { kind: 'verified', fields };
}

describe('payjs micropay: return_code 0 is never a final failure', () => {
  it.each([
    '需要用户输入支付密码',
    '用户支付中，需要输入密码',
    '订单已支付',
    '用户余额不足 (NOTENOUGH)',
    '付款码已过期 (AUTHCODEEXPIRE)',
    '付款码无效',
    'something nobody documented',
  ])('%s → unknown (check, then reverse)', (message) => {
    const outcome = mapMicropayReply(verified({ return_code: '0', return_msg: message }), 'P1', 500);
    expect(outcome.kind).toBe('unknown');
  });

  it('keeps the payjs_order_id a return_code 0 reply names, so check and reverse can find the order', () => {
    const outcome = mapMicropayReply(
      verified({ return_code: '0', return_msg: '需要用户输入支付密码', payjs_order_id: 'PJ9' }),
      'P1',
      500,
    );
    expect(outcome).toMatchObject({ kind: 'unknown', providerOrderId: 'PJ9' });
  });
});

describe('payjs micropay: the documented success reply', () => {
  // help.payjs.cn/api-lie-biao/shua-qia-zhi-fu.html: return_code, return_msg, payjs_order_id,
  // out_trade_no, total_fee, sign; no status, transaction_id or time_end.
  const documented = {
    return_code: '1',
    return_msg: 'SUCCESS',
    payjs_order_id: '2026113014000012345',
    out_trade_no: 'P1',
    total_fee: '500',
  };

  it('is paid, booked under the payjs_order_id (the key every later call needs)', () => {
    expect(mapMicropayReply(verified(documented), 'P1', 500)).toEqual({
      kind: 'paid',
      transactionId: '2026113014000012345',
      totalFee: 500,
      providerOrderId: '2026113014000012345',
    });
  });

  it.each([
    ['payjs_order_id', 'unparseable'],
    ['total_fee', 'unparseable'],
    ['out_trade_no', 'mismatch'],
  ])('without %s it is unknown (%s), never paid', (field, reason) => {
    const partial: Record<string, string> = { ...documented };
    delete partial[field];
    expect(mapMicropayReply(verified(partial), 'P1', 500)).toMatchObject({ kind: 'unknown', reason });
  });

  it('with status 1 (check\'s "paid") it is paid as well', () => {
    expect(mapMicropayReply(verified({ ...documented, status: '1' }), 'P1', 500)).toMatchObject({
      kind: 'paid',
    });
  });

  it.each(['2', '-1', 'PAID'])(
    'with a status PAYJS does not define (%o) it is unknown, never paid',
    (status) => {
      const outcome = mapMicropayReply(verified({ ...documented, status }), 'P1', 500);
      expect(outcome).toMatchObject({ kind: 'unknown', providerOrderId: '2026113014000012345' });
    },
  );

  it('for another amount it is unknown (mismatch): the engine checks, then reverses', () => {
    expect(mapMicropayReply(verified({ ...documented, total_fee: '5' }), 'P1', 500)).toMatchObject({
      kind: 'unknown',
      reason: 'mismatch',
    });
  });
});

describe('payjs reverse and refund: return_code 0 is never final', () => {
  it.each(['订单超过7天，不能撤销', '撤销失败', '系统繁忙'])('reverse %s → unknown', (message) => {
    const outcome = mapReverseReply(
      verified({ return_code: '0', return_msg: message }),
      'P1',
      'payjs_order_id',
    );
    expect(outcome.kind).toBe('unknown');
  });

  it('订单不存在 for an order addressed by out_trade_no: it cannot be reversed, say so', () => {
    const outcome = mapReverseReply(
      verified({ return_code: '0', return_msg: '订单不存在' }),
      'P1',
      'out_trade_no',
    );
    expect(outcome.kind).toBe('unaddressable');
  });

  it.each(['退款失败', '订单未支付，无法退款', '余额不足'])('refund %s → unknown', (message) => {
    const outcome = mapRefundReply(verified({ return_code: '0', return_msg: message }), 'P1', 500);
    expect(outcome.kind).toBe('unknown');
  });
});
