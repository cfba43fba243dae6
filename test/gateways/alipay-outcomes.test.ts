/**
 * Alipay codes → outcomes (docs/protocols.md §4). Sub codes reach us both bare (`ACQ.SYSTEM_ERROR`)
 * and with the gateway's `aop.` prefix (`aop.ACQ.SYSTEM_ERROR`): they are matched by suffix.
 */
import { describe, expect, it } from 'vitest';
import {
  mapCancelReply,
  mapCloseReply,
  mapPayReply,
  mapPrecreateReply,
  mapQueryReply,
  mapRefundQueryReply,
  mapRefundReply,
} from '../../core/gateways/alipay/alipay-outcomes.ts';
import type { AlipayReply } from '../../core/gateways/alipay/alipay-transport.ts';

function verified(response: Record<string, unknown>): AlipayReply {
  return { kind: 'verified', response };
}

const error = (sub_code: string) => ({ code: '40004', msg: 'Business Failed', sub_code, sub_msg: 'x' });

describe.each(['', 'aop.'])('sub codes with prefix "%s"', (prefix) => {
  it('pay: SYSTEM_ERROR is unknown (query); TRADE_HAS_SUCCESS, another buyer under a reused number, failed', () => {
    expect(mapPayReply(verified(error(`${prefix}ACQ.SYSTEM_ERROR`)), 'A1', 100).kind).toBe('unknown');
    expect(mapPayReply(verified(error(`${prefix}ACQ.TRADE_HAS_SUCCESS`)), 'A1', 100)).toMatchObject({
      kind: 'failed',
      providerCode: 'ACQ.TRADE_HAS_SUCCESS',
    });
    expect(mapPayReply(verified(error(`${prefix}ACQ.BUYER_BALANCE_NOT_ENOUGH`)), 'A1', 100)).toMatchObject({
      kind: 'failed',
      providerCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH',
    });
  });

  it('query and refund query: TRADE_NOT_EXIST is not_found', () => {
    expect(mapQueryReply(verified(error(`${prefix}ACQ.TRADE_NOT_EXIST`)), 'A1').kind).toBe('not_found');
    expect(
      mapRefundQueryReply(verified(error(`${prefix}ACQ.TRADE_NOT_EXIST`)), {
        outTradeNo: 'A1',
        outRefundNo: 'R1',
      }).kind,
    ).toBe('not_found');
  });

  it('cancel: TRADE_NOT_EXIST is not_found, SYSTEM_ERROR is unknown', () => {
    expect(mapCancelReply(verified(error(`${prefix}ACQ.TRADE_NOT_EXIST`)), 'A1').kind).toBe('not_found');
    expect(mapCancelReply(verified(error(`${prefix}ACQ.SYSTEM_ERROR`)), 'A1').kind).toBe('unknown');
  });

  it('close: TRADE_STATUS_ERROR means paid meanwhile; SYSTEM_ERROR and TRADE_NOT_EXIST are unknown', () => {
    expect(mapCloseReply(verified(error(`${prefix}ACQ.TRADE_STATUS_ERROR`)), 'A1').kind).toBe('paid');
    expect(mapCloseReply(verified(error(`${prefix}ACQ.SYSTEM_ERROR`)), 'A1').kind).toBe('unknown');
    expect(mapCloseReply(verified(error(`${prefix}ACQ.TRADE_NOT_EXIST`)), 'A1').kind).toBe('unknown');
  });

  it('refund and precreate: SYSTEM_ERROR is unknown', () => {
    expect(
      mapRefundReply(verified(error(`${prefix}ACQ.SYSTEM_ERROR`)), { outTradeNo: 'A1', outRefundNo: 'R1' })
        .kind,
    ).toBe('unknown');
    expect(mapPrecreateReply(verified(error(`${prefix}ACQ.SYSTEM_ERROR`)), 'A1').kind).toBe('unknown');
  });
});
