/** Journal records → the contract's views (snake_case, what the UI and the local API show). */
import type { AttemptView, CallbackView, OrderView, RefundView } from '../common/contract/views.ts';
import { type AttemptState, isUnresolved } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord, RefundRecord } from '../domain/order.ts';

export function attemptView(state: AttemptState): AttemptView {
  return {
    out_trade_no: state.outTradeNo,
    order_no: state.orderNo,
    attempt_index: state.attemptIndex,
    pid: state.pid,
    provider: state.provider,
    wallet: state.wallet,
    mode: state.mode,
    phase: state.phase,
    total_fee: state.totalFee,
    created_at: state.createdAt,
    updated_at: state.updatedAt,
    deadline_at: state.deadlineAt,
    transaction_id: state.transactionId,
    qr_code: state.qrCode,
    stop_requested: state.stopRequested,
    failure: state.failure,
    attention: state.attention,
    query_count: state.queryCount,
    reverse_count: state.reverseCount,
    next_action_at: state.nextActionAt,
    ...(state.phase === 'reversed' && state.reverseAction ? { reverse_action: state.reverseAction } : {}),
  };
}

export function refundView(refund: RefundRecord): RefundView {
  return {
    out_refund_no: refund.outRefundNo,
    out_trade_no: refund.outTradeNo,
    refund_fee: refund.refundFee,
    status: refund.status,
    reason: refund.reason,
    created_at: refund.createdAt,
    updated_at: refund.updatedAt,
    failure: refund.failure,
  };
}

export function callbackView(callback: CallbackRecord | undefined): CallbackView | null {
  if (!callback) return null;
  return {
    state: callback.state === 'running' ? 'pending' : callback.state,
    user_order_success: callback.userOrderSuccess,
    source: callback.source,
    runs: callback.runs,
    last_error: callback.lastError,
  };
}

export function orderView(
  order: OrderRecord,
  attempts: readonly AttemptState[],
  refunds: readonly RefundRecord[],
  callback: CallbackRecord | undefined,
): OrderView {
  const live = attempts.find(isUnresolved);
  return {
    out_trade_no: order.orderNo,
    pid: order.pid,
    total_fee: order.totalFee,
    subject: order.subject,
    type: order.type,
    custom: order.custom ?? null,
    status: order.status,
    tender: order.tender,
    provider: order.provider,
    transaction_id: order.transactionId,
    paid_out_trade_no: order.paidOutTradeNo,
    paid_at: order.paidAt,
    refunded_fee: order.refundedFee,
    refunds: refunds.map(refundView),
    callback: callbackView(callback),
    cashier: order.cashier,
    shift_id: order.shiftId,
    note: order.note,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    live_attempt: live ? attemptView(live) : null,
  };
}
