/**
 * Named predicates over vk-uni-pay's order status (−1 closed, 0 unpaid, 1 paid, 2 partly
 * refunded, 3 fully refunded), so no caller compares the numbers itself (`>= 1` also matched a
 * status added later). Environment-neutral: the renderer uses them too.
 */
import type { OrderStatus } from './contract/views.ts';

/** Money was taken: paid, partly refunded or fully refunded. Such an order is never charged again. */
export function isPaidStatus(status: OrderStatus): boolean {
  return status === 1 || status === 2 || status === 3;
}

/** Paid money of which some is still held: paid or partly refunded, so it can still be refunded. */
export function isRefundableStatus(status: OrderStatus): boolean {
  return status === 1 || status === 2;
}

export function isFullyRefundedStatus(status: OrderStatus): boolean {
  return status === 3;
}

export function isClosedStatus(status: OrderStatus): boolean {
  return status === -1;
}

/** Open and unpaid: may still be charged. */
export function isUnpaidStatus(status: OrderStatus): boolean {
  return status === 0;
}
