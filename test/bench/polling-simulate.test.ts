/**
 * The polling bench's simulator: the real attempt machine on simulated time, against a provider
 * that answers paid from the customer's confirmation on.
 */
import { describe, expect, it } from 'vitest';
import { simulateAttempt, simulateSchedule } from '../../bench/polling/simulate.ts';
import { DEFAULT_POLL_POLICIES, type PollPolicy } from '../../core/domain/poll-policy.ts';

const ALI = DEFAULT_POLL_POLICIES.alipay;
const every1s: PollPolicy = { ...ALI, queryDelaysMs: [1000, 1000, 1000] };

describe('simulateAttempt', () => {
  it('sees the customer paid at the first query sent at or after the confirmation', () => {
    expect(simulateAttempt(every1s, 1500)).toEqual({ kind: 'paid', knownPaidAtMs: 2000, queries: 2 });
    expect(simulateAttempt(every1s, 2000)).toEqual({ kind: 'paid', knownPaidAtMs: 2000, queries: 2 });
    expect(simulateAttempt(every1s, 2001)).toEqual({ kind: 'paid', knownPaidAtMs: 3000, queries: 3 });
  });

  it('reverses a customer who never confirms, after the whole schedule and one confirming query', () => {
    expect(simulateAttempt(every1s, Number.POSITIVE_INFINITY)).toEqual({ kind: 'reversed', queries: 4 });
  });

  it('reverses a customer who confirms after the last query (a premature reversal)', () => {
    expect(simulateAttempt(every1s, 3001)).toEqual({ kind: 'reversed', queries: 4 });
  });

  it('WeChat: the reversal still waits for 15 s after the charge, and the customer is not paid meanwhile', () => {
    const wx: PollPolicy = { ...DEFAULT_POLL_POLICIES.wxpay, queryDelaysMs: [1000] };
    expect(simulateAttempt(wx, 5000)).toEqual({ kind: 'reversed', queries: 2 });
  });

  it('a round trip delays the charge reply, every query and the moment paid is known', () => {
    // Charge reply at 100, query sent at 1100 (pending), replied 1200; next sent 2200, paid known 2300.
    expect(simulateAttempt(every1s, 1500, { roundTripMs: 100 })).toEqual({
      kind: 'paid',
      knownPaidAtMs: 2300,
      queries: 2,
    });
  });
});

describe('simulateAttempt with round trips and push', () => {
  it('the provider reads a query when it arrives, half a round trip after it was sent', () => {
    // Charge reply at 100; query sent 1100 arrives 1150, after the confirmation at 1120: paid, known 1200.
    expect(simulateAttempt(every1s, 1120, { roundTripMs: 100 })).toEqual({
      kind: 'paid',
      knownPaidAtMs: 1200,
      queries: 1,
    });
  });

  it('a push books the customer its latency after the confirmation, before the next query', () => {
    const slowPolls: PollPolicy = { ...ALI, queryDelaysMs: [10_000, 10_000] };
    expect(simulateAttempt(slowPolls, 3000, { pushLatencyMs: 300 })).toEqual({
      kind: 'paid',
      knownPaidAtMs: 3300,
      queries: 0,
    });
    // Without the push the query at 10 s finds it.
    expect(simulateAttempt(slowPolls, 3000)).toEqual({ kind: 'paid', knownPaidAtMs: 10_000, queries: 1 });
  });
});

describe('simulateSchedule', () => {
  it('sums delay, queries and premature reversals over the customers', () => {
    const figures = simulateSchedule(every1s, [1500, 2500, Number.POSITIVE_INFINITY, 5000]);
    expect(figures).toEqual({
      customers: 4,
      paid: 2,
      meanDelayMs: 500,
      p95DelayMs: 500,
      // 2 + 3 + (3 + 1 confirming the reversal) + (3 + 1)
      queriesPerPayment: 13 / 4,
      prematureReversals: 1,
      prematureShare: 0.25,
      neverConfirmedReversed: 1,
      neverConfirmed: 1,
    });
  });

  it('p95 is the nearest-rank percentile of the paid customers’ delays', () => {
    // Confirmations at 2000, 1900, …, 100 ms, all seen at the one query at 2 s: delays 0…1900 ms.
    const customers = Array.from({ length: 20 }, (_, i) => 2000 - 100 * i);
    const figures = simulateSchedule({ ...ALI, queryDelaysMs: [2000] }, customers);
    expect(figures.paid).toBe(20);
    expect(figures.p95DelayMs).toBe(1800);
    expect(figures.meanDelayMs).toBe(950);
  });
});
