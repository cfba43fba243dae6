/**
 * The polling bench's frontier: its best schedule is what the simulator measures, and its lower
 * bound really is below every schedule within the budget (checked by brute force on a small grid).
 */
import { describe, expect, it } from 'vitest';
import { drawCustomers } from '../../bench/polling/customers.ts';
import { frontierWithin } from '../../bench/polling/frontier.ts';
import { simulateSchedule } from '../../bench/polling/simulate.ts';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';

const ALI = DEFAULT_POLL_POLICIES.alipay;

describe('frontierWithin', () => {
  const customers = drawCustomers(3, 3000);
  // Customers no query of a 60 s schedule sees paid: they cost one more query, confirming the reversal.
  const neverShare = customers.filter((t) => !(t <= 60_000)).length / customers.length;

  it('its best schedule measures, in the real machine, what the frontier predicts, within the budget', () => {
    const { best, lowerBoundMeanDelayMs } = frontierWithin(customers, 4.5, { spanMs: 60_000 });
    const measured = simulateSchedule({ ...ALI, queryDelaysMs: best.queryDelaysMs }, customers);
    expect(measured.meanDelayMs).toBeCloseTo(best.meanDelayMs, 6);
    // The simulator also counts the query that confirms each reversal.
    expect(measured.queriesPerPayment).toBeCloseTo(best.queriesPerPayment + neverShare, 6);
    expect(best.queriesPerPayment).toBeLessThanOrEqual(4.5);
    expect(best.queryDelaysMs.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(lowerBoundMeanDelayMs).toBeLessThanOrEqual(best.meanDelayMs);
  });

  it('the bound is below a schedule that fits the budget (the Alipay 3 s one)', () => {
    const three = simulateSchedule({ ...ALI, queryDelaysMs: Array(20).fill(3000) }, customers);
    const frontier = frontierWithin(customers, three.queriesPerPayment - neverShare, { spanMs: 60_000 });
    expect(frontier.lowerBoundMeanDelayMs).toBeLessThanOrEqual(three.meanDelayMs);
    expect(frontier.best.meanDelayMs).toBeLessThanOrEqual(three.meanDelayMs);
  });

  it('keeps the minimum gap', () => {
    const { best } = frontierWithin(customers, 4.5, { spanMs: 60_000, minGapMs: 3000 });
    expect(Math.min(...best.queryDelaysMs)).toBeGreaterThanOrEqual(3000);
  });

  it('on a small grid, the bound is below every schedule within the budget and the best is one of them', () => {
    const small = [700, 1200, 1900, 2100, 2500, 3300, 3900, 4800, 5600, Number.POSITIVE_INFINITY];
    const stepMs = 1000;
    const spanMs = 8000;
    for (const budget of [1.5, 2, 2.5, 3, 4]) {
      const frontier = frontierWithin(small, budget, { spanMs, stepMs });
      // Every subset of the grid times before the span, the span itself always queried.
      let bestBrute = Number.POSITIVE_INFINITY;
      for (let mask = 0; mask < 1 << 7; mask++) {
        const times = [
          ...Array.from({ length: 7 }, (_, i) => (i + 1) * stepMs).filter((_, i) => mask & (1 << i)),
          spanMs,
        ];
        const delays = times.map((t, i) => t - (i ? times[i - 1]! : 0));
        const f = simulateSchedule({ ...ALI, queryDelaysMs: delays }, small);
        const polling = f.queriesPerPayment - 1 / small.length;
        if (polling > budget + 1e-9) continue;
        expect(frontier.lowerBoundMeanDelayMs).toBeLessThanOrEqual(f.meanDelayMs + 1e-9);
        bestBrute = Math.min(bestBrute, f.meanDelayMs);
      }
      expect(frontier.best.meanDelayMs).toBeGreaterThanOrEqual(bestBrute - 1e-9);
    }
  });

  it('counts customers beyond the span as not seen paid, and refuses spans off the grid', () => {
    const within = frontierWithin([1000, 2000], 3, { spanMs: 4000, stepMs: 1000 });
    const withLate = frontierWithin([1000, 2000, 61_000], 3, { spanMs: 4000, stepMs: 1000 });
    // The late customer waits in no delay but is asked every query: fewer queries fit per paid customer.
    expect(withLate.best.meanDelayMs).toBeGreaterThanOrEqual(within.best.meanDelayMs);
    expect(() => frontierWithin([61_000], 3, { spanMs: 60_000 })).toThrow(RangeError);
    expect(() => frontierWithin([1000], 3, { spanMs: 60_010 })).toThrow(RangeError);
  });
});
