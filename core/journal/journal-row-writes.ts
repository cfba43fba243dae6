/**
 * The journal's row writes (orders, attempts, steps, refunds, callbacks), each one statement run
 * through the journal's guarded statement cache (./journal-statements.ts). SqliteJournal
 * (./sqlite-journal.ts) composes them into its transactions together with the hub outbox rows.
 */
import type { SQLInputValue } from 'node:sqlite';
import type { AttemptState } from '../domain/attempt-state.ts';
import { isFinal } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord, RefundRecord } from '../domain/order.ts';
import type { OrderPatch } from '../ports/journal.ts';
import { encodeSnapshot } from './attempt-snapshot.ts';
import type { Statements } from './journal-statements.ts';

export function insertAttemptRow(stmt: Statements, attempt: AttemptState, authCodeHash: string | null): void {
  stmt(
    `INSERT INTO attempts (out_trade_no, order_no, attempt_index, auth_code_hash, phase, final, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    attempt.outTradeNo,
    attempt.orderNo,
    attempt.attemptIndex,
    authCodeHash,
    attempt.phase,
    isFinal(attempt) ? 1 : 0,
    encodeSnapshot(attempt),
    attempt.createdAt,
    attempt.updatedAt,
  );
}

export function insertOrderRow(stmt: Statements, order: OrderRecord): void {
  stmt(
    `INSERT INTO orders (order_no, pid, total_fee, subject, type, custom, other, status, tender, provider, transaction_id,
         paid_out_trade_no, paid_at, refunded_fee, cashier, shift_id, note, time_expire, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    order.orderNo,
    order.pid,
    order.totalFee,
    order.subject,
    order.type,
    order.custom === undefined ? null : JSON.stringify(order.custom),
    order.other ? JSON.stringify(order.other) : null,
    order.status,
    order.tender,
    order.provider,
    order.transactionId,
    order.paidOutTradeNo,
    order.paidAt,
    order.refundedFee,
    order.cashier,
    order.shiftId,
    order.note,
    order.timeExpire,
    order.createdAt,
    order.updatedAt,
  );
}

export function insertStep(
  stmt: Statements,
  outTradeNo: string,
  at: number,
  step: 'intent' | 'outcome',
  op: string,
  summary: string,
): void {
  stmt('INSERT INTO steps (out_trade_no, at, step, op, summary) VALUES (?, ?, ?, ?, ?)').run(
    outTradeNo,
    at,
    step,
    op,
    summary,
  );
}

export function patchOrderRow(stmt: Statements, orderNo: string, patch: OrderPatch, at: number): void {
  const columns: Record<keyof OrderPatch, string> = {
    status: 'status',
    provider: 'provider',
    tender: 'tender',
    transactionId: 'transaction_id',
    paidOutTradeNo: 'paid_out_trade_no',
    paidAt: 'paid_at',
    refundedFee: 'refunded_fee',
  };
  const sets: string[] = [];
  const values: SQLInputValue[] = [];
  for (const [key, column] of Object.entries(columns) as [keyof OrderPatch, string][]) {
    if (patch[key] !== undefined) {
      sets.push(`${column} = ?`);
      values.push(patch[key] as SQLInputValue);
    }
  }
  sets.push('updated_at = ?');
  values.push(at, orderNo);
  stmt(`UPDATE orders SET ${sets.join(', ')} WHERE order_no = ?`).run(...values);
}

export function upsertRefundRow(stmt: Statements, refund: RefundRecord): void {
  stmt(
    `INSERT INTO refunds (out_refund_no, order_no, out_trade_no, refund_fee, status, reason, refund_id, failure, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(out_refund_no) DO UPDATE SET status = excluded.status, refund_id = excluded.refund_id,
           failure = excluded.failure, attempts = excluded.attempts, updated_at = excluded.updated_at`,
  ).run(
    refund.outRefundNo,
    refund.orderNo,
    refund.outTradeNo,
    refund.refundFee,
    refund.status,
    refund.reason,
    refund.refundId,
    refund.failure ? JSON.stringify(refund.failure) : null,
    refund.attempts,
    refund.createdAt,
    refund.updatedAt,
  );
}

export function putCallbackRow(stmt: Statements, callback: CallbackRecord): void {
  stmt(
    `INSERT INTO callbacks (order_no, state, source, runs, user_order_success, last_error, next_run_at, updated_at,
         progress, run_by_person)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(order_no) DO UPDATE SET state = excluded.state, source = excluded.source, runs = excluded.runs,
         user_order_success = excluded.user_order_success, last_error = excluded.last_error,
         next_run_at = excluded.next_run_at, updated_at = excluded.updated_at,
         progress = excluded.progress, run_by_person = excluded.run_by_person`,
  ).run(
    callback.orderNo,
    callback.state,
    callback.source,
    callback.runs,
    callback.userOrderSuccess === null ? null : callback.userOrderSuccess ? 1 : 0,
    callback.lastError,
    callback.nextRunAt,
    callback.updatedAt,
    callback.progress && Object.keys(callback.progress).length > 0 ? JSON.stringify(callback.progress) : null,
    callback.runByPerson ? 1 : 0,
  );
}

export function updateAttemptRow(stmt: Statements, attempt: AttemptState): void {
  stmt('UPDATE attempts SET phase = ?, final = ?, state = ?, updated_at = ? WHERE out_trade_no = ?').run(
    attempt.phase,
    isFinal(attempt) ? 1 : 0,
    encodeSnapshot(attempt),
    attempt.updatedAt,
    attempt.outTradeNo,
  );
}
