/**
 * The Journal port: the durable record that lets every attempt reach a final state across crashes.
 * Writes are synchronous and durable when they return: the engine writes an intent before each
 * provider call and the outcome after it, so recovery knows exactly which calls may have happened.
 */
import type { OrderStatus, Tender, TimelineEntry } from '../common/contract/views.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord, RefundRecord } from '../domain/order.ts';

export interface OrderPatch {
  readonly status?: OrderStatus;
  readonly provider?: OrderRecord['provider'];
  readonly tender?: OrderRecord['tender'];
  readonly transactionId?: string | null;
  readonly paidOutTradeNo?: string | null;
  readonly paidAt?: number | null;
  readonly refundedFee?: number;
}

export interface OrderFilter {
  readonly from?: number;
  readonly to?: number;
  readonly status?: OrderStatus;
  readonly tender?: Tender;
  readonly cashier?: string;
  /** Matches the order number, an attempt's out_trade_no or the transaction id. */
  readonly search?: string;
  readonly shiftId?: string;
  readonly offset: number;
  readonly limit: number;
}

export interface Journal {
  /** Inserts the order if new and the attempt in phase `submitted`: this write is the charge's intent. */
  createAttempt(order: OrderRecord, attempt: AttemptState, authCodeHash: string | null, at: number): void;
  insertOrder(order: OrderRecord): void;
  recordIntent(outTradeNo: string, op: string, at: number): void;
  /** The reply (or cashier action) and the resulting attempt snapshot, plus the order's new state, in one transaction. */
  recordOutcome(
    attempt: AttemptState,
    op: string,
    summary: string,
    orderPatch?: OrderPatch,
    callback?: CallbackRecord,
  ): void;
  /**
   * A booking and the refund of that same money, in one transaction: the supervisor's mark_refund
   * (core/engine/attention-settler.ts). Both are durable before the provider hears of the refund, so
   * a crash can never leave the money booked as a plain sale with no refund owed.
   */
  recordOutcomeWithRefund(
    attempt: AttemptState,
    op: string,
    summary: string,
    orderPatch: OrderPatch,
    refund: RefundRecord,
  ): void;
  patchOrder(orderNo: string, patch: OrderPatch, at: number): void;

  getOrder(orderNo: string): OrderRecord | undefined;
  /** By merchant order number, attempt out_trade_no or provider transaction id. */
  findOrder(ref: string): OrderRecord | undefined;
  getAttempt(outTradeNo: string): AttemptState | undefined;
  attemptsOf(orderNo: string): AttemptState[];
  /**
   * Of the `orders` most recent orders, the finished payment-code attempts that sent at least one
   * query (paid or reversed): poll learning's observations at start-up. Newest order first.
   */
  recentPolledAttempts(orders: number): AttemptState[];
  unresolvedAttempts(): AttemptState[];
  /** An attempt charged with the same payment code since `since` (ms). */
  attemptWithCodeSince(authCodeHash: string, since: number): AttemptState | undefined;
  timeline(orderNo: string): TimelineEntry[];
  listOrders(filter: OrderFilter): { orders: OrderRecord[]; total: number };

  putRefund(refund: RefundRecord, orderPatch?: OrderPatch): void;
  refundsOf(orderNo: string): RefundRecord[];
  getRefund(outRefundNo: string): RefundRecord | undefined;
  pendingRefunds(): RefundRecord[];
  /**
   * The supervisor's refunds (mark_refund: a `settle_mark_refund` step on the refunded attempt) that
   * the provider refused as final, each the latest refund of its attempt and not since closed by a
   * `settle_close_refund` step: the 待处理 list's second source, oldest first, at most `limit`.
   */
  refusedSettledRefunds(limit: number): RefundRecord[];

  putCallback(callback: CallbackRecord): void;
  /** Several callback rows in one transaction (the runner's batched "done" rows): all durable, or none. */
  putCallbacks(callbacks: readonly CallbackRecord[]): void;
  getCallback(orderNo: string): CallbackRecord | undefined;
  owedCallbacks(): CallbackRecord[];
  /**
   * Paid callbacks held for a person: a run cut off by a crash that must not be repeated unasked
   * (`done`, user_order_success null, the reason in last_error; core/engine/callback-runner.ts).
   */
  heldCallbacks(): CallbackRecord[];
  /** A person's decision on a held callback: its new row and a timeline step of the attempt, in one transaction. */
  recordCallbackDecision(
    callback: CallbackRecord,
    step: { readonly outTradeNo: string; readonly op: string; readonly summary: string; readonly at: number },
  ): void;

  close(): void;
}
