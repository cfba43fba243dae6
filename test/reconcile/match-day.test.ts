import { describe, expect, it } from 'vitest';
import type { BillRow } from '../../core/ports/bill-source.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PaymentGateway, PaymentOutcome } from '../../core/ports/payment-gateway.ts';
import { type JournalLookups, matchDay } from '../../core/reconcile/match-day.ts';
import { createOrderCheckSource } from '../../core/reconcile/order-check-source.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

async function* stream(rows: readonly BillRow[]): AsyncGenerator<BillRow> {
  yield* rows;
}

const pay = (outTradeNo: string, amountFen: number, status: BillRow['status'] = 'success'): BillRow => ({
  kind: 'payment',
  outTradeNo,
  transactionId: `tx-${outTradeNo}`,
  amountFen,
  status,
  statusText: status,
  at: '2026-11-20 10:00:00',
});
const refund = (outTradeNo: string, outRefundNo: string, amountFen: number): BillRow => ({
  ...pay(outTradeNo, amountFen),
  kind: 'refund',
  outRefundNo,
});

const noJournal: JournalLookups = { attempt: () => undefined, refund: () => undefined };

function match(rows: BillRow[], lookups: JournalLookups = noJournal, extra: { refunds?: boolean } = {}) {
  return matchDay({
    pid: 'shop',
    provider: 'wxpay',
    payments: [
      { outTradeNo: 'A', orderNo: 'A', fen: 100, paidAt: 1 },
      { outTradeNo: 'B', orderNo: 'B', fen: 200, paidAt: 2 },
    ],
    refunds: extra.refunds === false ? [] : [{ outRefundNo: 'R1', outTradeNo: 'A', fen: 30, at: 3 }],
    rows: stream(rows),
    lookups,
    matchedElsewhere: () => false,
  });
}

const summary = (d: { kind: string; out_trade_no: string; reason: string }) =>
  `${d.kind}:${d.out_trade_no}:${d.reason}`;

