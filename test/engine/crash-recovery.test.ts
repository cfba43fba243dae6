/**
 * Crash tests: for each scenario, the engine dies after every single journal write in turn, and
 * again during each (the write lost, what came before it done: a paid callback's handler), a new
 * engine starts over the same SQLite file and recovers. Afterwards every order is final, the
 * fake provider's ledger agrees with the journal (no money without a PAID order, no PAID order
 * without money) and no paid callback ran twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isFinal } from '../../core/domain/attempt-state.ts';
import { crashingJournal } from '../fakes/crashing-journal.ts';
import type { FakeGateway } from '../fakes/fake-gateway.ts';
import { aliCode, createHarness, type Harness, settle, wxCode } from './harness.ts';

interface Scenario {
  readonly name: string;
  /** Sets the customers and faults up, starts the payment; returns the order number. */
  run(h: Harness): Promise<string>;
}

async function payAndConfirmLater(
  h: Harness,
  gateway: 'wx' | 'ali',
  confirmAfterMs: number | null,
  stop = false,
): Promise<string> {
  const code = gateway === 'wx' ? wxCode() : aliCode();
  const fake: FakeGateway = gateway === 'wx' ? h.wx : h.ali;
  fake.customers.set(code, 'password');
  const orderNo = `O${Math.floor(Math.random() * 1e9)}`;
  const paying = h.engine
    .pay({ total_fee: 999, subject: 'x', out_trade_no: orderNo, auth_code: code })
    .catch(() => undefined);
  if (confirmAfterMs !== null) {
    void h.clock.sleep(confirmAfterMs).then(() => fake.confirm(code));
  }
  await paying;
  if (stop) {
    try {
      h.engine.stop(orderNo);
    } catch {
      // the crash may already have happened
    }
  }
  return orderNo;
}

const scenarios: Scenario[] = [
  {
    name: 'instant payment',
    run: async (h) => {
      const orderNo = 'INSTANT1';
      await h.engine
        .pay({ total_fee: 500, subject: 'x', out_trade_no: orderNo, auth_code: wxCode() })
        .catch(() => undefined);
      return orderNo;
    },
  },
  {
    name: 'charged but the reply was lost',
    run: async (h) => {
      h.wx.fault('micropay', 'lost');
      await h.engine
        .pay({ total_fee: 500, subject: 'x', out_trade_no: 'LOST1', auth_code: wxCode() })
        .catch(() => undefined);
      return 'LOST1';
    },
  },
  {
    name: 'query says not found, then paid',
    run: async (h) => {
      h.wx.fault('micropay', 'lost');
      h.wx.notFoundQueries = 1;
      await h.engine
        .pay({ total_fee: 500, subject: 'x', out_trade_no: 'NF1', auth_code: wxCode() })
        .catch(() => undefined);
      return 'NF1';
    },
  },
  { name: 'password confirmed after 7 s', run: (h) => payAndConfirmLater(h, 'wx', 7000) },
  { name: 'password never confirmed (WeChat reversal)', run: (h) => payAndConfirmLater(h, 'wx', null) },
  { name: 'password never confirmed (Alipay cancel)', run: (h) => payAndConfirmLater(h, 'ali', null) },
  { name: 'cashier stop', run: (h) => payAndConfirmLater(h, 'ali', null, true) },
  {
    name: 'insufficient funds',
    run: async (h) => {
      const code = wxCode();
      h.wx.customers.set(code, 'insufficient');
      await h.engine
        .pay({ total_fee: 500, subject: 'x', out_trade_no: 'POOR1', auth_code: code })
        .catch(() => undefined);
      return 'POOR1';
    },
  },
  {
    name: 'reversal asked to retry once',
    run: async (h) => {
      h.ali.reverseRetries = 1;
      return payAndConfirmLater(h, 'ali', null, true);
    },
  },
  {
    name: 'paid then partly refunded',
    run: async (h) => {
      const attempt = await h.engine
        .pay({ total_fee: 800, subject: 'x', out_trade_no: 'REF1', auth_code: wxCode() })
        .catch(() => undefined);
      if (attempt?.phase === 'paid')
        await h.engine.refunds.refund({ out_trade_no: 'REF1', refund_fee: 300 }).catch(() => undefined);
      return 'REF1';
    },
  },
  {
    name: 'QR order expiring unpaid',
    run: async (h) => {
      await h.engine
        .startQr({
          total_fee: 600,
          subject: 'chair',
          out_trade_no: 'QR1',
          time_expire: h.clock.now() + 20_000,
        })
        .catch(() => undefined);
      return 'QR1';
    },
  },
];

