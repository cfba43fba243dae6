/**
 * Order reads: journal records turned into the contract's views, with each attempt being driven
 * shown in its live state (which may be a step ahead of what a reader of the journal alone sees).
 */
import type { AttemptView, OrderDetailView, OrderView } from '../common/contract/views.ts';
import { NotFoundError } from '../common/errors.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord } from '../domain/order.ts';
import type { Journal, OrderFilter } from '../ports/journal.ts';
import type { PaidCallbackContext } from './engine-deps.ts';
import { attemptView, orderView } from './views.ts';

export class OrderReads {
  private readonly journal: Journal;
  private readonly liveState: (outTradeNo: string) => AttemptState | undefined;

  constructor(journal: Journal, liveState: (outTradeNo: string) => AttemptState | undefined) {
    this.journal = journal;
    this.liveState = liveState;
  }

  /** The order by its number or by one of its attempts' out_trade_no; order_not_found otherwise. */
  require(ref: string): OrderRecord {
    const order = this.journal.findOrder(ref);
    if (!order) throw new NotFoundError('order_not_found', `no order ${ref}`, { out_trade_no: ref });
    return order;
  }

  view(ref: string): OrderView | undefined {
    const order = this.journal.findOrder(ref);
    return order ? this.viewOf(order, this.attemptsOf(order.orderNo)) : undefined;
  }

  detail(ref: string): OrderDetailView {
    const order = this.require(ref);
    const attempts = this.attemptsOf(order.orderNo);
    return {
      ...this.viewOf(order, attempts),
      attempts: attempts.map(attemptView),
      timeline: this.journal.timeline(order.orderNo),
    };
  }

  list(filter: OrderFilter): { orders: OrderView[]; total: number } {
    const { orders, total } = this.journal.listOrders(filter);
    return { orders: orders.map((o) => this.viewOf(o, this.attemptsOf(o.orderNo))), total };
  }

  unresolved(): AttemptView[] {
    return this.journal.unresolvedAttempts().map((a) => attemptView(this.liveState(a.outTradeNo) ?? a));
  }

  /** What a paid callback is told about its order; undefined until the order is paid. */
  callbackContext(orderNo: string, source: CallbackRecord['source']): PaidCallbackContext | undefined {
    const order = this.journal.getOrder(orderNo);
    if (!order || order.paidOutTradeNo === null) return undefined;
    return {
      out_trade_no: order.orderNo,
      paid_out_trade_no: order.paidOutTradeNo,
      transaction_id: order.transactionId,
      total_fee: order.totalFee,
      type: order.type,
      custom: order.custom,
      pid: order.pid,
      wallet: order.tender === 'cash' ? null : order.tender,
      source,
    };
  }

  private viewOf(order: OrderRecord, attempts: readonly AttemptState[]): OrderView {
    return orderView(
      order,
      attempts,
      this.journal.refundsOf(order.orderNo),
      this.journal.getCallback(order.orderNo),
    );
  }

  private attemptsOf(orderNo: string): AttemptState[] {
    return this.journal.attemptsOf(orderNo).map((a) => this.liveState(a.outTradeNo) ?? a);
  }
}
