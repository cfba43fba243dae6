/**
 * Fills `<dataDir>/journal.sqlite` with a finished history the way the service itself would have
 * written it for the default sandbox merchants: paid orders (some refunded), failed and reversed
 * attempts, every paid callback done. One IMMEDIATE transaction; the journal's own insertOrder
 * and putCallback (single statements), plus prepared statements for attempts, steps and refunds,
 * whose journal writers are transactional (nesting BEGIN is not allowed). All rows are final, so
 * start-up has a big history to open but nothing to resume: the figure is the cold start itself.
 * (bench/engine/seed-journal.ts seeds for the engine's recovery benchmark, with merchant 'm1' the
 * service does not know and with unresolved attempts; hence this variant.)
 */
import { join } from 'node:path';
import type { AttemptPhase, ProviderName, Wallet } from '../../core/common/contract/views.ts';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import type { OrderRecord } from '../../core/domain/order.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';

const PROVIDERS: readonly { provider: ProviderName; wallet: Wallet; pid: string }[] = [
  { provider: 'wxpay', wallet: 'wxpay', pid: 'sandbox' },
  { provider: 'alipay', wallet: 'alipay', pid: 'sandbox' },
  { provider: 'payjs', wallet: 'wxpay', pid: 'sandbox-payjs' },
];

function attemptOf(
  order: OrderRecord,
  provider: ProviderName,
  wallet: Wallet,
  phase: AttemptPhase,
): AttemptState {
  const at = order.createdAt;
  const paid = phase === 'paid';
  return {
    outTradeNo: order.orderNo,
    orderNo: order.orderNo,
    attemptIndex: 1,
    pid: order.pid,
    provider,
    wallet,
    mode: 'micropay',
    phase,
    totalFee: order.totalFee,
    createdAt: at,
    updatedAt: at + 3000,
    chargedAt: at,
    nextActionAt: 0,
    deadlineAt: null,
    queryCount: paid ? 0 : 15,
    reverseCount: phase === 'reversed' ? 1 : 0,
    unknownCount: 0,
    closeCount: 0,
    awaitingConfirm: false,
    confirmCount: phase === 'reversed' ? 1 : 0,
    stopRequested: false,
    transactionId: order.transactionId,
    paidFee: paid ? order.totalFee : null,
    paidAt: order.paidAt,
    qrCode: null,
    reverseAction: phase === 'reversed' ? 'close' : null,
    failure:
      phase === 'failed'
        ? { code: 'NOTENOUGH', message: 'insufficient funds', reason: 'insufficient_funds' }
        : null,
    attention: null,
    authCodeTail: '1234',
  };
}

/** Writes `orders` finished orders, the newest just before `before` (ms), one minute apart. */
export function seedServiceJournal(dataDir: string, orders: number, before: number): void {
  const journal = new SqliteJournal(join(dataDir, 'journal.sqlite'));
  try {
    const insertAttempt = journal.db.prepare(
      `INSERT INTO attempts (out_trade_no, order_no, attempt_index, auth_code_hash, phase, final, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
    );
    const insertStep = journal.db.prepare(
      'INSERT INTO steps (out_trade_no, at, step, op, summary) VALUES (?, ?, ?, ?, ?)',
    );
    const insertRefund = journal.db.prepare(
      `INSERT INTO refunds (out_refund_no, order_no, out_trade_no, refund_fee, status, reason, refund_id, failure, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'succeeded', NULL, ?, NULL, 1, ?, ?)`,
    );
    journal.transaction(() => {
      for (let i = 0; i < orders; i++) {
        const at = before - (orders - i) * 60_000;
        const { provider, wallet, pid } = PROVIDERS[i % PROVIDERS.length]!;
        // 90 % paid (1 in 10 of those refunded in full), 6 % failed, 4 % reversed.
        const roll = i % 50;
        const phase: AttemptPhase = roll < 45 ? 'paid' : roll < 48 ? 'failed' : 'reversed';
        const paid = phase === 'paid';
        const refunded = paid && i % 10 === 0;
        const totalFee = 100 + (i % 5000);
        const orderNo = `H${i.toString().padStart(9, '0')}`;
        const order: OrderRecord = {
          orderNo,
          pid,
          totalFee,
          subject: 'seeded sale',
          type: 'goods',
          custom: null,
          other: null,
          status: refunded ? 3 : paid ? 1 : 0,
          tender: paid ? wallet : null,
          provider,
          transactionId: paid ? `4200${i.toString().padStart(12, '0')}` : null,
          paidOutTradeNo: paid ? orderNo : null,
          paidAt: paid ? at + 3000 : null,
          refundedFee: refunded ? totalFee : 0,
          cashier: 'c1',
          shiftId: null,
          note: null,
          timeExpire: null,
          createdAt: at,
          updatedAt: at + 3000,
        };
        const attempt = attemptOf(order, provider, wallet, phase);
        journal.insertOrder(order);
        insertAttempt.run(orderNo, orderNo, 1, `h${i}`, phase, JSON.stringify(attempt), at, at + 3000);
        insertStep.run(orderNo, at, 'intent', 'charge', `${provider} ${totalFee} fen`);
        insertStep.run(orderNo, at + 3000, 'outcome', 'charge', paid ? `paid ${totalFee} fen` : phase);
        if (paid) {
          journal.putCallback({
            orderNo,
            state: 'done',
            source: 'query',
            runs: 1,
            userOrderSuccess: true,
            lastError: null,
            nextRunAt: 0,
            updatedAt: at + 3100,
          });
        }
        if (refunded) {
          insertRefund.run(`${orderNo}R1`, orderNo, orderNo, totalFee, `5000${i}`, at + 60_000, at + 61_000);
        }
      }
    });
  } finally {
    journal.close();
  }
}
