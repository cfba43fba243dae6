/** The polling bench's before/after on the recorded populations: learned schedules and Alipay's push. */
import { describe, expect, it } from 'vitest';
import { learnedComparison, pushComparison } from '../../bench/polling/learned.ts';

describe('learned schedules on the recorded populations', () => {
  const rows = learnedComparison(['wxpay', 'alipay'], { roundTripMs: 300, customers: 4000 });

  it('covers every population and provider; a learned schedule waits less on fresh customers', () => {
    expect(rows.map((r) => `${r.population} ${r.provider}`)).toHaveLength(6);
    const learned = rows.filter((r) => r.after !== null);
    expect(learned.length).toBeGreaterThan(0);
    for (const row of learned) expect(row.after!.meanDelayMs).toBeLessThan(row.before.meanDelayMs);
  });
});

describe('Alipay push', () => {
  it('books customers about the notify latency after they confirm, with fewer queries', () => {
    for (const row of pushComparison({ roundTripMs: 300, pushLatencyMs: 500, customers: 4000 })) {
      expect(row.pushed.meanDelayMs).toBeLessThanOrEqual(500 + 300);
      expect(row.pushed.meanDelayMs).toBeLessThan(row.polling.meanDelayMs);
      expect(row.pushed.queriesPerPayment).toBeLessThan(row.polling.queriesPerPayment);
      expect(row.pushed.paid).toBe(row.polling.paid);
    }
  });
});
