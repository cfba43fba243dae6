/** Order numbers and order status: one definition each, used by the engine, gateways, sandbox and UI. */
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../core/common/contract/views.ts';
import { isOrderNo, MAX_MERCHANT_ORDER_NO } from '../../core/common/order-number.ts';
import {
  isClosedStatus,
  isFullyRefundedStatus,
  isPaidStatus,
  isRefundableStatus,
  isUnpaidStatus,
} from '../../core/common/order-status.ts';

describe('isOrderNo', () => {
  it('accepts letters, digits and _-|*@ up to the length given', () => {
    expect(isOrderNo('Ab9_-|*@', 32)).toBe(true);
    expect(isOrderNo('A'.repeat(MAX_MERCHANT_ORDER_NO), MAX_MERCHANT_ORDER_NO)).toBe(true);
    expect(isOrderNo('A'.repeat(MAX_MERCHANT_ORDER_NO + 1), MAX_MERCHANT_ORDER_NO)).toBe(false);
  });

  it.each([[''], ['A B'], ['订单1'], ['A#1'], ['A/1'], [undefined], [42]])('refuses %j', (text) => {
    expect(isOrderNo(text, 64)).toBe(false);
  });

  it("leaves room for the _<n> attempt suffix within WeChat's 32", () => {
    expect(isOrderNo(`${'A'.repeat(MAX_MERCHANT_ORDER_NO)}_99`, 32)).toBe(true);
  });
});

describe('order status predicates', () => {
  const all: readonly OrderStatus[] = [-1, 0, 1, 2, 3];
  const which = (predicate: (status: OrderStatus) => boolean) => all.filter(predicate);

  it('paid means money was taken, refunds included', () => {
    expect(which(isPaidStatus)).toEqual([1, 2, 3]);
  });

  it('refundable means some paid money is still held', () => {
    expect(which(isRefundableStatus)).toEqual([1, 2]);
    expect(which(isFullyRefundedStatus)).toEqual([3]);
  });

  it('closed and unpaid are single statuses', () => {
    expect(which(isClosedStatus)).toEqual([-1]);
    expect(which(isUnpaidStatus)).toEqual([0]);
  });
});
