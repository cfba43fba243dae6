/**
 * Polling that learns (core/domain/poll-learning.ts, core/engine/poll-tuner.ts): what an attempt
 * says about its customer, the re-solved schedule's bounds (same patience, no more queries, the
 * provider's minimum gap) and its gain measured in the real attempt machine on fresh customers,
 * and a terminal that picks its learned schedule up from its own journal.
 */
import { describe, expect, it } from 'vitest';
import { drawCustomers, POPULATIONS } from '../../bench/polling/customers.ts';
import { simulateSchedule } from '../../bench/polling/simulate.ts';
import { type AttemptState, submittedAttempt } from '../../core/domain/attempt-state.ts';
import {
  confirmationOf,
  LEARNING,
  learnSchedule,
  MIN_QUERY_GAP_MS,
} from '../../core/domain/poll-learning.ts';
import { DEFAULT_POLL_POLICIES, scheduleSpanMs } from '../../core/domain/poll-policy.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { createHarness, directory, settle, wxCode } from './harness.ts';

const identity = {
  outTradeNo: 'L1',
  orderNo: 'L',
  attemptIndex: 1,
  pid: 'm1',
  provider: 'wxpay' as const,
  wallet: 'wxpay' as const,
  mode: 'micropay' as const,
  totalFee: 100,
  deadlineAt: null,
};
const ended = (patch: Partial<AttemptState>): AttemptState => ({
  ...submittedAttempt(identity, 1000),
  queryCount: 3,
  ...patch,
});

describe('confirmationOf', () => {
  const query = (at: number) => ({ at, out_trade_no: 'L1', step: 'intent' as const, op: 'query' });
  const outcome = (at: number, op: string) => ({ at, out_trade_no: 'L1', step: 'outcome' as const, op });
  const polled = [query(5500), outcome(5500, 'query'), query(7500), outcome(7500, 'query')];

  it('takes the provider payment time when it lies between the last pending query and the paying one', () => {
    expect(confirmationOf(ended({ phase: 'paid', paidAt: 6000, updatedAt: 7510 }), polled)).toBe(5000);
    // A provider clock ahead of ours, or no provider time: the middle of the window.
    expect(confirmationOf(ended({ phase: 'paid', paidAt: 9000, updatedAt: 7510 }), polled)).toBe(5500);
    expect(confirmationOf(ended({ phase: 'paid', paidAt: 7510, updatedAt: 7510 }), polled)).toBe(5500);
  });

  it('bounds a customer booked by a push between the last query and the push', () => {
    const pushed = [query(5500), outcome(5500, 'query'), outcome(6500, 'notified_paid')];
    expect(confirmationOf(ended({ phase: 'paid', paidAt: 6500, updatedAt: 6500 }), pushed)).toBe(5000);
  });

  it('counts a polled-out reversal as never, and learns nothing from instant, stopped or failed ones', () => {
    expect(confirmationOf(ended({ phase: 'reversed' }), polled)).toBe(Number.POSITIVE_INFINITY);
    expect(confirmationOf(ended({ phase: 'paid', queryCount: 0, updatedAt: 1200 }), [])).toBeUndefined();
    expect(confirmationOf(ended({ phase: 'reversed', stopRequested: true }), polled)).toBeUndefined();
    expect(confirmationOf(ended({ phase: 'failed' }), polled)).toBeUndefined();
    expect(confirmationOf(ended({ phase: 'paid', mode: 'qr', updatedAt: 5000 }), polled)).toBeUndefined();
  });
});

