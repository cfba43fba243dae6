/**
 * vk-uni-pay's queryPayment: the order's payment state, optionally waiting (bounded: 5–40 s, as
 * vk-uni-pay allows) until the paid callback has run or the attempt ended unpaid. A function of
 * the engine's public reads and events: it belongs to the API layer, not the engine's driving.
 */
import type { QueryPaymentResult } from '../../common/contract/api-contract.ts';
import type { AttemptView, OrderView } from '../../common/contract/views.ts';
import { isClosedStatus, isPaidStatus, isUnpaidStatus } from '../../common/order-status.ts';
import type { CallbackRecord, OrderRecord } from '../../domain/order.ts';
import type { Clock } from '../../ports/clock.ts';

export interface QueryPaymentInput {
  readonly out_trade_no: string;
  readonly await_notify?: boolean;
  /** seconds, 5–40 (vk-uni-pay). */
  readonly await_max_time?: number;
  readonly pay_order_info?: boolean;
}

/** The contract's answer (vk-uni-pay's fields). */
export type QueryPaymentAnswer = QueryPaymentResult;

/** What queryPayment reads: the engine provides all of it. */
export interface PaymentQuerySource {
  readonly clock: Clock;
  requireOrder(ref: string): OrderRecord;
  orderRecord(orderNo: string): OrderRecord | undefined;
  callbackRecord(orderNo: string): CallbackRecord | undefined;
  orderView(ref: string): OrderView | undefined;
  hasLiveAttemptFor(orderNo: string): boolean;
  onOrder(listener: (order: OrderView) => void): () => void;
  onAttempt(listener: (attempt: AttemptView) => void): () => void;
}

/** How often the wait looks again when no event arrives; events end it sooner. */
const RECHECK_MS = 500;

export async function queryPayment(
  source: PaymentQuerySource,
  input: QueryPaymentInput,
): Promise<QueryPaymentAnswer> {
  const order = source.requireOrder(input.out_trade_no);
  if (input.await_notify) await awaitSettled(source, order.orderNo, input.await_max_time);
  const current = source.orderRecord(order.orderNo) ?? order;
  const callback = source.callbackRecord(order.orderNo);
  const paid = isPaidStatus(current.status);
  const view = input.pay_order_info ? source.orderView(order.orderNo) : undefined;
  return {
    orderPaid: paid,
    user_order_success: callback?.userOrderSuccess ?? null,
    out_trade_no: current.orderNo,
    transaction_id: current.transactionId,
    status: current.status,
    ...(view ? { payOrder: view } : {}),
    message: paid ? 'paid' : isClosedStatus(current.status) ? 'closed' : 'not paid',
  };
}

/** Waits until the paid callback ran, the order ended unpaid, or the bounded wait is over. */
async function awaitSettled(
  source: PaymentQuerySource,
  orderNo: string,
  awaitMaxSeconds: number | undefined,
): Promise<void> {
  const { clock } = source;
  const maxSeconds = Math.min(40, Math.max(5, awaitMaxSeconds ?? 20));
  const deadline = clock.now() + maxSeconds * 1000;
  const settled = new AbortController();
  const unsubscribeOrder = source.onOrder((view) => {
    if (view.out_trade_no === orderNo && view.callback?.state === 'done') settled.abort();
  });
  const unsubscribeAttempt = source.onAttempt((view) => {
    if (
      view.order_no === orderNo &&
      (view.phase === 'failed' || view.phase === 'reversed' || view.phase === 'closed')
    )
      settled.abort();
  });
  try {
    while (clock.now() < deadline && !settled.signal.aborted) {
      const callback = source.callbackRecord(orderNo);
      if (callback?.state === 'done') return;
      const current = source.orderRecord(orderNo);
      if (!current) return;
      if (!isUnpaidStatus(current.status) && !callback) return;
      if (isUnpaidStatus(current.status) && !source.hasLiveAttemptFor(orderNo)) return;
      await clock.sleep(Math.min(RECHECK_MS, deadline - clock.now()), settled.signal);
    }
  } finally {
    unsubscribeOrder();
    unsubscribeAttempt();
  }
}