function checkAgreement(h: Harness, orderNo: string, callbackWasRunning = false): void {
  const order = h.journal.getOrder(orderNo);
  const fakes = [h.wx, h.ali];
  const heldAtProvider = (outTradeNo: string) => fakes.reduce((sum, f) => sum + f.held(outTradeNo), 0);
  if (!order) {
    // The crash came before the order was written: the provider must hold nothing for it.
    for (const f of fakes)
      for (const trade of f.trades.values())
        if (trade.outTradeNo.startsWith(orderNo)) expect(heldAtProvider(trade.outTradeNo)).toBe(0);
    return;
  }
  const attempts = h.journal.attemptsOf(orderNo);
  for (const attempt of attempts) {
    expect(isFinal(attempt), `${attempt.outTradeNo} is ${attempt.phase}`).toBe(true);
    const held = heldAtProvider(attempt.outTradeNo);
    if (attempt.phase === 'paid') {
      expect(held).toBe(order.totalFee - order.refundedFee);
    } else {
      expect(held, `${attempt.outTradeNo} (${attempt.phase}) holds money`).toBe(0);
    }
  }
  const paid = attempts.filter((a) => a.phase === 'paid');
  expect(paid.length).toBeLessThanOrEqual(1);
  expect(order.status >= 1).toBe(paid.length === 1);
  if (paid.length === 1) {
    // A crash after "running" was journaled but before "done" may have come after the handler ran:
    // that one window runs it again (handlers get out_trade_no as their idempotency key). Nowhere else.
    expect(h.callbackRuns.get(orderNo) ?? 0).toBe(callbackWasRunning ? 2 : 1);
    expect(h.journal.getCallback(orderNo)?.state).toBe('done');
  } else {
    expect(h.callbackRuns.get(orderNo) ?? 0).toBe(0);
  }
}

let harness: Harness | undefined;
afterEach(() => harness?.dispose());

describe('recovery after a crash between any two journal writes', () => {
  for (const scenario of scenarios) {
    it(`ends final and agrees with the provider: ${scenario.name}`, async () => {
      // A clean run counts the writes.
      const counting = createHarness();
      let counter!: ReturnType<typeof crashingJournal>;
      counting.restart((j) => {
        counter = crashingJournal(j, Number.POSITIVE_INFINITY);
        return counter.journal;
      });
      const cleanOrder = await scenario.run(counting);
      await settle(counting);
      checkAgreement(counting, cleanOrder);
      const totalWrites = counter.writes();
      counting.dispose();
      expect(totalWrites).toBeGreaterThanOrEqual(2);

      const crashPoints = Array.from({ length: totalWrites }, (_, i) => i + 1).flatMap((k) => [
        { k, when: 'after' as const },
        { k, when: 'during' as const },
      ]);
      for (const { k, when } of crashPoints) {
        harness = createHarness();
        const h = harness;
        h.restart((j) => crashingJournal(j, k, when).journal);
        const orderNo = await scenario.run(h);
        await h.clock.runAll();
        await h.engine.idle();
        // The process is gone; a new one starts over the same file and the same providers.
        h.restart();
        const callbackWasRunning =
          h.journal.getCallback(orderNo)?.state === 'running' && (h.callbackRuns.get(orderNo) ?? 0) === 1;
        h.engine.recover();
        await settle(h);
        checkAgreement(h, orderNo, callbackWasRunning);
        h.dispose();
        harness = undefined;
      }
    });
  }
});
