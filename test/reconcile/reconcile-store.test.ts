/** Reconciliation on a real journal (in memory): midnight between the provider's clock and ours, re-runs, decisions. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { BillFetch, BillRow, BillSource } from '../../core/ports/bill-source.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { beijingDayRange } from '../../core/reconcile/beijing-day.ts';
import { reconcileDate } from '../../core/reconcile/reconcile-day.ts';
import { ReconcileStore } from '../../core/reconcile/reconcile-store.ts';

let journal: SqliteJournal;
let store: ReconcileStore;
const clock: Clock = { now: () => Date.UTC(2026, 10, 25), sleep: async () => {} };

function sale(outTradeNo: string, fen: number, paidAt: number): void {
  journal.db
    .prepare(
      `INSERT INTO orders (order_no, pid, total_fee, subject, type, status, tender, provider, transaction_id,
         paid_out_trade_no, paid_at, created_at, updated_at)
       VALUES (?, 'shop', ?, 'Tea', 'goods', 1, 'wxpay', 'wxpay', ?, ?, ?, ?, ?)`,
    )
    .run(outTradeNo, fen, `tx${outTradeNo}`, outTradeNo, paidAt, paidAt - 5000, paidAt);
  journal.db
    .prepare(
      `INSERT INTO attempts (out_trade_no, order_no, attempt_index, phase, final, state, created_at, updated_at)
       VALUES (?, ?, 1, 'paid', 1, ?, ?, ?)`,
    )
    .run(
      outTradeNo,
      outTradeNo,
      JSON.stringify({ provider: 'wxpay', pid: 'shop', totalFee: fen }),
      paidAt - 5000,
      paidAt,
    );
}

const pay = (outTradeNo: string, amountFen: number): BillRow => ({
  kind: 'payment',
  outTradeNo,
  transactionId: `tx${outTradeNo}`,
  amountFen,
  status: 'success',
  statusText: 'SUCCESS',
  at: '',
});

/** A provider whose bill for each date is given. */
function billsOf(days: Record<string, BillRow[]>): BillSource {
  return {
    provider: 'wxpay',
    async fetchBill(date): Promise<BillFetch> {
      const rows = days[date];
      if (!rows || rows.length === 0) return { kind: 'empty' };
      return {
        kind: 'bill',
        rows: (async function* () {
          yield* rows;
        })(),
        summary: () => undefined,
      };
    },
  };
}

const run = (date: string, source: BillSource) =>
  reconcileDate(date, [{ pid: 'shop', provider: 'wxpay', source, comparesRefunds: true }], { store, clock });

beforeEach(() => {
  journal = new SqliteJournal(':memory:');
  store = new ReconcileStore(journal);
});

afterEach(() => journal.close());

describe('midnight between the provider and the till', () => {
  // Paid at the provider at 23:59:59 on the 20th; the till learnt it two seconds later, on the 21st.
  const justAfterMidnight = beijingDayRange('2026-11-21').start + 2000;
  const bills = billsOf({ '2026-11-20': [pay('LATE', 880)], '2026-11-21': [pay('NEXT', 100)] });

  beforeEach(() => {
    sale('LATE', 880, justAfterMidnight);
    sale('NEXT', 100, justAfterMidnight + 60_000);
  });

  it('the sale matches on the provider’s day and is not reported missing on the till’s day', async () => {
    const first = await run('2026-11-20', bills);
    expect(first.matched).toBe(1);
    expect(first.terminal_only).toEqual([]);
    const second = await run('2026-11-21', bills);
    expect(second.terminal_only).toEqual([]);
    expect(second.matched).toBe(1);
  });

  it('reconciled in the other order, the till’s day first, the later run withdraws the open item', async () => {
    const second = await run('2026-11-21', bills);
    expect(second.terminal_only.map((i) => i.out_trade_no)).toEqual(['LATE']);
    await run('2026-11-20', bills);
    expect(store.items('2026-11-21')).toEqual([]);
  });
});

describe('decisions', () => {
  beforeEach(() => sale('GONE', 500, beijingDayRange('2026-11-20').start + 3_600_000));

  it('validates, records who and why, and survives a re-run that no longer finds the difference', async () => {
    const day = await run('2026-11-20', billsOf({}));
    const id = day.terminal_only[0]!.id;
    expect(() => store.decide(id, 'explain', 'Li', '   ', 1)).toThrow(
      expect.objectContaining({ code: 'reconcile_note_required' }),
    );
    expect(() => store.decide(id, 'book', 'Li', 'x', 1)).toThrow(
      expect.objectContaining({ code: 'reconcile_action_not_allowed' }),
    );
    expect(() => store.decide(999, 'explain', 'Li', 'x', 1)).toThrow(
      expect.objectContaining({ code: 'reconcile_item_not_found' }),
    );
    store.decide(id, 'explain', 'Li', 'sold for cash', 2);
    store.decide(id, 'explain', 'Wang', 'checked the cash drawer too', 3);
    expect(store.decisions(id).map((d) => `${d.decided_by}: ${d.note}`)).toEqual([
      'Li: sold for cash',
      'Wang: checked the cash drawer too',
    ]);
    // The provider's bill later shows the sale after all: the decided item stays as history.
    const again = await run('2026-11-20', billsOf({ '2026-11-20': [pay('GONE', 500)] }));
    expect(again.terminal_only).toEqual([
      expect.objectContaining({
        id,
        state: 'explained',
        resolved_by: 'Wang',
        resolution_note: 'checked the cash drawer too',
      }),
    ]);
    expect(again.matched).toBe(1);
  });

  it('an open difference the bill no longer shows is withdrawn', async () => {
    await run('2026-11-20', billsOf({}));
    expect(store.items('2026-11-20')).toHaveLength(1);
    await run('2026-11-20', billsOf({ '2026-11-20': [pay('GONE', 500)] }));
    expect(store.items('2026-11-20')).toEqual([]);
  });
});

describe('a second payment refunded from the till (refund_payment)', () => {
  it('its refund is the bill of the second payment’s provider, not that of the order’s', () => {
    const at = beijingDayRange('2026-11-20').start + 3_600_000;
    sale('TWO', 880, at); // paid by WeChat
    journal.db
      .prepare(
        `INSERT INTO attempts (out_trade_no, order_no, attempt_index, phase, final, state, created_at, updated_at)
         VALUES ('TWO_2', 'TWO', 2, 'reversed', 1, ?, ?, ?)`,
      )
      .run(JSON.stringify({ provider: 'alipay', pid: 'shop', totalFee: 880 }), at, at);
    journal.db
      .prepare(
        `INSERT INTO refunds (out_refund_no, order_no, out_trade_no, refund_fee, status, attempts, created_at, updated_at)
         VALUES ('TWO_2D1', 'TWO', 'TWO_2', 880, 'succeeded', 1, ?, ?)`,
      )
      .run(at + 1000, at + 1000);
    const refundsOf = (provider: 'wxpay' | 'alipay') =>
      [...store.terminalDay('shop', provider, '2026-11-20').refunds].map((r) => r.outRefundNo);
    expect(refundsOf('wxpay')).toEqual([]);
    expect(refundsOf('alipay')).toEqual(['TWO_2D1']);
  });
});