describe('learnSchedule', () => {
  it('keeps the default for a new terminal', () => {
    const few = drawCustomers(1, LEARNING.minSamples - 1);
    expect(learnSchedule('wxpay', few, DEFAULT_POLL_POLICIES.wxpay)).toBeUndefined();
  });

  for (const population of POPULATIONS) {
    it(`${population.name} customers: a schedule within the bounds that waits less on fresh customers, or the default`, () => {
      const base = DEFAULT_POLL_POLICIES.wxpay;
      const journal = drawCustomers(population.seed, LEARNING.maxSamples, population.spread);
      const learned = learnSchedule('wxpay', journal, base);
      if (population.name === 'typical') {
        // The default is already the best schedule for these customers: nothing to learn.
        expect(learned).toBeUndefined();
        return;
      }
      expect(learned).toBeDefined();
      const delays = learned!.queryDelaysMs;
      expect(delays.reduce((a, b) => a + b, 0)).toBe(scheduleSpanMs(base));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(MIN_QUERY_GAP_MS.wxpay);
      // Measured in the real machine, on customers the terminal has not seen.
      const fresh = drawCustomers(population.seed + 1, 20_000, population.spread);
      const before = simulateSchedule(base, fresh);
      const after = simulateSchedule({ ...base, queryDelaysMs: delays }, fresh);
      expect(after.meanDelayMs).toBeLessThan(before.meanDelayMs);
      expect(after.queriesPerPayment).toBeLessThanOrEqual(before.queriesPerPayment * 1.02);
      expect(after.prematureReversals).toBe(before.prematureReversals);
    });
  }
});

describe('a terminal learning from its own journal', () => {
  it('charges with the default until it has seen enough customers, then with its learned schedule', async () => {
    const h = createHarness();
    const customers = drawCustomers(POPULATIONS[1]!.seed, LEARNING.minSamples + 10, POPULATIONS[1]!.spread);
    const queryTimes = new Map<string, number[]>();
    const query = h.wx.query.bind(h.wx);
    h.wx.query = (order) => {
      queryTimes.set(order.outTradeNo, [...(queryTimes.get(order.outTradeNo) ?? []), h.clock.now()]);
      return query(order);
    };
    /** A customer who confirms after 10 s: when the engine first asked about them, after the charge. */
    const firstQueryAt = async (): Promise<number> => {
      const code = wxCode();
      h.wx.customers.set(code, 'password');
      const start = h.clock.now();
      const attempt = await h.engine.pay({ total_fee: 100, subject: 'x', auth_code: code });
      void h.clock.sleep(10_000).then(() => h.wx.confirm(code));
      await settle(h);
      expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
      return queryTimes.get(attempt.outTradeNo)![0]! - start;
    };
    const defaultFirstQuery = DEFAULT_POLL_POLICIES.wxpay.queryDelaysMs[0]!;
    // A new terminal: the default schedule.
    expect(await firstQueryAt()).toBe(defaultFirstQuery);
    // Customers of a fast shop, paid through the engine (a confirmed customer is seen by the next query).
    for (const confirmAt of customers) {
      const code = wxCode();
      h.wx.customers.set(code, 'password');
      const paying = h.engine.pay({ total_fee: 100, subject: 'x', auth_code: code });
      if (Number.isFinite(confirmAt)) void h.clock.sleep(confirmAt).then(() => h.wx.confirm(code));
      await paying;
      await settle(h);
    }
    // Learned while it ran (refitted every 50 customers): fast customers are asked sooner than 4.5 s.
    expect(await firstQueryAt()).toBeLessThan(defaultFirstQuery);
    // A restart reads the journal and picks the same schedule up.
    h.restart().recover();
    await h.engine.pollLearningReady();
    expect(await firstQueryAt()).toBeLessThan(defaultFirstQuery);
    // A terminal told not to learn keeps the default, over the same journal.
    h.engine = new CheckoutEngine({
      journal: h.journal,
      clock: h.clock,
      merchants: directory([h.wx, h.ali]),
      learnPolling: false,
    });
    h.engine.recover();
    await h.engine.pollLearningReady();
    expect(await firstQueryAt()).toBe(defaultFirstQuery);
    h.dispose();
  }, 60_000);
});

describe("learning never stands in a payment's way", () => {
  it('a journal that fails the reads learning needs still books the payment with the default schedule', async () => {
    const h = createHarness({
      journal: (j) =>
        new Proxy(j, {
          get(target, property, receiver) {
            if (property === 'timeline' || property === 'recentPolledAttempts')
              return () => {
                throw new Error('disk I/O error');
              };
            const value: unknown = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    h.engine.recover();
    await h.engine.pollLearningReady();
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ total_fee: 100, subject: 'x', auth_code: code });
    void h.clock.sleep(5000).then(() => h.wx.confirm(code));
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
    h.dispose();
  });
});
