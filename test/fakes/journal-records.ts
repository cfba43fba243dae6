/** Journal rows for tests that write a journal directly: a new unpaid order and its first micropay attempt. */
import { type AttemptState, submittedAttempt } from '../../core/domain/attempt-state.ts';
import type { OrderRecord } from '../../core/domain/order.ts';

/** A new order (status 0, nothing paid) created at `at`; `over` sets what a test cares about. */
export function newOrderRecord(
  orderNo: string,
  totalFee: number,
  at: number,
  over: Partial<OrderRecord> = {},
): OrderRecord {
  return {
    orderNo,
    pid: 'm1',
    totalFee,
    subject: 'tea',
    type: 'misc',
    custom: null,
    other: null,
    status: 0,
    tender: null,
    provider: null,
    transactionId: null,
    paidOutTradeNo: null,
    paidAt: null,
    refundedFee: 0,
    cashier: null,
    shiftId: null,
    note: null,
    timeExpire: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

/** The order's first attempt, a WeChat micropay just submitted at `at`. */
export function firstMicropayAttempt(order: OrderRecord, at: number): AttemptState {
  return submittedAttempt(
    {
      outTradeNo: `${order.orderNo}-1`,
      orderNo: order.orderNo,
      attemptIndex: 1,
      pid: order.pid,
      provider: 'wxpay',
      wallet: 'wxpay',
      mode: 'micropay',
      totalFee: order.totalFee,
      deadlineAt: null,
    },
    at,
  );
}
