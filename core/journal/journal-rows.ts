/** Row ↔ record mapping for the journal's tables (the attempt snapshot has its own module). */
import type { SQLInputValue } from 'node:sqlite';
import {
  type CallbackProgress,
  type CallbackRecord,
  type OrderRecord,
  type RefundRecord,
  UNREADABLE_PROGRESS_STEP,
} from '../domain/order.ts';

export type Row = Record<string, SQLInputValue>;

/** The columns every attempt read needs: the snapshot plus what rebuilds an unreadable one. */
export const ATTEMPT_ROW =
  'SELECT out_trade_no, order_no, attempt_index, phase, final, state, created_at, updated_at FROM attempts';
/**
 * Poll learning's start-up read (SqliteJournal.recentPolledAttempts): the attempts of the `?` most
 * recent orders that can be an observation (core/domain/poll-learning.ts confirmationOf: payment
 * code, at least one query, paid or reversed), newest order first, oldest attempt first. SQLite
 * filters on the snapshot's own fields, so the many attempts paid without a query are neither
 * parsed nor kept in JavaScript (docs/benchmarks.md, issue 20). A snapshot that is not JSON is
 * returned too, so it is rebuilt and set aside as any other read of it would do; one that is JSON
 * but not a readable snapshot comes back only if those fields match (a rebuilt attempt has no
 * queries, so it could not be an observation), and is set aside when anything else reads it.
 */
export const RECENT_POLLED_ATTEMPTS = `SELECT a.out_trade_no, a.order_no, a.attempt_index, a.phase, a.final, a.state, a.created_at, a.updated_at
  FROM (SELECT order_no, created_at FROM orders ORDER BY created_at DESC, order_no DESC LIMIT ?) o
  JOIN attempts a ON a.order_no = o.order_no
  WHERE json_valid(a.state) = 0
    OR (json_extract(a.state, '$.mode') = 'micropay' AND json_extract(a.state, '$.queryCount') > 0
        AND json_extract(a.state, '$.phase') IN ('paid', 'reversed'))
  ORDER BY o.created_at DESC, o.order_no DESC, a.attempt_index`;
export function nullableString(value: SQLInputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
export function nullableNumber(value: SQLInputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function toOrder(row: Row): OrderRecord {
  return {
    orderNo: String(row.order_no),
    pid: String(row.pid),
    totalFee: Number(row.total_fee),
    subject: String(row.subject),
    type: String(row.type),
    custom: row.custom === null ? undefined : JSON.parse(String(row.custom)),
    other: row.other === null ? null : JSON.parse(String(row.other)),
    status: Number(row.status) as OrderRecord['status'],
    tender: nullableString(row.tender) as OrderRecord['tender'],
    provider: nullableString(row.provider) as OrderRecord['provider'],
    transactionId: nullableString(row.transaction_id),
    paidOutTradeNo: nullableString(row.paid_out_trade_no),
    paidAt: nullableNumber(row.paid_at),
    refundedFee: Number(row.refunded_fee),
    cashier: nullableString(row.cashier),
    shiftId: nullableString(row.shift_id),
    note: nullableString(row.note),
    timeExpire: nullableNumber(row.time_expire),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toRefund(row: Row): RefundRecord {
  return {
    outRefundNo: String(row.out_refund_no),
    orderNo: String(row.order_no),
    outTradeNo: String(row.out_trade_no),
    refundFee: Number(row.refund_fee),
    status: String(row.status) as RefundRecord['status'],
    reason: nullableString(row.reason),
    refundId: nullableString(row.refund_id),
    failure: row.failure === null ? null : JSON.parse(String(row.failure)),
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toCallback(row: Row): CallbackRecord {
  return {
    orderNo: String(row.order_no),
    state: String(row.state) as CallbackRecord['state'],
    source: String(row.source) as CallbackRecord['source'],
    runs: Number(row.runs),
    userOrderSuccess: row.user_order_success === null ? null : Number(row.user_order_success) === 1,
    lastError: nullableString(row.last_error),
    nextRunAt: Number(row.next_run_at),
    updatedAt: Number(row.updated_at),
    progress: toProgress(row.progress),
    runByPerson: Number(row.run_by_person ?? 0) === 1,
  };
}

/**
 * A callback's recorded steps. Text that is not an object of booleans (a damaged row) reads as one
 * step no handler has (UNREADABLE_PROGRESS_STEP), never as "nothing ran": a handler that must not
 * repeat a step then holds the run for a person instead of starting a motor again.
 */
function toProgress(value: SQLInputValue | undefined): CallbackProgress {
  if (value === null || value === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(String(value));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((v) => typeof v === 'boolean')
    )
      return parsed as CallbackProgress;
  } catch {
    // falls through: unreadable
  }
  return { [UNREADABLE_PROGRESS_STEP]: false };
}