describe('matchDay', () => {
  it('a bill that agrees to the fen matches every row and reports nothing', async () => {
    const result = await match([pay('A', 100), pay('B', 200), refund('A', 'R1', 30)]);
    expect(result.matched).toBe(3);
    expect(result.discrepancies).toEqual([]);
    expect(result.totals.bill).toEqual(result.totals.terminal);
  });

  it('a sale booked here on the neighbouring day (midnight) is matched through the whole journal', async () => {
    const lookups: JournalLookups = {
      attempt: (no) => (no === 'C' ? { phase: 'paid', paidFee: 50 } : undefined),
      refund: () => undefined,
    };
    const result = await match([pay('A', 100), pay('B', 200), refund('A', 'R1', 30), pay('C', 50)], lookups);
    expect(result.matched).toBe(4);
    expect(result.discrepancies).toEqual([]);
  });

  it('one of our attempts the journal has unpaid is provider_only attempt_not_booked; a stranger is unknown_to_terminal', async () => {
    const lookups: JournalLookups = {
      attempt: (no) => (no === 'C' ? { phase: 'reversing', paidFee: null } : undefined),
      refund: () => undefined,
    };
    const result = await match(
      [pay('A', 100), pay('B', 200), refund('A', 'R1', 30), pay('C', 50), pay('X', 70)],
      lookups,
    );
    expect(result.discrepancies.map(summary)).toEqual([
      'provider_only:C:attempt_not_booked',
      'provider_only:X:unknown_to_terminal',
    ]);
  });

  it('a payment the provider revoked but the terminal booked is terminal_only reversed_at_provider, not counted as money', async () => {
    const result = await match([pay('A', 100, 'reversed'), pay('B', 200), refund('A', 'R1', 30)]);
    expect(result.discrepancies.map(summary)).toEqual(['terminal_only:A:reversed_at_provider']);
    expect(result.totals.bill.payment_fen).toBe(200);
  });

  it('a sale the terminal reversed, shown by the bill as a payment and its full refund (Alipay cancel), nets out', async () => {
    const lookups: JournalLookups = {
      attempt: (no) => (no === 'V' ? { phase: 'reversed', paidFee: null } : undefined),
      refund: () => undefined,
    };
    const result = await match(
      [pay('A', 100), pay('B', 200), refund('A', 'R1', 30), pay('V', 80), refund('V', '', 80)],
      lookups,
    );
    expect(result.discrepancies).toEqual([]);
    expect(result.matched).toBe(5);
  });

  it('a second payment of an order, refunded from the till (refund_payment), matches with its numbered refund', async () => {
    // Order A paid by attempt A; its attempt A_2 paid too, then refunded in full with A_2D1 (reversed here).
    const lookups: JournalLookups = {
      attempt: (no) => (no === 'A_2' ? { phase: 'reversed', paidFee: null } : undefined),
      refund: () => undefined,
    };
    const result = await matchDay({
      pid: 'shop',
      provider: 'wxpay',
      payments: [{ outTradeNo: 'A', orderNo: 'A', fen: 100, paidAt: 1 }],
      refunds: [{ outRefundNo: 'A_2D1', outTradeNo: 'A_2', fen: 100, at: 3 }],
      rows: stream([pay('A', 100), pay('A_2', 100), refund('A_2', 'A_2D1', 100)]),
      lookups,
      matchedElsewhere: () => false,
    });
    expect(result.discrepancies).toEqual([]);
    expect(result.matched).toBe(3);
  });

  it('a reversed sale whose refund is missing from the bill is provider_only', async () => {
    const lookups: JournalLookups = {
      attempt: (no) => (no === 'V' ? { phase: 'reversed', paidFee: null } : undefined),
      refund: () => undefined,
    };
    const result = await match([pay('A', 100), pay('B', 200), refund('A', 'R1', 30), pay('V', 80)], lookups);
    expect(result.discrepancies.map(summary)).toEqual(['provider_only:V:attempt_not_booked']);
  });

  it('a repeated bill row is reported once as duplicate_row', async () => {
    const result = await match([pay('A', 100), pay('A', 100), pay('B', 200), refund('A', 'R1', 30)]);
    expect(result.discrepancies.map(summary)).toEqual(['provider_only:A:duplicate_row']);
  });

  it('refunds: amount differs, pending here, absent from the bill', async () => {
    const lookups: JournalLookups = {
      attempt: () => undefined,
      refund: (no) => (no === 'R2' ? { status: 'pending', fen: 10 } : undefined),
    };
    const differs = await match([pay('A', 100), pay('B', 200), refund('A', 'R1', 31)]);
    expect(differs.discrepancies.map(summary)).toEqual(['refund_mismatch:A:refund_amount_differs']);
    const pending = await match(
      [pay('A', 100), pay('B', 200), refund('A', 'R1', 30), refund('B', 'R2', 10)],
      lookups,
    );
    expect(pending.discrepancies.map(summary)).toEqual(['refund_mismatch:B:refund_pending_here']);
    const absent = await match([pay('A', 100), pay('B', 200)]);
    expect(absent.discrepancies.map(summary)).toEqual(['refund_mismatch:A:refund_absent_from_bill']);
  });

  it('an empty bill leaves every booked sale terminal_only', async () => {
    const result = await match([], noJournal, { refunds: false });
    expect(result.discrepancies.map(summary)).toEqual([
      'terminal_only:A:absent_from_bill',
      'terminal_only:B:absent_from_bill',
    ]);
  });
});

