import { describe, expect, it } from 'vitest';
import { planChaos } from './chaos-plan.ts';

describe('planChaos', () => {
  it('is a function of the seed', () => {
    expect(planChaos(42, 200)).toEqual(planChaos(42, 200));
    expect(planChaos(42, 200)).not.toEqual(planChaos(43, 200));
  });

  it('mixes providers, customers, stops and refunds, with PAYJS paid by WeChat codes under sandbox-payjs', () => {
    const plan = planChaos(7, 500);
    const providers = new Set(plan.map((p) => p.provider));
    const customers = new Set(plan.map((p) => p.customer.kind));
    expect([...providers].sort()).toEqual(['alipay', 'payjs', 'wxpay']);
    expect(customers.size).toBe(6);
    expect(plan.some((p) => p.stopAfterMs !== null)).toBe(true);
    expect(plan.some((p) => p.refunds.length === 2)).toBe(true);
    for (const p of plan.filter((x) => x.provider === 'payjs')) {
      expect(p).toMatchObject({ pid: 'sandbox-payjs', wallet: 'wxpay' });
    }
  });

  it('plans only refunds the order can take: PAYJS whole orders, others summing to at most the total', () => {
    for (const p of planChaos(99, 500)) {
      const sum = p.refunds.reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(p.totalFee);
      expect(p.refunds.every((fee) => Number.isInteger(fee) && fee > 0)).toBe(true);
      if (p.provider === 'payjs' && p.refunds.length > 0) expect(p.refunds).toEqual([p.totalFee]);
    }
  });

  it('makes order numbers the API accepts (≤ 29 characters, letters and digits), unique, also for negative seeds', () => {
    const plan = planChaos(-123456789, 500);
    expect(new Set(plan.map((p) => p.orderNo)).size).toBe(500);
    for (const p of plan) expect(p.orderNo).toMatch(/^[0-9A-Za-z]{1,29}$/);
  });

  it('keeps WeChat stops at the requested rate (each costs a 15 s reversal wait)', () => {
    const none = planChaos(5, 500, { wxpayStopRate: 0 });
    expect(none.filter((p) => p.provider === 'wxpay' && p.stopAfterMs !== null)).toEqual([]);
  });
});
