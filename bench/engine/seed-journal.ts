/**
 * Fills a journal file with a large history fast: one transaction, the journal's own insertOrder
 * and putCallback plus one prepared statement per table for what has no non-transactional method
 * (attempts, steps). Rows look like the engine's own: paid orders with their attempt, two steps and
 * a finished callback; the unresolved ones are spread over submitted, polling and reversing.
 */
import type { AttemptPhase } from '../../core/common/contract/views.ts';
import { type AttemptState, submittedAttempt } from '../../core/domain/attempt-state.ts';
import type { OrderRecord } from '../../core/domain/order.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';

export interface SeedPlan {
  readonly orders: number;
  readonly unresolved: number;
  /** All rows are older than this (ms since epoch). */
  readonly before: number;
}

const UNRESOLVED_PHASES: readonly AttemptPhase[] = ['submitted', 'polling', 'reversing'];

function orderRow(i: number, at: number, paid: boolean): OrderRecord {
  const orderNo = `S${i.toString().padStart(9, '0')}`;
  return {
    orderNo,
    pid: 'm1',
    totalFee: 100 + (i % 5000),
    subject: 'seeded sale',
    type: 'goods',
    custom: null,
    other: null,
    status: paid ? 1 : 0,
    tender: paid ? 'wxpay' : null,
    provider: 'wxpay',
    transactionId: paid ? `4200${i.toString().padStart(12, '0')}` : null,
    paidOutTradeNo: paid ? orderNo : null,
    paidAt: paid ? at + 3000 : null,
    refundedFee: 0,
    cashier: 'c1',
    shiftId: null,
    note: null,
    timeExpire: null,
    createdAt: at,
    updatedAt: at,
  };
}

function attemptRow(order: OrderRecord, phase: AttemptPhase): AttemptState {
  const at = order.createdAt;
  const fresh = submittedAttempt(
    {
      outTradeNo: order.orderNo,
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
  return {
    ...fresh,
    phase,
    nextActionAt: phase === 'paid' ? 0 : at + 2500,
    queryCount: phase === 'submitted' ? 0 : 3,
    transactionId: order.transactionId,
    paidFee: phase === 'paid' ? order.totalFee : null,
    paidAt: order.paidAt,
    authCodeTail: '1234',
  };
}

/** Writes the plan into a new journal file at `path` and closes it. */
export function seedJournal(path: string, plan: SeedPlan): void {
  const journal = new SqliteJournal(path);
  try {
    const insertAttempt = journal.db.prepare(
      `INSERT INTO attempts (out_trade_no, order_no, attempt_index, auth_code_hash, phase, final, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertStep = journal.db.prepare(
      'INSERT INTO steps (out_trade_no, at, step, op, summary) VALUES (?, ?, ?, ?, ?)',
    );
    // The unresolved ones are the newest: a crash interrupts what was running last.
    const firstUnresolved = plan.orders - plan.unresolved;
    journal.transaction(() => {
      for (let i = 0; i < plan.orders; i++) {
        const at = plan.before - (plan.orders - i) * 60_000;
        const paid = i < firstUnresolved;
        const order = orderRow(i, at, paid);
        const phase = paid ? 'paid' : UNRESOLVED_PHASES[i % UNRESOLVED_PHASES.length]!;
        const attempt = attemptRow(order, phase);
        journal.insertOrder(order);
        insertAttempt.run(
          attempt.outTradeNo,
          order.orderNo,
          1,
          `h${i}`,
          phase,
          paid ? 1 : 0,
          JSON.stringify(attempt),
          at,
          at,
        );
        insertStep.run(order.orderNo, at, 'intent', 'charge', `wxpay ${order.totalFee} fen`);
        if (paid) {
          insertStep.run(order.orderNo, at + 3000, 'outcome', 'charge', `paid ${order.transactionId}`);
          journal.putCallback({
            orderNo: order.orderNo,
            state: 'done',
            source: 'query',
            runs: 1,
            userOrderSuccess: true,
            lastError: null,
            nextRunAt: 0,
            updatedAt: at + 3100,
          });
        }
      }
    });
  } finally {
    journal.close();
  }
}
