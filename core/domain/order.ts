/**
 * The order, shaped like vk-uni-pay's vk-pay-orders. `orderNo` is the merchant's number (the API's
 * `out_trade_no`); each attempt to pay it has its own provider out_trade_no (see attemptOutTradeNo).
 */
import type { OrderStatus, ProviderName, Tender } from '../common/contract/views.ts';

export interface OrderRecord {
  readonly orderNo: string;
  readonly pid: string;
  readonly totalFee: number;
  readonly subject: string;
  readonly type: string;
  readonly custom: unknown;
  readonly other: Readonly<Record<string, string>> | null;
  readonly status: OrderStatus;
  readonly tender: Tender | null;
  readonly provider: ProviderName | null;
  readonly transactionId: string | null;
  readonly paidOutTradeNo: string | null;
  readonly paidAt: number | null;
  readonly refundedFee: number;
  readonly cashier: string | null;
  readonly shiftId: string | null;
  readonly note: string | null;
  readonly timeExpire: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RefundRecord {
  readonly outRefundNo: string;
  readonly orderNo: string;
  /** The attempt that holds the money. */
  readonly outTradeNo: string;
  readonly refundFee: number;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly reason: string | null;
  readonly refundId: string | null;
  readonly failure: { readonly code: string; readonly message: string } | null;
  readonly attempts: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface CallbackRecord {
  readonly orderNo: string;
  /** pending: owed; running: started (a crash here means it runs again: callbacks must be idempotent); done. */
  readonly state: 'pending' | 'running' | 'done' | 'retrying';
  readonly source: 'notify' | 'query';
  readonly runs: number;
  readonly userOrderSuccess: boolean | null;
  readonly lastError: string | null;
  readonly nextRunAt: number;
  readonly updatedAt: number;
  /**
   * What the handler recorded as already done, by its own step keys, with each step's result: a
   * retry (also after a restart) skips these (core/service/paid-actions: a motor runs at most once).
   * Absent: nothing recorded. Journaled with the row (callbacks.progress).
   */
  readonly progress?: CallbackProgress;
  /**
   * A supervisor ordered this run (重新执行) after it was held: the handler does not hold it again
   * for the reason it was held (a price below the action's floor). Journaled (callbacks.run_by_person).
   */
  readonly runByPerson?: boolean;
}

/** A paid callback's recorded steps: step key → its result. */
export type CallbackProgress = Readonly<Record<string, boolean>>;

/**
 * The step key a journal row's progress reads as when its stored text cannot be read: no handler
 * has a step by that name, so a handler that must not repeat a step holds the run for a person.
 */
export const UNREADABLE_PROGRESS_STEP = '(unreadable progress)';

/**
 * Attempt 1 uses the merchant's number as is, so the provider's bill shows it; later attempts
 * append `_<n>`. Merchant numbers are limited to 29 characters so this fits WeChat's 32.
 */
export function attemptOutTradeNo(orderNo: string, attemptIndex: number): string {
  return attemptIndex === 1 ? orderNo : `${orderNo}_${attemptIndex}`;
}

/** Status from money held: paid, then partly/fully refunded. */
export function statusAfterRefunds(totalPaid: number, refunded: number): OrderStatus {
  if (refunded <= 0) return 1;
  return refunded >= totalPaid ? 3 : 2;
}
