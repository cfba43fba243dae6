/**
 * PAYJS blacklists callers that check too often, and the live till checks through the same
 * account. Reconciliation runs are not queued (a supervisor's "reconcile now" may overlap the daily
 * run, and a local call may start several), so the pause between two checks must hold across
 * runs sharing one source, not only within one run.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/ports/clock.ts';
import type { PaymentGateway, PaymentOutcome } from '../../core/ports/payment-gateway.ts';
import { createOrderCheckSource } from '../../core/reconcile/order-check-source.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const paid: PaymentOutcome = { kind: 'paid', transactionId: 't', totalFee: 100 };

function recordingGateway(clock: Clock, calls: number[]): PaymentGateway {
  return {
    provider: 'payjs',
    wallets: ['wxpay'],
    query: async () => {
      calls.push(clock.now());
      return paid;
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

async function drain(source: ReturnType<typeof createOrderCheckSource>, date: string): Promise<number> {
  const bill = await source.fetchBill(date);
  if (bill.kind !== 'bill') throw new Error(bill.kind);
  let rows = 0;
  for await (const _ of bill.rows) rows++;
  return rows;
}

describe('PAYJS check pacing across runs', () => {
  it('two overlapping runs still leave the interval between any two checks', async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const source = createOrderCheckSource(recordingGateway(clock, calls), {
      clock,
      minIntervalMs: 3000,
      attemptsOfDay: () => [attempt('P1'), attempt('P2'), attempt('P3')],
    });
    const runs = Promise.all([drain(source, '2026-11-20'), drain(source, '2026-11-20')]);
    await clock.runAll(60_000);
    expect(await runs).toEqual([3, 3]);
    expect(calls).toHaveLength(6);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3000);
  });
});
