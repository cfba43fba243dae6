/** The reconciliation the integration run relies on must itself catch each kind of disagreement. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderName } from '../../core/common/contract/views.ts';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import type { OrderRecord } from '../../core/domain/order.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { TradeView } from '../../core/sandbox/ledger-types.ts';
import { attempt, T0 } from '../domain/attempt-fixtures.ts';
import { newOrderRecord } from '../fakes/journal-records.ts';
import { reconcile } from './reconcile.ts';

let journal: SqliteJournal;
beforeEach(() => {
  journal = new SqliteJournal(':memory:');
});
afterEach(() => journal.close());

function order(orderNo: string, provider: ProviderName): OrderRecord {
  return newOrderRecord(orderNo, 1000, T0, { pid: 'sandbox', subject: 's', type: 'goods', provider });
}

/** An order with one attempt that ended in `phase` (paid orders optionally partly refunded). */
function seed(
  orderNo: string,
  phase: AttemptState['phase'],
  provider: ProviderName = 'wxpay',
  refunded = 0,
): void {
  const base = attempt({ outTradeNo: orderNo, orderNo, pid: 'sandbox', provider, totalFee: 1000 });
  journal.createAttempt(order(orderNo, provider), base, null, T0);
  const paid = phase === 'paid';
  journal.recordOutcome(
    { ...base, phase, updatedAt: T0 + 1, paidFee: paid ? 1000 : null },
    'charge',
    phase,
    paid
      ? {
          status: refunded === 1000 ? 3 : refunded > 0 ? 2 : 1,
          paidOutTradeNo: orderNo,
          refundedFee: refunded,
        }
      : undefined,
  );
}

function trade(
  outTradeNo: string,
  captured: number,
  refundedFen: number,
  provider: ProviderName = 'wxpay',
): TradeView {
  return {
    provider,
    out_trade_no: outTradeNo,
    transaction_id: null,
    state: captured > 0 ? 'paid' : 'closed',
    total_fee: 1000,
    captured_fen: captured,
    refunded_fen: refundedFen,
    created_at: '',
    paid_at: null,
    refunds: [],
  };
}

describe('reconcile', () => {
  it('agrees when the journal holds exactly what the provider captured minus refunded', () => {
    seed('A', 'paid', 'wxpay', 300);
    seed('B', 'failed');
    const report = reconcile(journal, [trade('A', 1000, 300), trade('B', 0, 0)], ['A', 'B']);
    expect(report.problems).toEqual([]);
    expect(report.heldFen).toBe(700);
    expect(report.phases).toEqual({ paid: 1, failed: 1 });
  });

  it('reports money the journal does not know about, and a refund it missed', () => {
    seed('A', 'paid');
    seed('B', 'reversed');
    const report = reconcile(journal, [trade('A', 1000, 400), trade('B', 1000, 0)], ['A', 'B']);
    expect(report.problems).toEqual([
      expect.stringMatching(/^A: journal holds 1000 fen, sandbox 600/),
      expect.stringMatching(/^B: journal holds 0 fen, sandbox 1000/),
    ]);
  });

  it('reports a provider trade without a journal attempt, and an attempt left unresolved', () => {
    seed('A', 'polling');
    const report = reconcile(journal, [trade('A', 0, 0), trade('ZZZ', 1, 0)], ['A']);
    expect(report.problems).toEqual([
      'sandbox trade wxpay/ZZZ has no journal attempt',
      'A: left in phase polling',
    ]);
  });

  it('separates needs_attention from final phases and reports it', () => {
    seed('A', 'needs_attention', 'alipay');
    const report = reconcile(journal, [trade('A', 0, 0, 'alipay')], ['A']);
    expect(report.attention).toHaveLength(1);
    expect(report.problems).toEqual([]);
  });
});