/** Virtual time: sleeping moves the clock at once. */
function steppingClock(start = 1_000_000): Clock & { calls: number[] } {
  let now = start;
  return {
    calls: [],
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

function gatewayAnswering(
  answers: Record<string, PaymentOutcome[]>,
  clock: Clock & { calls: number[] },
): PaymentGateway {
  return {
    provider: 'payjs',
    wallets: ['wxpay'],
    query: async (order: { outTradeNo: string }) => {
      clock.calls.push(clock.now());
      const queue = answers[order.outTradeNo]!;
      return queue.length > 1 ? queue.shift()! : queue[0]!;
    },
  } as unknown as PaymentGateway;
}

const attempt = (outTradeNo: string) => ({
  outTradeNo,
  totalFee: 100,
  phase: 'paid',
  transactionId: null,
  providerOrderId: `p-${outTradeNo}`,
});

describe('PAYJS order checks', () => {
  const paid: PaymentOutcome = { kind: 'paid', transactionId: 't', totalFee: 100 };
  const unknown: PaymentOutcome = { kind: 'unknown', reason: 'network', detail: 'reset' };

  it('checks each attempt at most once per interval and turns paid answers into rows', async () => {
    const clock = steppingClock();
    const gateway = gatewayAnswering(
      { P1: [paid], P2: [{ kind: 'closed', providerCode: 'closed' }], P3: [paid] },
      clock,
    );
    const source = createOrderCheckSource(gateway, {
      clock,
      minIntervalMs: 3000,
      attemptsOfDay: () => [attempt('P1'), attempt('P2'), attempt('P3')],
    });
    const bill = await source.fetchBill('2026-11-20');
    if (bill.kind !== 'bill') throw new Error(bill.kind);
    const rows: BillRow[] = [];
    for await (const row of bill.rows) rows.push(row);
    expect(rows.map((r) => [r.outTradeNo, r.amountFen])).toEqual([
      ['P1', 100],
      ['P3', 100],
    ]);
    expect(clock.calls.slice(1).map((at, i) => at - clock.calls[i]!)).toEqual([3000, 3000]);
  });

  it('stops between checks when the service stops: the day is unreadable, not read', async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const gateway = {
      provider: 'payjs',
      wallets: ['wxpay'],
      query: async () => {
        calls.push(clock.now());
        return paid;
      },
    } as unknown as PaymentGateway;
    const source = createOrderCheckSource(gateway, {
      clock,
      minIntervalMs: 3000,
      attemptsOfDay: () => [attempt('P1'), attempt('P2'), attempt('P3')],
    });
    const stop = new AbortController();
    const bill = await source.fetchBill('2026-11-20', stop.signal);
    if (bill.kind !== 'bill') throw new Error(bill.kind);
    const drained = (async () => {
      for await (const _ of bill.rows) {
        // drain
      }
    })();
    await clock.flush();
    expect(calls).toHaveLength(1); // the second check waits its 3 s
    stop.abort();
    await expect(drained).rejects.toMatchObject({ code: 'bill_unreadable' });
    expect(calls).toHaveLength(1);
  });

  it('asks an unknown answer once more, then the day is unreadable (never "not paid")', async () => {
    const clock = steppingClock();
    const recovers = createOrderCheckSource(gatewayAnswering({ P1: [unknown, paid] }, clock), {
      clock,
      minIntervalMs: 10,
      attemptsOfDay: () => [attempt('P1')],
    });
    const ok = await recovers.fetchBill('2026-11-20');
    if (ok.kind !== 'bill') throw new Error(ok.kind);
    const rows: BillRow[] = [];
    for await (const row of ok.rows) rows.push(row);
    expect(rows).toHaveLength(1);

    const stuck = createOrderCheckSource(gatewayAnswering({ P1: [unknown] }, clock), {
      clock,
      minIntervalMs: 10,
      attemptsOfDay: () => [attempt('P1')],
    });
    const bad = await stuck.fetchBill('2026-11-20');
    if (bad.kind !== 'bill') throw new Error(bad.kind);
    await expect(
      (async () => {
        for await (const _ of bad.rows) {
          // drain
        }
      })(),
    ).rejects.toMatchObject({ code: 'bill_unreadable' });
  });
});
